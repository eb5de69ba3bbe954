"""Findings: raised by the OPCC from released results, answered by the force, published once closed."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import delivered_email
from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from reports import findings, tasks
from reports.models import FINDING_TRANSITIONS, Finding, FindingStatus
from reports.periods import PeriodKind, period_end, period_start
from reports.services import release_quarter
from scenarios.models import ContactPoint, is_bank_holiday
from scenarios.tests.factories import ContactPointFactory, area
from visits.models import Answer, SubmissionStatus
from visits.tests.test_capture import q

from .test_rollups import approved_report

LONDON = ZoneInfo("Europe/London")
RAW_TEXT = "PC Hargreaves at the desk was rude to me."
REDACTED_TEXT = "The officer at the desk was rude."
SECRET_PLACE = "Secretfield Police Station"
SECRET_TEXT = "Nobody answered the bell at Secretfield."
SECRET_QUOTE = "Nobody answered the bell."


def release(report, commissioner):
    """Release the report's quarter as the commissioner would: once it has ended."""
    start = period_start(PeriodKind.QUARTER, findings.visit_day(report))
    with time_machine.travel(datetime.combine(period_end(PeriodKind.QUARTER, start), datetime.min.time(), LONDON)):
        release_quarter(start=start, by=commissioner)


def with_text(report, *, said, redacted, volunteer_name):
    """Give the report a free-text answer and the reviewer's redaction, and its volunteer a known name."""
    Answer.objects.create(
        submission=report, question=q(report.version, "Anything else?"), value=said, redacted_text=redacted
    )
    volunteer = report.assignment.volunteer
    volunteer.last_name = volunteer.user.last_name = volunteer_name
    volunteer.save()
    volunteer.user.save()
    return report


def tuesday_in_next_quarter(day: date) -> date:
    day = period_end(PeriodKind.QUARTER, period_start(PeriodKind.QUARTER, day)) + timedelta(days=14)
    day += timedelta(days=(1 - day.weekday()) % 7)
    while is_bank_holiday(day):
        day += timedelta(days=7)
    return day


@pytest.fixture
def released_report(coordinator, commissioner):
    report = with_text(
        approved_report(coordinator), said=RAW_TEXT, redacted=REDACTED_TEXT, volunteer_name="Quillfeather"
    )
    release(report, commissioner)
    return report


@pytest.fixture
def unreleased_report(coordinator, released_report):
    """Approved, but in the quarter after the released one: the force must learn nothing of it."""
    report = approved_report(coordinator, day=tuesday_in_next_quarter(findings.visit_day(released_report)))
    ContactPoint.objects.filter(pk=report.assignment.visit.contact_point_id).update(name=SECRET_PLACE)
    return with_text(report, said=SECRET_TEXT, redacted=SECRET_QUOTE, volunteer_name="Nightingale")


def raise_it(by, **kwargs) -> Finding:
    fields = {
        "title": "Give every caller a reference number",
        "what_was_found": "Callers were often not given a reference number.",
        "recommendation": "Remind call handlers to give a reference number on every call.",
    }
    return findings.raise_finding(by=by, **(fields | kwargs))


def unreleased_secrets(content: str, report) -> list[str]:
    local = timezone.localtime(report.assignment.visit.starts_at)
    candidates = [
        SECRET_PLACE,
        SECRET_TEXT,
        SECRET_QUOTE,
        "Nightingale",
        local.strftime("%d %b %Y"),
        local.strftime("%-d %b %Y"),
        local.strftime("%-d %B %Y"),
        local.date().isoformat(),
    ]
    return [secret for secret in candidates if secret in content]


# --- Raising -------------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 12, 18, 10, tzinfo=LONDON))
def test_a_finding_raised_before_christmas_is_due_ten_working_days_later(
    coordinator, force_liaison, django_capture_on_commit_callbacks, sent_email
):
    with django_capture_on_commit_callbacks(execute=True):
        finding = raise_it(coordinator, commitment_areas=[area()])
    # Christmas Day, Boxing Day (observed Monday 28th) and New Year's Day are skipped.
    assert finding.response_due == date(2027, 1, 6)
    assert finding.status == FindingStatus.OPEN
    assert [(e.from_status, e.to_status, e.by) for e in finding.events.all()] == [("", "open", coordinator)]
    assert [message.to for message in sent_email()] == [[force_liaison.email]]
    assert "Wednesday 6 January 2027" in mail.outbox[0].body
    assert finding.get_absolute_url() in mail.outbox[0].body


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=LONDON))
def test_the_working_days_to_respond_are_a_setting(commissioner, settings):
    settings.MYSTERYSHOP_FINDING_RESPONSE_DAYS = 5
    assert raise_it(commissioner).response_due == date(2026, 11, 30)


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.FORCE_LIAISON, Role.APPLICANT])
def test_only_opcc_staff_raise_findings(db, role):
    with pytest.raises(PermissionDenied):
        raise_it(UserFactory(roles=[role]))
    assert not Finding.objects.exists()


