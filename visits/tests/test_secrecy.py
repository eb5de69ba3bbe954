"""The point of the scheme: the force never learns when or where a visit will happen.

Force liaison (and anyone else not entitled) is refused every visits page, and
no page they can reach shows a planned visit's place, date, pair or count.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mysteryshop.models import AuditAction, AuditEvent
from visits import services

from .factories import make_visit, ready_volunteer

SECRET_PLACE = "Secretfield Police Station"


def all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from all_patterns(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, pattern


@pytest.fixture
def secret_visit(coordinator):
    from scenarios.tests.factories import ContactPointFactory

    visit = make_visit(coordinator=coordinator, contact_point=ContactPointFactory(name=SECRET_PLACE))
    for number in range(2):
        # Names no other test user can have by chance.
        services.assign(visit=visit, volunteer=ready_volunteer(last_name=f"Quillfeather{number}"), by=coordinator)
    return visit


def secrets_in(content: str, visit) -> list[str]:
    from django.utils import timezone

    local = timezone.localtime(visit.starts_at)
    found = [SECRET_PLACE] if SECRET_PLACE in content else []
    for pattern in (local.strftime("%d %b %Y"), local.strftime("%-d %B %Y"), local.date().isoformat()):
        if pattern in content:
            found.append(pattern)
    for assignment in visit.assignments.select_related("volunteer"):
        if assignment.volunteer.last_name in content:
            found.append(assignment.volunteer.last_name)
    return found


def test_force_liaison_is_refused_every_visits_page_and_learns_nothing_anywhere(
    client_for, force_liaison, secret_visit
):
    client = client_for(force_liaison)
    ids = {"pk": secret_visit.pk}
    checked = 0
    for name, pattern in all_patterns():
        if name.startswith("admin:") or name in ("logout",):
            continue
        kwargs = {key: ids.get(key, secret_visit.pk) for key in re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))}
        try:
            url = reverse(name, kwargs=kwargs)
        except Exception:  # noqa: S112 (patterns with other argument shapes are covered by their own app's tests)
            continue
        for method in (client.get, client.post):
            response = method(url)
            content = response.content.decode(errors="replace")
            assert secrets_in(content, secret_visit) == [], f"{name} leaks the schedule"
            if name.startswith("visits:"):
                assert response.status_code in (403, 404, 405), f"{name} answered {response.status_code}"
        checked += 1
    assert checked > 40


def test_force_liaison_home_shows_no_count_of_planned_visits(client_for, force_liaison, secret_visit):
    content = client_for(force_liaison).get(reverse("reports:liaison-home")).content.decode()
    assert "planned" not in content.lower()
    assert "visit" not in content.lower() or SECRET_PLACE not in content


def test_a_volunteer_sees_only_their_own_visits(client_for, secret_visit, other_volunteer):
    assert client_for(other_volunteer).get(reverse("visits:visit-list")).status_code == 403
    content = client_for(other_volunteer).get(reverse("visits:my-visits")).content.decode()
    assert SECRET_PLACE not in content
    booked = secret_visit.assignments.first()
    assert client_for(other_volunteer).get(reverse("visits:assignment-detail", args=[booked.pk])).status_code == 404
    assert SECRET_PLACE in client_for(booked.volunteer.user).get(reverse("visits:my-visits")).content.decode()


def test_every_view_of_the_schedule_is_recorded(client_for, coordinator, secret_visit):
    client = client_for(coordinator)
    client.get(reverse("visits:visit-list"))
    client.get(reverse("visits:visit-detail", args=[secret_visit.pk]))
    views = AuditEvent.objects.filter(action=AuditAction.SCHEDULE_VIEWED).order_by("pk")
    assert list(views.values_list("username", "user_id")) == [(coordinator.username, coordinator.pk)] * 2
    assert list(views.values_list("description", flat=True)) == [
        reverse("visits:visit-list"),
        reverse("visits:visit-detail", args=[secret_visit.pk]),
    ]


def test_schedule_pages_are_not_cached(client_for, coordinator, secret_visit):
    response = client_for(coordinator).get(reverse("visits:visit-detail", args=[secret_visit.pk]))
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
