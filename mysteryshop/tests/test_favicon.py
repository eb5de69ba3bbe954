"""Every page names an icon, and /favicon.ico (which browsers ask for anyway) is there: no 404 on every page."""

from django.urls import reverse


def test_browsers_get_the_site_icon_at_the_root(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content if response.streaming else [response.content])[:4] == b"\x00\x00\x01\x00"


def test_every_page_names_its_icon(client, db):
    content = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in content
    assert 'rel="icon" href="/static/favicon.svg" type="image/svg+xml"' in content
