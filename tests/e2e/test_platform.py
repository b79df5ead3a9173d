"""The platform end to end: health of every service through the gateway, the OpenAPI
document, the web client, and errors in the API's shape."""


def test_healthz_reports_every_service_ok(system):
    answer = system.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        "services": {name: "ok" for name in ("identity", "ledger", "budget", "assets", "notify")},
    }


def test_healthz_names_the_service_that_is_down(system):
    ledger = next(c for c in system.runner.containers if c.service_name == "ledger")
    ledger.stop()
    answer = system.get("/healthz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["services"]["ledger"] == "down"
    assert body["down"] == ["ledger"]
    assert body["services"]["identity"] == "ok"


def test_openapi_document_is_served(system):
    answer = system.get("/openapi.json")
    assert answer.status_code == 200
    spec = answer.json()
    assert spec["openapi"].startswith("3.")
    assert "/healthz" in spec["paths"]
    assert "ErrorBody" in spec["components"]["schemas"]


def test_the_web_client_is_served_with_one_charset_also_where_thaid_sends_users_back(system):
    for path, content_type in (
        ("/", "text/html; charset=utf-8"),
        ("/thaid/callback?code=c&state=s", "text/html; charset=utf-8"),
        ("/css/app.css", "text/css; charset=utf-8"),
    ):
        answer = system.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Content-Type"] == content_type, path
    assert system.get("/thaid/callback").text == system.get("/").text


def test_unknown_route_gets_a_json_error_with_a_thai_message(system):
    answer = system.get("/api/v1/no-such-thing")
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["code"] == "route_not_found"
    assert "ไม่พบ" in error["message"]


def test_correlation_id_is_returned_as_given(system):
    answer = system.get("/healthz", headers={"X-Correlation-ID": "trace-12345678"})
    assert answer.headers["X-Correlation-ID"] == "trace-12345678"


def test_nul_characters_are_refused_with_a_clear_answer_not_a_server_error(system):
    login = system.post("/api/v1/auth/login", {"username": "ad\u0000min", "password": "x"})
    assert login.status_code == 400
    assert login.json()["error"]["code"] == "invalid_input"
    token = system.post(
        "/api/v1/auth/login", {"username": "admin", "password": "Admin#2568"}
    ).json()["access_token"]
    in_path = system.get("/api/v1/units/a%00b/trial-balance?fiscal_year=2568", token=token)
    assert in_path.status_code == 400 and "อักขระ" in in_path.json()["error"]["message"]
    batch = system.post(
        "/api/v1/units/u1/vouchers/batch",
        {
            "vouchers": [
                {
                    "idempotency_key": "k\u0000",
                    "type": "GJ",
                    "date": "2024-10-01",
                    "description": "x",
                    "lines": [],
                }
            ]
        },
        token=token,
    )
    assert batch.status_code == 400
