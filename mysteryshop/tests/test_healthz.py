import json

from django.urls import reverse

from mysteryshop.tasks import record_heartbeat


def test_healthz_reports_healthy_services(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["redis"] in ("ok", "not configured")


def test_healthz_is_503_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = "redis://:s3cret-password@127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["redis"] == "unavailable"
    # No secrets in the body, not even the address it tried.
    assert "s3cret" not in response.content.decode()
    assert "127.0.0.1" not in response.content.decode()


def test_healthz_reports_when_a_worker_last_ran(client, db):
    assert client.get(reverse("healthz")).json()["worker_last_seen_seconds"] is None
    record_heartbeat()
    assert json.loads(client.get(reverse("healthz")).content)["worker_last_seen_seconds"] == 0


def test_healthz_refuses_post(client, db):
    assert client.post(reverse("healthz")).status_code == 405
