"""Each key is a tenant: another key can neither list, fetch nor download its results."""

from __future__ import annotations

from lanthanide.api.routers.screenings import EXAMPLE_ROWS
from tests.api.conftest import Server


def _screen(server: Server, tenant: str) -> str:
    with server.client(tenant) as client:
        answer = client.post(
            "/api/v1/screenings", json={"as_of": "2026-12-01", "rows": EXAMPLE_ROWS}
        )
    assert answer.status_code == 201
    return str(answer.json()["id"])


def test_other_tenant_gets_404_for_a_screening(keyed: Server) -> None:
    screening_id = _screen(keyed, "a")
    with keyed.client("a") as mine, keyed.client("b") as theirs:
        assert mine.get(f"/api/v1/screenings/{screening_id}").status_code == 200
        assert theirs.get(f"/api/v1/screenings/{screening_id}").status_code == 404
        assert theirs.get(f"/api/v1/screenings/{screening_id}/csv").status_code == 404
        assert screening_id in [s["id"] for s in mine.get("/api/v1/screenings").json()]
        assert screening_id not in [s["id"] for s in theirs.get("/api/v1/screenings").json()]
        diff = {"before": screening_id, "after": screening_id}
        assert theirs.get("/api/v1/screenings/diff", params=diff).status_code == 404


def test_unknown_and_foreign_ids_answer_alike(keyed: Server) -> None:
    screening_id = _screen(keyed, "a")
    with keyed.client("b") as theirs:
        foreign = theirs.get(f"/api/v1/screenings/{screening_id}")
        unknown = theirs.get("/api/v1/screenings/not-an-id")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json()["error"] == unknown.json()["error"] == "NotFound"


def test_ids_are_random_not_sequential(keyed: Server) -> None:
    first, second = _screen(keyed, "a"), _screen(keyed, "a")
    assert len(first) >= 22 and first != second
