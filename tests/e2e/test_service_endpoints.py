"""Every service serves health, readiness, metrics, OpenAPI and its docs (with local assets)."""
import pytest
import requests

from tests.e2e.conftest import WEB_PORTS


@pytest.mark.parametrize("service", sorted(WEB_PORTS))
def test_health_readiness_metrics(running, service):
    url = running["urls"][service]
    assert requests.get(f"{url}/healthz", timeout=5).json() == {"status": "ok", "service": service}
    ready = requests.get(f"{url}/readyz", timeout=5)
    assert ready.status_code == 200 and ready.json()["checks"] == {"store": "ok", "broker": "ok"}
    requests.get(f"{url}/healthz", timeout=5)
    metrics = requests.get(f"{url}/metrics", timeout=5)
    assert metrics.status_code == 200
    assert 'jingzhun_http_requests_total{endpoint="health.healthz"' in metrics.text


@pytest.mark.parametrize("service", sorted(WEB_PORTS))
def test_openapi_and_docs_with_local_assets(running, service):
    url = running["urls"][service]
    spec = requests.get(f"{url}/openapi.json", timeout=5).json()
    assert spec["openapi"].startswith("3.") and any(p.startswith("/api/") for p in spec["paths"])
    docs = requests.get(f"{url}/docs", timeout=5)
    assert docs.status_code == 200
    asyncapi = requests.get(f"{url}/asyncapi.json", timeout=5).json()
    assert asyncapi["asyncapi"].startswith("2.") and asyncapi["channels"]
    assert "http" not in docs.text.split("<script")[1].split(">")[0]  # the script is served by us
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        assert requests.get(f"{url}/docs-assets/{asset}", timeout=5).status_code == 200


def test_api_error_format_is_one_json_shape(running):
    url = running["urls"]["registry"]
    r = requests.get(f"{url}/api/households/HNOPE", headers={"Authorization": f"Bearer {running['tokens']['central']}"},
                     timeout=5)
    assert r.status_code == 404
    assert set(r.json()) >= {"code", "status", "message"}
    r = requests.get(f"{url}/api/households", timeout=5)
    assert r.status_code == 401 and r.json()["code"] == 401
