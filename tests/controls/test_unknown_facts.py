"""Unknown facts are answers: an empty origin or made_in gives `unknown` and names the lines."""

from __future__ import annotations

from pathlib import Path

from lanthanide.controls import Finding, Screening
from tests.bom_builder import line, run

IN_FORCE = ("CN-MOFCOM-2025-61=in_force",)


def magnet(dy_origin: str, dy_value: float = 2.0, **top: str) -> list[dict[str, object]]:
    """A Japanese magnet worth 1000 with one Dy metal line (2.0 is 0.2% of it)."""
    return [
        line("MAG", "", "magnet_ndfeb", top.pop("origin", "JP"), 1000, elements="Nd;Dy", **top),
        line("DY", "MAG", "ree_metal", dy_origin, dy_value, elements="Dy"),
    ]


def de_minimis(result: Screening) -> Finding:
    return next(
        f for f in result.products[0].findings if f.clause == "de_minimis" and not f.upstream
    )


def screen(tmp_path: Path, rows: list[dict[str, object]]) -> Screening:
    return run(tmp_path, rows, "2026-11-28", assume=IN_FORCE, ship_to="DE")


def test_part_i_line_without_origin_that_could_decide_is_unknown_and_named(
    tmp_path: Path,
) -> None:
    result = screen(tmp_path, magnet(""))
    f = de_minimis(result)
    assert f.applies is None
    assert [d.line_id for d in f.deciding_lines] == ["DY"]
    assert "no origin" in f.sentence and "DY" in f.sentence
    assert result.products[0].determination.value == "unknown"


def test_line_without_origin_that_cannot_decide_does_not_make_it_unknown(
    tmp_path: Path,
) -> None:
    below = screen(tmp_path, magnet("", dy_value=0.5))  # at most 0.05%
    assert de_minimis(below).applies is False
    rows = [*magnet("CN"), line("TB", "MAG", "ree_metal", "", 0.5, elements="Tb")]
    above = screen(tmp_path, rows)  # 0.2% known Chinese already
    assert de_minimis(above).applies is True


def test_product_whose_making_is_not_given_is_unknown(tmp_path: Path) -> None:
    rows = magnet("CN", origin="")
    result = run(tmp_path, rows, "2026-11-28", assume=IN_FORCE, ship_from="JP", ship_to="DE")
    f = de_minimis(result)
    assert f.applies is None and "where the product was made is not given" in f.sentence


def test_origin_and_made_in_that_disagree_give_a_warning(tmp_path: Path) -> None:
    rows = magnet("CN")
    rows[1]["made_in"] = "VN"
    f = de_minimis(screen(tmp_path, rows))
    assert f.applies is True  # origin decides the origin test
    assert len(f.warnings) == 1
    assert "line DY" in f.warnings[0] and "origin CN but made_in VN" in f.warnings[0]
    clean = de_minimis(screen(tmp_path, magnet("CN")))
    assert clean.warnings == []


def test_us_content_of_unknown_origin_that_could_decide_is_unknown(tmp_path: Path) -> None:
    def applies(origin: str) -> bool | None:
        rows = [
            line("SRV", item_type="finished_good", origin="MX", value=1000),
            line("NIC", "SRV", "chip", origin, 300, eccn="5A002.a"),  # licence to CN
        ]
        result = run(tmp_path, rows, "2026-11-28", ship_to="CN")
        return next(f for f in result.products[0].findings if f.measure == "US-EAR-734.4").applies

    assert applies("US") is True  # 30% > 25%
    assert applies("DE") is False
    assert applies("") is None  # may be US-origin: not cleared


def test_a_bom_with_empty_origin_screens_from_the_cli(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bom = Path(__file__).parents[1] / "fixtures" / "boms" / "origin_empty.csv"
    result = cli("screen", str(bom), "--as-of", "2026-11-28", "--format", "json")
    assert result.exit_code == 0, result.output