@pytest.mark.parametrize("missing", ["title", "what_was_found", "recommendation"])
def test_a_finding_needs_a_title_what_was_found_and_a_recommendation(coordinator, missing):
    with pytest.raises(ValidationError):
        raise_it(coordinator, **{missing: "   "})


def test_a_finding_cites_an_approved_report_from_a_released_quarter(coordinator, released_report):
    finding = raise_it(coordinator, cited_reports=[released_report])
    assert list(finding.cited_reports.all()) == [released_report]


def test_a_report_from_a_quarter_not_released_cannot_be_cited(coordinator, unreleased_report):
    with pytest.raises(ValidationError, match=f"at {SECRET_PLACE} is in a quarter the commissioner has not released"):
        raise_it(coordinator, cited_reports=[unreleased_report])
    assert not Finding.objects.exists()


def test_a_report_not_approved_cannot_be_cited(coordinator, released_report):
    type(released_report).objects.filter(pk=released_report.pk).update(status=SubmissionStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="not approved"):
        raise_it(coordinator, cited_reports=[released_report])


def test_a_finding_about_one_contact_point_cites_only_reports_on_it(coordinator, released_report):
    with pytest.raises(ValidationError, match="is not about"):
        raise_it(coordinator, contact_point=ContactPointFactory(), cited_reports=[released_report])
    finding = raise_it(
        coordinator, contact_point=released_report.assignment.visit.contact_point, cited_reports=[released_report]
    )
    assert finding.cited_reports.count() == 1


def test_citable_reports_are_only_approved_ones_from_released_quarters(coordinator, released_report, unreleased_report):
    assert list(findings.citable_reports()) == [released_report]
    type(released_report).objects.filter(pk=released_report.pk).update(status=SubmissionStatus.RETURNED)
    assert list(findings.citable_reports()) == []


def test_nothing_is_citable_before_any_release(coordinator):
    approved_report(coordinator)
    assert list(findings.citable_reports()) == []


# --- The workflow --------------------------------------------------------------------------


def test_a_finding_goes_from_open_through_a_challenge_to_closed(
    coordinator, commissioner, force_liaison, django_capture_on_commit_callbacks, sent_email
):
    with django_capture_on_commit_callbacks(execute=True):
        finding = raise_it(coordinator)
        findings.respond_to_finding(finding=finding, by=force_liaison, response="We will retrain call handlers.")
        findings.challenge_finding(finding=finding, by=commissioner, comment="By when?")
        findings.respond_to_finding(finding=finding, by=force_liaison, response="By the end of January.")
        findings.accept_finding(finding=finding, by=commissioner)
        findings.close_finding(finding=finding, by=coordinator, what_changed="Every caller now gets a reference.")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    assert finding.response == "By the end of January."
    assert finding.responded_by == force_liaison and finding.closed_at is not None
    steps = [(e.from_status, e.to_status, e.reason) for e in finding.events.all()]
    assert steps == [
        ("", "open", ""),
        ("open", "responded", "We will retrain call handlers."),
        ("responded", "challenged", "By when?"),
        ("challenged", "responded", "By the end of January."),
        ("responded", "accepted", ""),
        ("accepted", "closed", "Every caller now gets a reference."),
    ]
    # The other side hears of each step: the force of raising, challenge, acceptance and closing; the raiser of responses.
    assert [(message.to, message.subject.split(":")[0]) for message in sent_email()] == [
        ([force_liaison.email], "New finding"),
        ([coordinator.email], "The force responded"),
        ([force_liaison.email], "Response challenged"),
        ([coordinator.email], "The force responded"),
        ([force_liaison.email], "Response accepted"),
        ([force_liaison.email], "Finding closed"),
    ]


def test_a_challenged_finding_may_be_closed_without_agreement(coordinator, force_liaison):
    finding = raise_it(coordinator)
    findings.respond_to_finding(finding=finding, by=force_liaison, response="No change is needed.")
    findings.challenge_finding(finding=finding, by=coordinator, comment="We disagree.")
    findings.close_finding(finding=finding, by=coordinator, what_changed="The force did not agree to change.")
    assert Finding.objects.get().status == FindingStatus.CLOSED


def test_the_allowed_steps_are_open_responded_then_accepted_or_challenged_then_closed():
    allowed = {
        "open": {"responded"},
        "responded": {"accepted", "challenged"},
        "accepted": {"closed"},
        "challenged": {"responded", "closed"},
        "closed": set(),
    }
    assert allowed == FINDING_TRANSITIONS


