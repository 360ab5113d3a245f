"""The service functions are the Python API: typed requests in, typed results with receipts out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import lanthanide
from lanthanide.errors import InvalidInput

EV_MOTOR = Path(__file__).parents[2] / "examples" / "boms" / "ev_traction_motor.csv"


@pytest.fixture(scope="module")
def resources() -> lanthanide.Resources:
    return lanthanide.Resources.open()


def test_chain_stage_from_the_package_root(resources: lanthanide.Resources) -> None:
    result = lanthanide.stage(lanthanide.StageRequest(stage="mining", year=2025), resources)
    assert result.stage.china_share == pytest.approx(270_000 / 390_000)
    assert result.receipt.parameters["stage"] == "mining"


def test_screen_a_file_and_the_same_bytes_upload_alike(resources: lanthanide.Resources) -> None:
    request = lanthanide.ScreenRequest(as_of=dt.date(2026, 12, 1))
    from_path = lanthanide.screen(request, lanthanide.Upload.from_path(EV_MOTOR), resources)
    from_bytes = lanthanide.screen(
        request, lanthanide.Upload("ev_traction_motor.csv", EV_MOTOR.read_bytes()), resources
    )
    assert from_path.screening.products == from_bytes.screening.products


def test_upload_problems_name_the_upload_not_a_temporary_file(
    resources: lanthanide.Resources,
) -> None:
    bad = lanthanide.Upload("mine.csv", b"product_id,line_id\nA,B\n")
    with pytest.raises(InvalidInput) as caught:
        lanthanide.screen(lanthanide.ScreenRequest(), bad, resources)
    assert {p.file for p in caught.value.problems} == {"mine.csv"}
    assert "lanthanide-upload" not in str(caught.value)


def test_timeline_request_rejects_a_malformed_assumption(resources: lanthanide.Resources) -> None:
    with pytest.raises(InvalidInput) as caught:
        lanthanide.timeline(lanthanide.TimelineRequest(assume=["CN-MOFCOM-2025-61"]), resources)
    assert caught.value.problems[0].column == "assume"
    assert "--" not in str(caught.value)
