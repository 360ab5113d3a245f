"""Non-Chinese capacity: what runs in a year versus what is still pipeline."""

from __future__ import annotations

import pandas as pd
import pytest

from lanthanide.chain.capacity import non_china_capacity
from lanthanide.store.datasets import read_table


def _facility(
    fid: str, country: str, status: str, start: str, capacity: float | str
) -> dict[str, object]:
    return {
        "facility_id": fid,
        "company": fid,
        "country": country,
        "stage": "magnet",
        "material": "NdFeB_sintered",
        "status": status,
        "start": start or None,
        "capacity_t_per_year": capacity,
        "capacity_basis": "test",
        "source_url": "https://example.org",
        "confidence": "M",
    }


def test_running_needs_an_operating_status_and_a_start_by_the_year() -> None:
    frame = pd.DataFrame(
        [
            _facility("a", "US", "operating", "", 1000),
            _facility("b", "EE", "ramping", "2025-09", 2000),
            _facility("c", "US", "planned", "2028-01", 9000),
            _facility("d", "CN", "operating", "", 40000),
            _facility("e", "US", "ramping", "2026-03", 500),
            _facility("f", "US", "operating", "", ""),
        ]
    )
    (magnets,) = non_china_capacity(frame, 2025)
    assert magnets.running_t == 3000
    assert magnets.pipeline_t == 9500
    assert [f.facility_id for f in magnets.pipeline] == ["e", "c"]
    assert "d" not in {f.facility_id for f in magnets.running + magnets.pipeline}
    (later,) = non_china_capacity(frame, 2026)
    assert later.running_t == 3500


def test_shipped_magnet_capacity_outside_china_in_2025() -> None:
    facilities = read_table("facilities")
    by_stage = {(c.stage, c.material): c for c in non_china_capacity(facilities, 2025)}
    magnets = by_stage[("magnet", "NdFeB_sintered")]
    expected = facilities.query(
        "country != 'CN' and stage == 'magnet' and status in "
        "['operating', 'ramping', 'commissioning', 'opening']"
    )
    expected = expected[expected["start"].fillna("0000").str[:4] <= "2025"]
    assert magnets.running_t == pytest.approx(pd.to_numeric(expected["capacity_t_per_year"]).sum())
    assert {"mp-independence", "neo-narva"} <= {f.facility_id for f in magnets.running}
    assert "mp-10x" in {f.facility_id for f in magnets.pipeline}
