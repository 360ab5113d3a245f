"""Events, event studies and volatility studies over the live server, on the shipped sample."""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import Server

SAMPLE = Path(__file__).parents[2] / "src" / "lanthanide" / "data" / "samples"


def test_catalogue_filters_by_actor_and_dates(keyed: Server) -> None:
    params = {"actor": "CN", "from": "2025-01-01", "to": "2025-12-31"}
    with keyed.client("a") as client:
        body = client.get("/api/v1/events", params=params).json()
    assert body["events"] and all("CN" in e["actor"] for e in body["events"])
    assert all("2025-01-01" <= e["date"] <= "2025-12-31" for e in body["events"])
    assert body["receipt"]["computed"] == "events_list"


def test_event_study_of_the_dod_mp_deal_matches_the_cli(keyed: Server) -> None:
    with keyed.client("a") as client:
        answer = client.post("/api/v1/event-studies", json={"events": ["US-DOD-MP-2025"]})
    assert answer.status_code == 200, answer.text
    [event] = answer.json()["events"]
    # the README's worked example: CAAR +21.45% over [-1, 1] on the six sample firms
    assert round(event["caar"], 4) == 0.2145 and event["n"] == 6


def test_uploaded_prices_are_read_like_a_file(keyed: Server) -> None:
    text = (SAMPLE / "rare_earth_prices.csv").read_text(encoding="utf-8")
    body = {"events": ["US-DOD-MP-2025"], "prices_csv": text}
    with keyed.client("a") as client:
        answer = client.post("/api/v1/event-studies", json=body).json()
    assert round(answer["events"][0]["caar"], 4) == 0.2145
    assert answer["receipt"]["parameters"]["prices"] == "prices.csv"


def test_malformed_uploaded_prices_are_located(keyed: Server) -> None:
    body = {"events": ["US-DOD-MP-2025"], "prices_csv": "date,MP\n2025-01-02,abc\n"}
    with keyed.client("a") as client:
        answer = client.post("/api/v1/event-studies", json=body)
    assert answer.status_code == 422
    assert {p["file"] for p in answer.json()["problems"]} == {"prices.csv"}


def test_volatility_study_answers_with_its_tests(keyed: Server) -> None:
    body = {"events": ["US-DOD-MP-2025"]}
    with keyed.client("a") as client:
        answer = client.post("/api/v1/volatility-studies", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["rv_days"] == 20
