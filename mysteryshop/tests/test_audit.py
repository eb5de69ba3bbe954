"""The audit log: each kind of event is written, the table is append-only, and only system administrators read it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mysteryshop.models import AuditAction, AuditEvent
from mysteryshop.tests.factories import TEST_PASSWORD, UserFactory
from reports.tests.test_findings import raise_it, release
from reports.tests.test_rollups import approved_report
from scenarios import services as scenario_services
from scenarios.models import LAWFULNESS_CHECKLIST
from scenarios.tests.factories import ScenarioFactory
from volunteers.models import Status
from volunteers.tests.factories import VolunteerFactory

LONDON = ZoneInfo("Europe/London")
needs_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="The append-only trigger exists on PostgreSQL only."
)


@pytest.fixture
def administrator(db):
    return UserFactory(username="sysadmin", is_superuser=True, is_staff=True)


def events(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


# --- Sign-ins and refusals -----------------------------------------------------------------


def test_a_sign_in_is_recorded_with_the_proxy_aware_client_address(client, volunteer, settings):
    settings.MYSTERYSHOP_PROXY_COUNT = 1
    client.post(
        reverse("login"),
        {"username": "volunteer", "password": TEST_PASSWORD},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
        REMOTE_ADDR="10.0.0.1",
    )
    event = events(AuditAction.SIGNED_IN).get()
    assert (event.user_id, event.username, event.ip) == (volunteer.pk, "volunteer", "203.0.113.9")
    assert abs(event.at - timezone.now()) < timedelta(minutes=1)


def test_a_failed_sign_in_is_recorded_without_the_password(client, volunteer):
    client.post(reverse("login"), {"username": "volunteer", "password": "not-the-password"}, REMOTE_ADDR="198.51.100.7")
    event = events(AuditAction.SIGNIN_FAILED).get()
    assert (event.username, event.user_id, event.ip) == ("volunteer", None, "198.51.100.7")
    assert not AuditEvent.objects.filter(description__contains="not-the-password").exists()
    assert not events(AuditAction.SIGNED_IN).exists()


def test_a_wrong_two_factor_code_is_recorded(client, coordinator):
    client.post(reverse("login"), {"username": "coordinator", "password": TEST_PASSWORD})
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=coordinator, name="App", confirmed=True)
    client.post(reverse("two-factor-verify"), {"code": "000000"})
    assert events(AuditAction.CODE_FAILED, user_id=coordinator.pk).count() == 1


def test_every_refused_page_is_recorded(client_for, volunteer):
    response = client_for(volunteer).get(reverse("visits:visit-list"))
    assert response.status_code == 403
    event = events(AuditAction.ACCESS_REFUSED).get()
    assert (event.username, event.path) == ("volunteer", reverse("visits:visit-list"))


def test_an_object_someone_may_not_see_is_recorded(client_for, volunteer):
    someone_else = VolunteerFactory()
    response = client_for(volunteer).get(reverse("volunteers:expense-detail", args=[someone_else.pk + 1000]))
    assert response.status_code == 404
    assert events(AuditAction.NOT_VISIBLE, username="volunteer").count() == 1


# --- Changes -----------------------------------------------------------------------------------


def test_creating_changing_and_deleting_a_volunteer_is_recorded_without_personal_data(db):
    person = VolunteerFactory(first_name="Hermione", status=Status.APPLIED)
    person.first_name, person.status = "Harriet", Status.SCREENING
    person.save()
    person.save()  # nothing changed: nothing recorded
    pk = person.pk
    person.delete()
    rows = list(
        AuditEvent.objects.filter(object_type="volunteers.volunteer", object_id=str(pk))
        .order_by("pk")
        .values_list("action", "description")
    )
    assert rows == [
        (AuditAction.CREATED, "volunteer created"),
        (AuditAction.CHANGED, "changed status: applied → screening, first_name"),
        (AuditAction.DELETED, "volunteer deleted"),
    ]
    assert not AuditEvent.objects.filter(description__icontains="Harriet").exists()


def test_scenario_changes_are_recorded_with_who_made_them(db, coordinator):
    scenario = ScenarioFactory(author=coordinator)
    scenario_services.submit_scenario(
        scenario=scenario, by=coordinator, confirmed=[name for name, _ in LAWFULNESS_CHECKLIST]
    )
    changed = events(AuditAction.CHANGED, object_type="scenarios.scenario", object_id=str(scenario.pk))
    assert [e.description for e in changed if "status: draft → submitted" in e.description]
    assert events(AuditAction.CREATED, object_type="scenarios.scenario", object_id=str(scenario.pk)).exists()


def test_visits_pairs_reports_and_findings_are_recorded(coordinator, commissioner):
    report = approved_report(coordinator)
    visit = report.assignment.visit
    assert events(AuditAction.CREATED, object_type="visits.visit", object_id=str(visit.pk)).exists()
    assert events(AuditAction.CREATED, object_type="visits.assignment", object_id=str(report.assignment_id)).exists()
    assert events(AuditAction.CREATED, object_type="visits.submission", object_id=str(report.pk)).exists()
    descriptions = events(AuditAction.CHANGED, object_type="visits.submission", object_id=str(report.pk))
    assert any("status: submitted → approved" in d for d in descriptions.values_list("description", flat=True))
    release(report, commissioner)
    finding = raise_it(coordinator, cited_reports=[report])
    assert events(AuditAction.CREATED, object_type="reports.finding", object_id=str(finding.pk)).exists()


def test_a_view_of_the_schedule_is_recorded(client_for, coordinator):
    client_for(coordinator).get(reverse("visits:visit-list"), REMOTE_ADDR="192.0.2.4")
    event = events(AuditAction.SCHEDULE_VIEWED).get()
    assert (event.username, event.ip, event.description) == ("coordinator", "192.0.2.4", reverse("visits:visit-list"))


def test_downloads_of_personal_data_are_recorded(client_for, coordinator):
    person = VolunteerFactory()
    client = client_for(coordinator)
    client.get(reverse("volunteers:volunteer-export", args=[person.pk]))
    client.get(reverse("volunteers:expense-export"))
    exported = events(AuditAction.EXPORTED).order_by("pk")
    assert list(exported.values_list("object_type", "object_id", "description")) == [
        ("volunteers.volunteer", str(person.pk), "subject-access export"),
        ("volunteers.expenseclaim", "", "approved expenses CSV"),
    ]


# --- Append-only -------------------------------------------------------------------------------


@needs_postgresql
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE mysteryshop_auditevent SET username = 'someone-else'",
        "DELETE FROM mysteryshop_auditevent",
        "TRUNCATE mysteryshop_auditevent",
    ],
)
def test_the_database_refuses_to_change_or_remove_audit_events(db, statement):
    AuditEvent.objects.create(action=AuditAction.SIGNED_IN, username="someone")
    refused = pytest.raises(DatabaseError, match="Audit events cannot be changed or removed")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.get().username == "someone"


@needs_postgresql
def test_the_orm_cannot_change_or_delete_an_audit_event_either(db):
    event = AuditEvent.objects.create(action=AuditAction.SIGNED_IN, username="someone")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk, username="someone").exists()


@needs_postgresql
def test_only_the_privileged_purge_removes_events_past_the_retention_period(db):
    old = AuditEvent.objects.create(action=AuditAction.SIGNED_IN, at=timezone.now() - timedelta(days=800))
    recent = AuditEvent.objects.create(action=AuditAction.SIGNED_IN, at=timezone.now() - timedelta(days=700))
    with connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="at least 365 days"), transaction.atomic():
            cursor.execute("SELECT mysteryshop_purge_audit_events(30)")
        cursor.execute("SELECT mysteryshop_purge_audit_events(730)")
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT has_function_privilege('public', 'mysteryshop_purge_audit_events(integer)', 'EXECUTE')")
        assert cursor.fetchone()[0] is False, "nobody may run the purge unless an administrator grants it"
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        recent.delete()


# --- The audit log page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["applicant", "volunteer", "other_volunteer", "coordinator", "commissioner", "force_liaison"]
)
def test_the_audit_log_is_refused_to_everyone_but_system_administrators(client_for, request, role):
    user = request.getfixturevalue(role)
    response = client_for(user).get(reverse("audit-log"))
    assert response.status_code == 403
    assert client_for(user).post(reverse("audit-log")).status_code == 403
    assert events(AuditAction.ACCESS_REFUSED, username=user.username, path=reverse("audit-log")).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("audit-log"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_system_administrator_searches_by_person_action_type_dates_and_address(client_for, administrator):
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=LONDON)):
        AuditEvent.objects.create(action=AuditAction.SIGNED_IN, username="early-bird", ip="203.0.113.9")
    with time_machine.travel(datetime(2026, 3, 20, 10, tzinfo=LONDON)):
        AuditEvent.objects.create(
            action=AuditAction.EXPORTED, username="exporter", user_id=77, ip="198.51.100.1",
            object_type="volunteers.volunteer", object_id="12", description="subject-access export",
        )  # fmt: skip
    client = client_for(administrator)

    def shown(**query):
        response = client.get(reverse("audit-log"), query)
        assert response.status_code == 200
        content = response.content.decode()
        return {name for name in ("early-bird", "exporter") if name in content}

    assert shown() == {"early-bird", "exporter"}
    assert shown(user="early") == {"early-bird"}
    assert shown(user="77") == {"exporter"}
    assert shown(action=AuditAction.EXPORTED) == {"exporter"}
    assert shown(object_type="volunteers.volunteer", object_id="12") == {"exporter"}
    assert shown(since="2026-03-10") == {"exporter"}
    assert shown(since="2026-03-01", until="2026-03-02") == {"early-bird"}
    assert shown(ip="203.0.113.") == {"early-bird"}


def test_a_bad_search_gets_a_message_not_an_error(client_for, administrator):
    response = client_for(administrator).get(
        reverse("audit-log"), {"since": "2026-02-31", "until": "yesterday", "ip": "not an address"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Enter a real date" in content and "Enter an IP address" in content
    assert 'href="#id_since"' in content
    for odd in ({"until": "9999-12-31"}, {"since": "0001-01-01"}, {"user": "9" * 40}, {"page": "last-but-one"}):
        assert client_for(administrator).get(reverse("audit-log"), odd).status_code == 200, odd


def test_the_audit_log_runs_the_same_queries_whatever_the_number_of_events(client_for, administrator):
    client = client_for(administrator)
    url = reverse("audit-log")
    AuditEvent.objects.create(action=AuditAction.EXPORTED, username="one")
    client.get(url)  # the session's activity time is written on a first request, not on each one
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"action": AuditAction.EXPORTED}).status_code == 200
    AuditEvent.objects.bulk_create([AuditEvent(action=AuditAction.EXPORTED, username=f"u{n}") for n in range(240)])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"action": AuditAction.EXPORTED, "page": "3"})
    assert response.status_code == 200 and "Page 3 of 5" in response.content.decode()
    assert len(few.captured_queries) == len(many.captured_queries)
    on_the_table = [query for query in many.captured_queries if "mysteryshop_auditevent" in query["sql"]]
    assert len(on_the_table) == 2, "a count and one page"


def test_the_admin_offers_no_way_to_add_change_or_delete_events(client_for, administrator):
    event = AuditEvent.objects.create(action=AuditAction.SIGNED_IN, username="someone")
    client = client_for(administrator)
    assert client.get(reverse("admin:mysteryshop_auditevent_changelist")).status_code == 200
    page = client.get(reverse("admin:mysteryshop_auditevent_change", args=[event.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.get(reverse("admin:mysteryshop_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.get(reverse("admin:mysteryshop_auditevent_add")).status_code == 403
