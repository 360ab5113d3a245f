"""Every endpoint over a real uvicorn server: answers, error bodies, limits, headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from lanthanide.api.routers.screenings import EXAMPLE_ROWS
from lanthanide.api.security import SECURITY_HEADERS
from tests.api.conftest import Server

EXAMPLES = Path(__file__).parents[2] / "examples" / "boms"
EV_MOTOR = EXAMPLES / "ev_traction_motor.csv"
MAGNET = Path(__file__).parents[1] / "fixtures" / "boms" / "magnet_small.csv"


def test_health_answers_without_a_key(keyed: Server) -> None:
    with keyed.client() as client:
        assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_requests_without_a_valid_key_get_401(keyed: Server) -> None:
    with keyed.client() as client:
        assert client.get("/api/v1/chain").status_code == 401
        wrong = client.get("/api/v1/chain", headers={"Authorization": "Bearer lnt_nope"})
        assert wrong.status_code == 401
        assert wrong.headers["WWW-Authenticate"] == "Bearer"


def test_x_api_key_header_is_accepted(keyed: Server) -> None:
    with keyed.client() as client:
        answer = client.get("/api/v1/datasets", headers={"X-API-Key": keyed.keys["a"]})
    assert answer.status_code == 200


def test_chain_reports_china_mining_share_from_the_dataset(keyed: Server) -> None:
    with keyed.client("a") as client:
        body = client.get("/api/v1/chain/stages/mining", params={"year": 2025}).json()
    # USGS MCS 2026: China 270,000 t of a 390,000 t world total
    assert body["stage"]["china_share"] == 270_000 / 390_000
    assert body["receipt"]["computed"] == "chain"


def test_full_chain_report_lists_stages_and_chokepoints(keyed: Server) -> None:
    with keyed.client("a") as client:
        body = client.get("/api/v1/chain", params={"year": 2025, "element": "Dy"}).json()
    assert {s["stage"] for s in body["report"]["stages"]} >= {"mining", "separation"}
    assert [c["element"] for c in body["report"]["chokepoints"]] == ["Dy"]


def test_unknown_stage_is_a_422_with_problems(keyed: Server) -> None:
    with keyed.client("a") as client:
        answer = client.get("/api/v1/chain/stages/smelting-on-mars")
    assert answer.status_code == 422
    assert answer.json()["error"] == "InvalidInput"


def test_out_of_range_year_is_a_422_naming_the_field(keyed: Server) -> None:
    with keyed.client("a") as client:
        answer = client.get("/api/v1/chain", params={"year": 99999})
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["column"] == "query.year"


def test_timeline_on_a_date_gives_status_and_reason(keyed: Server) -> None:
    with keyed.client("a") as client:
        body = client.get("/api/v1/timeline", params={"as_of": "2025-05-01"}).json()
    ann18 = next(e for e in body["entries"] if e["measure"] == "CN-MOFCOM-2025-18")
    assert ann18["status"] == "in_force"
    assert body["as_of"] == "2025-05-01"


def test_timeline_assumption_is_echoed_in_the_receipt(keyed: Server) -> None:
    params = {"as_of": "2027-01-01", "assume": "CN-MOFCOM-2025-61=in_force"}
    with keyed.client("a") as client:
        body = client.get("/api/v1/timeline", params=params).json()
        bad = client.get("/api/v1/timeline", params={"assume": "NOPE=maybe"})
    assert body["receipt"]["assumptions"] == ["CN-MOFCOM-2025-61=in_force (user assumption)"]
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["column"] == "assume"


def test_uploaded_bom_is_screened_like_the_cli(keyed: Server) -> None:
    with keyed.client("a") as client:
        answer = client.post(
            "/api/v1/screenings/upload",
            files={"file": (EV_MOTOR.name, EV_MOTOR.read_bytes(), "text/csv")},
            data={"as_of": "2026-12-01"},
        )
    assert answer.status_code == 201
    body = answer.json()
    product = body["screening"]["products"][0]
    assert product["product_id"] == "EV-MOTOR-150KW"
    assert {f["measure"] for f in product["findings"]} >= {"CN-MOFCOM-2025-18"}
    assert "bom:ev_traction_motor.csv" in body["screening"]["receipt"]["datasets"]


def test_posted_rows_problems_are_located_by_row(keyed: Server) -> None:
    rows = [dict(EXAMPLE_ROWS[0]), dict(EXAMPLE_ROWS[1], quantity=-1)]
    with keyed.client("a") as client:
        answer = client.post("/api/v1/screenings", json={"rows": rows})
    assert answer.status_code == 422
    assert answer.json()["problems"] == [
        {"file": "rows.json", "line": 2, "column": "quantity", "message": "quantity -1 is negative"}
    ]


def test_malformed_upload_lists_every_problem(keyed: Server) -> None:
    with keyed.client("a") as client:
        answer = client.post(
            "/api/v1/screenings/upload", files={"file": ("bad.csv", b"product_id,line_id\nA,B\n")}
        )
    assert answer.status_code == 422
    missing = [p["message"] for p in answer.json()["problems"]]
    assert "required column 'item_type' is missing" in missing
    assert all(p["file"] == "bad.csv" for p in answer.json()["problems"])


def test_upload_above_the_size_limit_gets_413(keyed: Server) -> None:
    with keyed.client("a") as client:
        answer = client.post(
            "/api/v1/screenings/upload", files={"file": ("big.csv", b"x" * 300_000)}
        )
    assert answer.status_code == 413


def test_rows_above_the_row_limit_get_422(keyed: Server) -> None:
    rows = [dict(EXAMPLE_ROWS[0], product_id=f"p{i}") for i in range(501)]
    with keyed.client("a") as client:
        answer = client.post("/api/v1/screenings", json={"rows": rows})
    assert answer.status_code == 422
    assert "above the limit of 500" in answer.json()["message"]


def test_every_answer_carries_the_security_headers(keyed: Server) -> None:
    with keyed.client() as client:
        for path in ("/api/v1/health", "/api/v1/chain", "/api/v1/openapi.json"):
            headers = client.get(path).headers
            for name, value in SECURITY_HEADERS.items():
                assert headers[name] == value, (path, name)


def test_open_server_needs_no_key(open_server: Server) -> None:
    with open_server.client() as client:
        assert client.get("/api/v1/datasets").status_code == 200


def test_request_past_the_time_limit_gets_504() -> None:
    from lanthanide.api.settings import ApiSettings
    from tests.api.conftest import serve

    for url in serve(ApiSettings(request_timeout_s=1e-6)):
        with Server(url, {}).client() as client:
            answer = client.get("/api/v1/chain")
        assert answer.status_code == 504
        assert answer.json()["error"] == "Timeout"


def _upload(client: httpx.Client, path: Path, as_of: str) -> dict[str, Any]:
    answer = client.post(
        "/api/v1/screenings/upload",
        files={"file": (path.name, path.read_bytes(), "text/csv")},
        data={"as_of": as_of},
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_party_list_hits_are_findings(keyed: Server) -> None:
    with keyed.client("a") as client:
        body = _upload(client, EXAMPLES / "magnet_buyers.csv", "2026-12-01")
    products = {p["product_id"]: p for p in body["screening"]["products"]}
    hit = next(f for f in products["MAG-MP"]["findings"] if f.get("party"))
    assert hit["party"]["listed_name"] and hit["party"]["score"] >= 90
    assert body["screening"]["receipt"]["parameters"]["parties"]["threshold"] == 90.0


def test_history_lists_and_diff_compares_two_dates(keyed: Server) -> None:
    with keyed.client("a") as client:
        before = _upload(client, MAGNET, "2026-06-01")["id"]
        after = _upload(client, MAGNET, "2026-11-28")["id"]
        listed = {s["id"]: s for s in client.get("/api/v1/screenings").json()}
        diff = client.get("/api/v1/screenings/diff", params={"before": before, "after": after})
    assert listed[before]["as_of"] == "2026-06-01"
    assert listed[after]["inputs"] == {
        "bom:magnet_small.csv": listed[before]["inputs"]["bom:magnet_small.csv"]
    }
    [change] = diff.json()["changes"]
    assert (change["before"], change["after"]) == ("no_licence_required", "unknown")
    assert "CN-MOFCOM-2025-61/de_minimis" in {f["key"] for f in change["findings"]}
