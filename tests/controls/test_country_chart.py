"""The Country Chart licence test (15 CFR 738.4) on the shipped dataset, row by row."""

from __future__ import annotations

import pytest

from lanthanide.controls.country_chart import Destinations, licence_needed, split_eccn
from lanthanide.store.rules import shipped_rules

CHART = shipped_rules().chart
assert CHART is not None


@pytest.mark.parametrize(
    ("eccn", "dest", "required", "code"),
    [
        ("3A001.a", "CN", True, "NS2"),  # NS2 is marked for China
        ("3A001.a.2", "DE", False, None),  # NS2 not marked for Germany; MT does not reach a.2
        (
            "3A001.a",
            "DE",
            None,
            "MT1",
        ),  # 3A001.a may be a.1.a, controlled for MT when usable in missiles
        ("3A001.b.2", "DE", None, "NS1"),  # NS1 unless for civil telecommunications: a use fact
        ("5A002.a", "DE", True, "NS1"),
        ("5A002.a", "CA", None, "EI"),  # NS1 not marked for Canada, but EI (742.15) is not held
        ("5A992.c", "CN", False, None),  # AT1 only, not marked for China
        ("5A992", "CN", None, None),  # no paragraph: may be 5A992.z.1 (worldwide)
        ("5A991.b", "RU", False, None),  # the chart says no; 746.8 decides Russia
        ("EAR99", "CN", False, None),
    ],
)
def test_chart_answer_and_control_code(
    eccn: str, dest: str, required: bool | None, code: str | None
) -> None:
    answer = licence_needed(CHART, eccn, dest)
    assert answer.required is required
    if code is not None:
        assert code in answer.codes


def test_an_eccn_or_destination_not_held_is_unknown_never_no_licence() -> None:
    assert licence_needed(CHART, "6A003.b", "CN").required is None
    assert "not held" in licence_needed(CHART, "6A003.b", "CN").reason
    assert licence_needed(CHART, "5A002.a", "HK").required is None  # HK is not a chart row
    assert licence_needed(CHART, "5A002.a", "IR").required is None  # Part 746 governs Iran


@pytest.mark.parametrize(
    ("dest", "required"),
    [
        ("CN", True),  # D:1, D:4, D:5
        ("MO", True),  # D:1 (and D:4)
        ("KZ", True),  # D:1 only
        ("AE", True),  # named in the row
        ("IL", False),  # D:4 but also A:6
        ("DE", False),
    ],
)
def test_3a090b_group_rule_less_a5_a6(dest: str, required: bool) -> None:
    assert licence_needed(CHART, "3A090.b", dest).required is required


@pytest.mark.parametrize(("dest", "required"), [("MO", True), ("CN", True), ("VN", False)])
def test_3a090c_macau_or_d5(dest: str, required: bool) -> None:
    assert licence_needed(CHART, "3A090.c", dest).required is required


@pytest.mark.parametrize(
    ("eccn", "dest", "required"),
    [
        ("3B001.c.1.a", "DE", True),  # worldwide NS/RS
        ("3B001.a.1", "CN", True),  # NS2
        ("3B001.a.1", "DE", False),
        ("3B001.d", "CN", True),  # Macau or D:5
        ("3B001.d", "VN", False),  # D:1 but not D:5
        ("3B001.c", "DE", None),  # may be c.1.a
        ("3B090", "CN", None),  # not a CCL entry in this edition: not held
    ],
)
def test_3b001_chip_tools(eccn: str, dest: str, required: bool | None) -> None:
    assert licence_needed(CHART, eccn, dest).required is required


def test_3a090a_text_says_worldwide() -> None:
    assert licence_needed(CHART, "3A090.a", "DE").required is True
    assert licence_needed(CHART, "4A090.a", "JP").required is True


def test_destination_rules_parse_and_read_back() -> None:
    rule = Destinations.parse("groups=D:1,D:4,D:5;minus=A:5,A:6;plus=AE")
    assert rule is not None
    assert rule.words() == "Country Groups D:1, D:4, D:5 less those also in A:5 or A:6 and AE"
    assert Destinations.parse("") is None
    with pytest.raises(ValueError, match="bad part"):
        Destinations.parse("groups")
    assert split_eccn("3A001.a.5.a") == ("3A001", ("a", "5", "a"))


def test_country_groups_come_from_the_dataset() -> None:
    assert "CN" in CHART.members("D:5")
    assert "MO" not in CHART.members("D:5")  # hence "D:5 or Macau" in the rules
    assert CHART.members("E:1") == ["IR", "KP", "SY"]
    assert CHART.members("E:2") == ["CU"]