def test_steps_out_of_order_are_refused_with_a_message(coordinator, force_liaison):
    finding = raise_it(coordinator)
    with pytest.raises(ValidationError, match="cannot become"):
        findings.accept_finding(finding=finding, by=coordinator)
    with pytest.raises(ValidationError, match="cannot become"):
        findings.close_finding(finding=finding, by=coordinator, what_changed="Nothing yet.")
    findings.respond_to_finding(finding=finding, by=force_liaison, response="Done.")
    with pytest.raises(ValidationError, match="cannot become"):
        findings.respond_to_finding(finding=finding, by=force_liaison, response="Done again.")
    assert finding.events.count() == 2


def test_only_force_liaison_respond(coordinator, commissioner):
    finding = raise_it(coordinator)
    for someone in (coordinator, commissioner, UserFactory(roles=[Role.VOLUNTEER])):
        with pytest.raises(PermissionDenied):
            findings.respond_to_finding(finding=finding, by=someone, response="We will.")


def test_only_opcc_staff_accept_challenge_or_close(coordinator, force_liaison):
    finding = raise_it(coordinator)
    findings.respond_to_finding(finding=finding, by=force_liaison, response="We will.")
    for someone in (force_liaison, UserFactory(roles=[Role.VOLUNTEER])):
        with pytest.raises(PermissionDenied):
            findings.accept_finding(finding=finding, by=someone)
        with pytest.raises(PermissionDenied):
            findings.challenge_finding(finding=finding, by=someone, comment="No.")
        with pytest.raises(PermissionDenied):
            findings.close_finding(finding=finding, by=someone, what_changed="Nothing.")
    assert Finding.objects.get().status == FindingStatus.RESPONDED


def test_a_response_a_challenge_and_closing_each_need_words(coordinator, force_liaison):
    finding = raise_it(coordinator)
    with pytest.raises(ValidationError, match="response"):
        findings.respond_to_finding(finding=finding, by=force_liaison, response=" ")
    findings.respond_to_finding(finding=finding, by=force_liaison, response="We will.")
    with pytest.raises(ValidationError, match="why"):
        findings.challenge_finding(finding=finding, by=coordinator, comment="")
    findings.accept_finding(finding=finding, by=coordinator)
    with pytest.raises(ValidationError, match="what changed"):
        findings.close_finding(finding=finding, by=coordinator, what_changed="\n")


def test_a_challenge_gives_the_force_ten_more_working_days_and_new_reminders(coordinator, force_liaison):
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=LONDON)):
        finding = raise_it(coordinator)
        findings.respond_to_finding(finding=finding, by=force_liaison, response="We will.")
    Finding.objects.filter(pk=finding.pk).update(reminded_at=timezone.now(), overdue_notified_at=timezone.now())
    with time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=LONDON)):
        findings.challenge_finding(finding=finding, by=coordinator, comment="Not enough.")
    finding.refresh_from_db()
    assert finding.response_due == date(2026, 12, 7)
    assert finding.reminded_at is None and finding.overdue_notified_at is None


# --- Reminders -----------------------------------------------------------------------------


@pytest.fixture
def due_on_6_january(coordinator, commissioner, force_liaison, sent_email):
    """A finding raised on Friday 18 December 2026 by the commissioner: due Wednesday 6 January 2027."""
    UserFactory(username="liaison-away", roles=[Role.FORCE_LIAISON], is_active=False)
    with time_machine.travel(datetime(2026, 12, 18, 10, tzinfo=LONDON)):
        finding = raise_it(commissioner)
    sent_email().clear()
    return finding


def test_the_force_is_reminded_once_two_working_days_before_the_response_is_due(
    due_on_6_january, force_liaison, django_capture_on_commit_callbacks, sent_email
):
    with time_machine.travel(datetime(2026, 12, 31, 7, 30, tzinfo=LONDON)):
        assert findings.send_finding_reminders() == (0, 0), "Tuesday 5 January is the second working day"
    with (
        time_machine.travel(datetime(2027, 1, 4, 7, 30, tzinfo=LONDON)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.finding_reminders() == [1, 0]
        assert findings.send_finding_reminders() == (0, 0), "a second run sends nothing"
    assert [message.to for message in sent_email()] == [[force_liaison.email]]
    assert due_on_6_january.title in mail.outbox[0].body
    assert "Wednesday 6 January 2027" in mail.outbox[0].body


def test_the_opcc_hears_once_when_a_response_is_overdue(
    due_on_6_january, coordinator, commissioner, django_capture_on_commit_callbacks, sent_email
):
    with time_machine.travel(datetime(2027, 1, 6, 18, tzinfo=LONDON)), django_capture_on_commit_callbacks(execute=True):
        assert findings.send_finding_reminders() == (1, 0), "due today is not yet overdue"
    sent_email().clear()
    with (
        time_machine.travel(datetime(2027, 1, 7, 7, 30, tzinfo=LONDON)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert findings.send_finding_reminders() == (0, 1)
        assert findings.send_finding_reminders() == (0, 0)
    # Every coordinator, and the commissioner who raised it.
    assert sorted(message.to[0] for message in sent_email()) == sorted([coordinator.email, commissioner.email])
    assert all("overdue" in message.subject for message in mail.outbox)


def test_a_finding_answered_in_time_brings_no_overdue_alert(due_on_6_january, force_liaison):
    findings.respond_to_finding(finding=due_on_6_january, by=force_liaison, response="Done.")
    with time_machine.travel(datetime(2027, 1, 20, 7, 30, tzinfo=LONDON)):
        assert findings.send_finding_reminders() == (0, 0)


def test_reminders_run_daily_in_beat(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.finding_reminders" in schedule


# --- Overdue -------------------------------------------------------------------------------


def test_overdue_means_awaiting_the_force_after_the_due_day(due_on_6_january, coordinator, force_liaison):
    assert not Finding.objects.overdue(date(2027, 1, 6)).exists()
    assert list(Finding.objects.overdue(date(2027, 1, 7))) == [due_on_6_january]
    findings.respond_to_finding(finding=due_on_6_january, by=force_liaison, response="Done.")
    assert not Finding.objects.overdue(date(2027, 1, 7)).exists()


@time_machine.travel(datetime(2027, 1, 7, 10, tzinfo=LONDON))
def test_the_list_filters_overdue_findings_for_the_opcc_and_the_force(
    due_on_6_january, client_for, coordinator, force_liaison
):
    on_time = raise_it(coordinator, title="Answer the 101 line faster")
    for user in (coordinator, force_liaison):
        content = client_for(user).get(reverse("reports:finding-list"), {"show": "overdue"}).content.decode()
        assert due_on_6_january.title in content and on_time.title not in content
        assert "1 response overdue" in content
        everything = client_for(user).get(reverse("reports:finding-list")).content.decode()
        assert due_on_6_january.title in everything and on_time.title in everything


def test_an_unknown_filter_shows_every_finding(client_for, coordinator):
    finding = raise_it(coordinator)
    response = client_for(coordinator).get(reverse("reports:finding-list"), {"show": "<script>"})
    assert response.status_code == 200 and finding.title in response.content.decode()


def test_the_list_runs_the_same_queries_for_one_finding_or_many(client_for, coordinator, django_assert_num_queries):
    raise_it(coordinator, contact_point=ContactPointFactory())
    client = client_for(coordinator)
    # Signing in takes three (session, the user with their roles, the authenticator app that confirmed
    # the code); the list three (the count for its pages, the page, the overdue count).
    with django_assert_num_queries(6):
        client.get(reverse("reports:finding-list"))
    for number in range(30):
        raise_it(coordinator, title=f"Finding {number}", contact_point=ContactPointFactory())
    with django_assert_num_queries(6):
        response = client.get(reverse("reports:finding-list"))
    assert response.content.decode().count('<th scope="row">') == 31


# --- Who sees what -------------------------------------------------------------------------


def test_findings_are_visible_to_opcc_staff_and_force_liaison_only(
    coordinator, commissioner, force_liaison, volunteer, client_for
):
    finding = raise_it(coordinator)
    for user in (coordinator, commissioner, force_liaison):
        assert list(Finding.objects.visible_to(user)) == [finding]
        assert client_for(user).get(finding.get_absolute_url()).status_code == 200
    assert not Finding.objects.visible_to(volunteer).exists()
    assert client_for(volunteer).get(reverse("reports:finding-list")).status_code == 403
    assert client_for(volunteer).get(finding.get_absolute_url()).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, coordinator):
    finding = raise_it(coordinator)
    for url in (reverse("reports:finding-list"), finding.get_absolute_url(), reverse("reports:finding-create")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_force_liaison_sees_a_cited_report_only_as_place_week_channel_score_and_checked_quote(
    client_for, coordinator, force_liaison, released_report
):
    finding = raise_it(coordinator, cited_reports=[released_report])
    content = client_for(force_liaison).get(finding.get_absolute_url()).content.decode()
    visit = released_report.assignment.visit
    local = timezone.localtime(visit.starts_at)
    monday = local.date() - timedelta(days=local.weekday())
    assert visit.contact_point.name in content
    assert f"Week beginning {monday:%-d %B %Y}" in content
    assert f"{local:%-d %b %Y}" not in content and f"{local:%-d %B %Y}" not in content, "the week, not the day"
    assert visit.contact_point.get_channel_display() in content
    assert f"{released_report.overall_score}%" in content
    assert REDACTED_TEXT in content
    assert RAW_TEXT not in content and "Hargreaves" not in content
    assert "Quillfeather" not in content
    assert f"{local:%H:%M}</" not in content and f"{local:%-d %b %Y %H:%M}" not in content
    assert reverse("visits:review-detail", args=[released_report.pk]) not in content


def test_opcc_staff_see_the_same_summary_with_a_link_to_the_full_report(
    client_for, coordinator, commissioner, released_report
):
    finding = raise_it(coordinator, cited_reports=[released_report])
    review = reverse("visits:review-detail", args=[released_report.pk])
    for user in (coordinator, commissioner):
        client = client_for(user)
        content = client.get(finding.get_absolute_url()).content.decode()
        assert f'<a href="{review}">Read the report<span class="visually-hidden">: ' in content
        assert client.get(review).status_code == 200, "the link opens the report's review page"


def test_force_liaison_get_no_link_to_a_cited_report_and_cannot_open_one(
    client_for, coordinator, force_liaison, released_report
):
    finding = raise_it(coordinator, cited_reports=[released_report])
    client = client_for(force_liaison)
    content = client.get(finding.get_absolute_url()).content.decode()
    every_review_page = reverse("visits:review-detail", args=[released_report.pk]).removesuffix(
        f"{released_report.pk}/"
    )
    assert "Read the report" not in content and every_review_page not in content
    assert str(released_report.assignment.volunteer) not in content
    assert client.get(reverse("visits:review-detail", args=[released_report.pk])).status_code == 403


def test_force_liaison_never_sees_an_unreleased_visit_through_findings(
    client_for,
    coordinator,
    force_liaison,
    released_report,
    unreleased_report,
    django_capture_on_commit_callbacks,
    sent_email,
):
    with django_capture_on_commit_callbacks(execute=True):
        finding = raise_it(coordinator, cited_reports=[released_report])
    # However an unreleased report came to be cited (the service refuses it), pages never show it.
    finding.cited_reports.add(unreleased_report)
    client = client_for(force_liaison)
    pages = [
        reverse("reports:liaison-home"),
        reverse("reports:finding-list"),
        reverse("reports:finding-list") + "?show=overdue",
        finding.get_absolute_url(),
        reverse("reports:you-said-we-did"),
    ]
    for url in pages:
        content = client.get(url).content.decode()
        assert unreleased_secrets(content, unreleased_report) == [], url
    assert REDACTED_TEXT in client.get(finding.get_absolute_url()).content.decode()
    to_the_force = [message for message in sent_email() if message.to == [force_liaison.email]]
    assert to_the_force, "the force was told of the finding"
    for message in to_the_force:
        assert unreleased_secrets(message.body, unreleased_report) == []
    assert client.get(reverse("reports:finding-create")).status_code == 403


# --- Raising on the page -------------------------------------------------------------------


def test_raising_starts_by_asking_which_contact_point(client_for, coordinator):
    point = ContactPointFactory(name="Hanley Police Station")
    content = client_for(coordinator).get(reverse("reports:finding-create")).content.decode()
    assert "Which contact point is the finding about?" in content and point.name in content


def offered(report) -> str:
    """A report's tick box among the reports to cite (a bare value="N" could be any box's)."""
    return f'name="cited_reports" value="{report.pk}"'


def test_the_form_offers_only_approved_reports_from_released_quarters(
    client_for, coordinator, released_report, unreleased_report
):
    client = client_for(coordinator)
    content = client.get(reverse("reports:finding-create"), {"contact_point": ""}).content.decode()
    assert offered(released_report) in content
    assert SECRET_PLACE not in content and offered(unreleased_report) not in content
    point = released_report.assignment.visit.contact_point
    content = client.get(reverse("reports:finding-create"), {"contact_point": point.pk}).content.decode()
    assert offered(released_report) in content and point.name in content
    # Each report to cite opens in a new tab for the coordinator to read, without losing what is ticked.
    review = reverse("visits:review-detail", args=[released_report.pk])
    assert f'<a href="{review}" target="_blank" rel="noopener">read the report' in content
    assert "(opens in a new tab)" in content


def test_a_coordinator_raises_a_finding_on_the_page(client_for, coordinator, released_report):
    point = released_report.assignment.visit.contact_point
    response = client_for(coordinator).post(
        reverse("reports:finding-create") + f"?contact_point={point.pk}",
        {
            "title": "Greet everyone at the desk",
            "what_was_found": "Some visitors were not greeted.",
            "recommendation": "Greet everyone who comes in.",
            "commitment_areas": [area().pk],
            "cited_reports": [released_report.pk],
        },
    )
    finding = Finding.objects.get()
    assert response.status_code == 302 and response["Location"] == finding.get_absolute_url()
    assert finding.contact_point == point and list(finding.cited_reports.all()) == [released_report]
    assert list(finding.commitment_areas.all()) == [area()]


def test_posting_an_unreleased_report_is_refused_on_the_page(client_for, coordinator, unreleased_report):
    response = client_for(coordinator).post(
        reverse("reports:finding-create") + "?contact_point=",
        {"title": "T", "what_was_found": "W", "recommendation": "R", "cited_reports": [unreleased_report.pk]},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Only approved reports from quarters the commissioner has released can be cited." in content
    assert not Finding.objects.exists()


def test_missing_answers_and_a_bad_contact_point_show_errors_not_a_crash(client_for, coordinator):
    client = client_for(coordinator)
    response = client.post(reverse("reports:finding-create") + "?contact_point=", {"title": ""})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    response = client.get(reverse("reports:finding-create"), {"contact_point": "not-a-number"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not Finding.objects.exists()


def test_force_liaison_and_volunteers_cannot_raise_findings_on_the_page(client_for, force_liaison, volunteer):
    for user in (force_liaison, volunteer):
        response = client_for(user).post(
            reverse("reports:finding-create") + "?contact_point=",
            {"title": "T", "what_was_found": "W", "recommendation": "R"},
        )
        assert response.status_code == 403
    assert not Finding.objects.exists()


# --- Steps on the page ---------------------------------------------------------------------


STEP_URLS = ["reports:finding-respond", "reports:finding-accept", "reports:finding-challenge", "reports:finding-close"]


@pytest.mark.parametrize("name", STEP_URLS)
def test_steps_refuse_get(client_for, coordinator, commissioner, force_liaison, name):
    finding = raise_it(coordinator)
    user = force_liaison if name == "reports:finding-respond" else commissioner
    assert client_for(user).get(reverse(name, args=[finding.pk])).status_code == 405
    assert Finding.objects.get().status == FindingStatus.OPEN


def test_the_force_responds_on_the_page(client_for, coordinator, force_liaison):
    finding = raise_it(coordinator)
    client = client_for(force_liaison)
    assert "Send the response" in client.get(finding.get_absolute_url()).content.decode()
    response = client.post(reverse("reports:finding-respond", args=[finding.pk]), {"response": "We will."}, follow=True)
    assert "Response sent to the OPCC." in response.content.decode()
    assert Finding.objects.get().status == FindingStatus.RESPONDED


def test_an_empty_response_is_refused_with_a_message(client_for, coordinator, force_liaison):
    finding = raise_it(coordinator)
    response = client_for(force_liaison).post(
        reverse("reports:finding-respond", args=[finding.pk]), {"response": ""}, follow=True
    )
    assert response.status_code == 200 and "Write the force’s response." in response.content.decode()
    assert 'href="#id_response"' in response.content.decode(), "the error summary links to the field"
    assert Finding.objects.get().status == FindingStatus.OPEN


def test_a_refused_close_keeps_what_was_typed(client_for, coordinator, force_liaison):
    finding = raise_it(coordinator)
    findings.respond_to_finding(finding=finding, by=force_liaison, response="We will.")
    findings.accept_finding(finding=finding, by=coordinator)
    response = client_for(coordinator).post(
        reverse("reports:finding-close", args=[finding.pk]), {"what_changed": "   ", "public_summary": "x"}
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert Finding.objects.get().status == FindingStatus.ACCEPTED


def test_the_opcc_challenges_accepts_and_closes_on_the_page(client_for, coordinator, force_liaison):
    finding = raise_it(coordinator)
    findings.respond_to_finding(finding=finding, by=force_liaison, response="We will.")
    client = client_for(coordinator)
    content = client.get(finding.get_absolute_url()).content.decode()
    assert "Accept the response" in content and "Challenge the response" in content
    client.post(reverse("reports:finding-challenge", args=[finding.pk]), {"comment": "By when?"})
    assert Finding.objects.get().status == FindingStatus.CHALLENGED
    findings.respond_to_finding(finding=finding, by=force_liaison, response="By March.")
    client.post(reverse("reports:finding-accept", args=[finding.pk]))
    assert Finding.objects.get().status == FindingStatus.ACCEPTED
    response = client.post(
        reverse("reports:finding-close", args=[finding.pk]),
        {"what_changed": "Done in March.", "step": "publish"},
        follow=True,
    )
    assert "Finding closed" in response.content.decode()
    assert Finding.objects.get().status == FindingStatus.CLOSED


def test_a_step_in_the_wrong_state_is_a_message_not_an_error(client_for, coordinator):
    finding = raise_it(coordinator)
    response = client_for(coordinator).post(reverse("reports:finding-accept", args=[finding.pk]), follow=True)
    assert response.status_code == 200 and "cannot become" in response.content.decode()
    response = client_for(coordinator).post(
        reverse("reports:finding-close", args=[finding.pk]), {"what_changed": ""}, follow=True
    )
    assert response.status_code == 200 and "Say what changed, for the public page." in response.content.decode()


def test_each_side_is_refused_the_other_sides_steps(client_for, coordinator, force_liaison, volunteer):
    finding = raise_it(coordinator)
    assert (
        client_for(coordinator)
        .post(reverse("reports:finding-respond", args=[finding.pk]), {"response": "We will."})
        .status_code
        == 403
    )
    for user in (force_liaison, volunteer):
        client = client_for(user)
        assert client.post(reverse("reports:finding-accept", args=[finding.pk])).status_code == 403
        assert client.post(reverse("reports:finding-challenge", args=[finding.pk]), {"comment": "x"}).status_code == 403
        assert (
            client.post(reverse("reports:finding-close", args=[finding.pk]), {"what_changed": "x"}).status_code == 403
        )
    assert Finding.objects.get().status == FindingStatus.OPEN


def test_a_finding_that_does_not_exist_is_not_found(client_for, force_liaison):
    client = client_for(force_liaison)
    assert client.get(reverse("reports:finding-detail", args=[999999])).status_code == 404
    assert client.post(reverse("reports:finding-respond", args=[999999]), {"response": "x"}).status_code == 404


# --- You said, we did ----------------------------------------------------------------------


def closed(coordinator, force_liaison, **kwargs) -> Finding:
    finding = raise_it(coordinator, **kwargs)
    findings.respond_to_finding(finding=finding, by=force_liaison, response="We will retrain staff.")
    findings.accept_finding(finding=finding, by=coordinator)
    return findings.close_finding(finding=finding, by=coordinator, what_changed="Staff were retrained in March.")


def test_the_public_page_shows_closed_findings_and_needs_no_sign_in(
    client, coordinator, force_liaison, released_report
):
    point = released_report.assignment.visit.contact_point
    done = closed(
        coordinator,
        force_liaison,
        title="Greet everyone at the desk",
        contact_point=point,
        commitment_areas=[area()],
        cited_reports=[released_report],
    )
    still_open = raise_it(coordinator, title="Answer the 101 line faster")
    response = client.get(reverse("reports:you-said-we-did"))
    content = response.content.decode()
    assert response.status_code == 200
    assert done.title in content and "Staff were retrained in March." in content
    assert point.name in content and area().name in content
    assert still_open.title not in content
    # Nothing about visits, volunteers or the exchange with the force.
    assert done.what_was_found not in content and "We will retrain staff." not in content
    assert REDACTED_TEXT not in content and "Quillfeather" not in content
    assert f"{timezone.localtime(released_report.assignment.visit.starts_at):%-d %b %Y}" not in content
    assert list(Finding.objects.published()) == [done]


def test_closing_shows_what_the_public_will_see_before_anything_is_published(
    client_for, client, coordinator, force_liaison
):
    finding = raise_it(coordinator, title="Greet everyone at the desk")
    findings.respond_to_finding(finding=finding, by=force_liaison, response="We will retrain staff.")
    findings.accept_finding(finding=finding, by=coordinator)
    staff = client_for(coordinator)
    close = reverse("reports:finding-close", args=[finding.pk])
    assert "Check what the public will see" in staff.get(finding.get_absolute_url()).content.decode()
    check = staff.post(close, {"what_changed": "Staff were retrained in Mrach."}).content.decode()
    assert "Check what the public will see" in check
    assert "Greet everyone at the desk" in check and "Staff were retrained in Mrach." in check
    assert finding.recommendation in check
    assert Finding.objects.get().status == FindingStatus.ACCEPTED, "nothing is published by the first press"
    change = staff.post(close, {"what_changed": "Staff were retrained in Mrach.", "step": "change"}).content.decode()
    assert "Staff were retrained in Mrach.</textarea>" in change, "Change it goes back with the text kept"
    assert Finding.objects.get().status == FindingStatus.ACCEPTED
    staff.post(close, {"what_changed": "Staff were retrained in March.", "step": "publish"})
    assert Finding.objects.get().status == FindingStatus.CLOSED
    assert "Staff were retrained in March." in client.get(reverse("reports:you-said-we-did")).content.decode()


def test_the_published_text_is_corrected_after_closing_with_its_history_kept(
    client_for, client, coordinator, force_liaison, django_capture_on_commit_callbacks
):

    finding = closed(coordinator, force_liaison, title="Greet everyone at the desk")
    staff = client_for(coordinator)
    page = staff.get(finding.get_absolute_url()).content.decode()
    assert "Correct the published text" in page and "Staff were retrained in March.</textarea>" in page
    correct = reverse("reports:finding-correct", args=[finding.pk])
    corrected = {
        "title": "Greet everyone at the desk",
        "recommendation": finding.recommendation,
        "what_changed": "Desk staff were retrained in March 2027.",
        "reason": "The first text left out who was retrained.",
    }
    check = staff.post(correct, corrected).content.decode()
    assert "Check what the public will see" in check and "Desk staff were retrained in March 2027." in check
    assert Finding.objects.get().what_changed == "Staff were retrained in March.", "nothing changes on the check"
    delivered_email().clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(correct, {**corrected, "step": "publish"}, follow=True)
    assert "Correction published" in response.content.decode()
    public = client.get(reverse("reports:you-said-we-did")).content.decode()
    assert "Desk staff were retrained in March 2027." in public and "Staff were retrained in March." not in public
    history = staff.get(finding.get_absolute_url()).content.decode()
    assert "Published text corrected" in history and "The first text left out who was retrained." in history
    assert "What changed before: “Staff were retrained in March.”" in history
    assert [message.to for message in delivered_email()] == [[force_liaison.email]]


def test_a_correction_needs_a_reason_and_only_the_opcc_makes_one(client_for, coordinator, force_liaison):
    finding = closed(coordinator, force_liaison)
    correct = reverse("reports:finding-correct", args=[finding.pk])
    data = {"title": "New", "recommendation": "R", "what_changed": "W"}
    page = client_for(coordinator).post(correct, data).content.decode()
    assert "Say why the published text is corrected." in page and 'href="#id_reason"' in page
    assert client_for(force_liaison).post(correct, {**data, "reason": "x", "step": "publish"}).status_code == 403
    assert Finding.objects.get().title == finding.title
    open_one = raise_it(coordinator, title="Answer faster")
    with pytest.raises(ValidationError, match="Only a closed"):
        findings.correct_published_finding(finding=open_one, by=coordinator, reason="x", **data)


def test_the_public_page_is_linked_from_the_welcome_page(client):
    assert reverse("reports:you-said-we-did") in client.get(reverse("home")).content.decode()


# --- Accessibility -------------------------------------------------------------------------


def test_the_finding_pages_are_accessible(browser, client_for, coordinator, force_liaison, released_report):
    from conftest import accessibility_problems, browser_sign_in

    point = released_report.assignment.visit.contact_point
    answered = raise_it(coordinator, contact_point=point, cited_reports=[released_report], commitment_areas=[area()])
    findings.respond_to_finding(finding=answered, by=force_liaison, response="We will retrain staff.")
    awaiting = raise_it(coordinator, title="Answer the 101 line faster")
    closed(coordinator, force_liaison, title="Greet everyone")
    assert accessibility_problems(browser, [reverse("reports:you-said-we-did")]) == {}
    browser_sign_in(browser, client_for(coordinator))
    opcc_pages = [
        reverse("reports:finding-list"),
        answered.get_absolute_url(),
        reverse("reports:finding-create"),
        reverse("reports:finding-create") + f"?contact_point={point.pk}",
        reverse("reports:coordinator-home"),
    ]
    assert accessibility_problems(browser, opcc_pages) == {}
    browser.delete_all_cookies()
    browser_sign_in(browser, client_for(force_liaison))
    force_pages = [awaiting.get_absolute_url(), reverse("reports:finding-list") + "?show=overdue"]
    assert accessibility_problems(browser, force_pages) == {}


# --- Demo ----------------------------------------------------------------------------------


def test_the_demo_has_findings_at_each_step_citing_only_released_reports_and_can_run_twice(db, settings):
    from django.core.management import call_command

    from reports.models import FindingEvent, Release

    settings.DEBUG = True
    call_command("seed_demo")
    first = (Release.objects.count(), Finding.objects.count(), FindingEvent.objects.count())
    assert set(Finding.objects.values_list("status", flat=True)) >= {"open", "responded", "challenged", "closed"}
    assert Finding.objects.published().exists() and Finding.objects.overdue(timezone.localdate()).exists()
    cited = {report.pk for finding in Finding.objects.all() for report in finding.cited_reports.all()}
    assert cited and cited <= set(findings.citable_reports().values_list("pk", flat=True))
    call_command("seed_demo")
    assert (Release.objects.count(), Finding.objects.count(), FindingEvent.objects.count()) == first
