"""Plans are safe to use: nothing is booked or e-mailed from a draft, discarding asks first and tells
everyone who was told, and the banner says what happened in words. A coordinator can see, for each active
volunteer not offered for a visit, the one rule that leaves them out."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from conftest import delivered_email
from scenarios.models import Channel
from scenarios.tests.factories import ContactPointFactory
from visits import services
from visits.models import Assignment, Conflict, QuarterPlan
from volunteers.models import AwayPeriod, Status

from .factories import approved_scenario, make_visit, next_weekday, ready_volunteer


@pytest.fixture
def desk(db):
    return ContactPointFactory(channel=Channel.FRONT_DESK)


@pytest.fixture
def draft(coordinator, desk):
    approved_scenario(channel=Channel.FRONT_DESK)
    year = timezone.localdate().year + 1
    return services.draft_quarter_plan(year=year, quarter=1, targets={desk.pk: 2}, by=coordinator, seed=7)


@pytest.fixture
def people(db):
    return [ready_volunteer() for _ in range(4)]


def test_a_draft_plan_books_nobody_and_emails_nobody(client_for, coordinator, draft, people):
    with pytest.raises(ValidationError, match="Confirm the plan before booking"):
        services.fill_plan(plan=draft, by=coordinator)
    response = client_for(coordinator).post(reverse("visits:plan-fill", args=[draft.pk]), follow=True)
    assert "Confirm the plan before booking" in response.content.decode()
    assert not Assignment.objects.exists()
    assert delivered_email() == []


def test_a_visit_of_a_draft_plan_cannot_be_booked_one_by_one(client_for, coordinator, draft, people):
    visit = draft.visits.first()
    with pytest.raises(ValidationError, match="draft plan"):
        services.assign(visit=visit, volunteer=people[0], by=coordinator)
    page = client_for(coordinator).get(reverse("visits:visit-detail", args=[visit.pk])).content.decode()
    assert "Confirm the plan before booking volunteers" in page
    assert "Suggest a pair and book them" not in page


def test_the_plan_page_offers_booking_only_once_confirmed_and_says_it_emails(client_for, coordinator, draft):
    client = client_for(coordinator)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Book volunteers for every open visit" not in page and "Suggest and book" not in page
    services.confirm_plan(plan=draft, by=coordinator)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Book volunteers for every open visit and e-mail them" in page
    assert "each volunteer booked is e-mailed an invitation" in page


def test_booking_a_confirmed_plan_says_what_happened_in_words(
    client_for, coordinator, draft, people, django_capture_on_commit_callbacks
):
    services.confirm_plan(plan=draft, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(reverse("visits:plan-fill", args=[draft.pk]), follow=True)
    page = response.content.decode()
    assert "Booked 2 visits; each volunteer booked has been e-mailed an invitation" in page
    assert "(2, 0)" not in page and "(" not in page[page.index("Booked 2") : page.index("Booked 2") + 120]
    assert len(delivered_email()) == 4


def test_a_plan_left_partly_open_says_how_many_and_where_to_look(coordinator, draft):
    services.confirm_plan(plan=draft, by=coordinator)
    ready_volunteer()  # one volunteer: a pair cannot be made
    result = services.fill_plan(plan=draft, by=coordinator)
    assert str(result).endswith("open a visit to see who cannot go, and why.")
    assert "still open" in str(result)


def test_discarding_asks_first(client_for, coordinator, draft):
    client = client_for(coordinator)
    page = client.get(reverse("visits:plan-discard", args=[draft.pk])).content.decode()
    assert "Discard the draft plan" in page and "Yes, discard this draft" in page and "2 visits" in page
    assert QuarterPlan.objects.filter(pk=draft.pk).exists()
    plan_page = client.get(draft.get_absolute_url()).content.decode()
    assert f'href="{reverse("visits:plan-discard", args=[draft.pk])}"' in plan_page, "a link to the question"
    response = client.post(reverse("visits:plan-discard", args=[draft.pk]))
    assert response["Location"] == reverse("visits:plan-list")
    assert not QuarterPlan.objects.filter(pk=draft.pk).exists()


def test_a_confirmed_plan_cannot_be_discarded(client_for, coordinator, draft):
    services.confirm_plan(plan=draft, by=coordinator)
    response = client_for(coordinator).get(reverse("visits:plan-discard", args=[draft.pk]), follow=True)
    assert "cannot be discarded" in response.content.decode()
    with pytest.raises(ValidationError):
        services.discard_plan(plan=draft, by=coordinator)


def test_discarding_a_draft_sends_everyone_booked_a_calendar_cancel_of_the_same_event(
    client_for, coordinator, draft, people, django_capture_on_commit_callbacks
):
    """Bookings made on a draft before booking needed a confirmed plan: their volunteers were e-mailed
    an invitation, so they must hear it is off, and their calendar event must go."""
    visit = draft.visits.order_by("starts_at").first()
    blocked_from, blocked_until = Assignment.block_for(visit)
    booked = [
        Assignment.objects.create(
            visit=visit,
            volunteer=person,
            blocked_from=blocked_from,
            blocked_until=blocked_until,
            assigned_by=coordinator,
        )
        for person in people[:2]
    ]
    invitations = {a.pk: Calendar.from_ical(services.assignment_calendar(a)) for a in booked}
    page = client_for(coordinator).get(reverse("visits:plan-discard", args=[draft.pk])).content.decode()
    assert "2 volunteer bookings on these visits will be cancelled" in page
    with django_capture_on_commit_callbacks(execute=True):
        client_for(coordinator).post(reverse("visits:plan-discard", args=[draft.pk]))
    assert sorted(message.to[0] for message in delivered_email()) == sorted(person.email for person in people[:2])
    for assignment in booked:
        message = next(m for m in delivered_email() if m.to == [assignment.volunteer.email])
        assert message.subject == "A mystery shop visit has been cancelled"
        name, content, mimetype = message.attachments[0]
        assert mimetype.startswith("text/calendar")
        cancel = Calendar.from_ical(content)
        event = cancel.walk("VEVENT")[0]
        invited = invitations[assignment.pk].walk("VEVENT")[0]
        assert cancel["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
        assert event["UID"] == invited["UID"] == assignment.ics_uid
        assert event["SEQUENCE"] > invited["SEQUENCE"]
    assert not Assignment.objects.exists()


# --- Who cannot go, and why (item 10) ------------------------------------------------------------


def test_each_active_volunteer_not_offered_is_shown_with_the_rule_that_leaves_them_out(
    client_for, coordinator, settings
):
    settings.MYSTERYSHOP_MONTHLY_CAP = 1
    visit = make_visit(coordinator=coordinator, day=next_weekday(weeks_ahead=3))
    day = timezone.localtime(visit.starts_at).date()
    free = ready_volunteer(last_name="Able")
    untrained = ready_volunteer(last_name="Baker")
    untrained.training_bookings.update(attended=False)
    away = ready_volunteer(last_name="Carter")
    AwayPeriod.objects.create(volunteer=away, starts_on=day, ends_on=day)
    evenings_only = ready_volunteer(last_name="Dixon")
    evenings_only.availability.all().delete()
    busy = ready_volunteer(last_name="Evans")
    services.assign(visit=make_visit(coordinator=coordinator, day=day, hour=11), volunteer=busy, by=coordinator)
    conflicted = ready_volunteer(last_name="Fisher")
    Conflict.objects.create(volunteer=conflicted, contact_point=visit.contact_point, reason="Son works there")
    regular = ready_volunteer(last_name="Green")
    later_that_day = make_visit(
        coordinator=coordinator, day=day, hour=15, contact_point=visit.contact_point, scenario=visit.scenario
    )
    services.assign(visit=later_that_day, volunteer=regular, by=coordinator)
    capped = ready_volunteer(last_name="Hughes")
    other_place = make_visit(coordinator=coordinator, day=day, hour=15)
    services.assign(visit=other_place, volunteer=capped, by=coordinator)
    ready_volunteer(last_name="Irving", status=Status.PAUSED)  # not active: not listed at all

    reasons = {volunteer.last_name: reason for volunteer, reason in services.left_out(visit)}
    assert reasons == {
        "Baker": "has not done all the required training (or it needs refreshing)",
        "Carter": "is away that day",
        "Dixon": f"does not usually help on {day:%A} mornings (their usual times)",
        "Evans": "is booked on another visit within 60 minutes of this one",
        "Fisher": "has a declared conflict of interest with this contact point",
        "Green": "has a visit to this contact point within 90 days of this one",
        "Hughes": "already has 1 visits that month (the monthly limit)",
    }
    assert {c.volunteer for c in services.candidates(visit)} == {free}
    page = client_for(coordinator).get(reverse("visits:visit-detail", args=[visit.pk])).content.decode()
    assert "Who cannot go, and why" in page
    assert f"{away}</a> is away that day." in page


def test_a_volunteer_recognised_at_a_place_is_left_out_with_that_reason(coordinator):
    visit = make_visit(coordinator=coordinator, day=next_weekday(weeks_ahead=3))
    recognised = ready_volunteer()
    earlier = make_visit(coordinator=coordinator, day=next_weekday(weeks_ahead=1), contact_point=visit.contact_point)
    assignment = services.assign(visit=earlier, volunteer=recognised, by=coordinator)
    Assignment.objects.filter(pk=assignment.pk).update(recognised_at=timezone.now())
    Assignment.objects.filter(pk=assignment.pk).update(declined_at=timezone.now())  # no lockout from the booking
    assert dict(services.left_out(visit))[recognised].startswith("said they may have been recognised here")


def test_nobody_can_go_says_why_for_each(client_for, coordinator):
    visit = make_visit(coordinator=coordinator)
    away = ready_volunteer()
    day = timezone.localtime(visit.starts_at).date()
    AwayPeriod.objects.create(volunteer=away, starts_on=day, ends_on=day)
    page = client_for(coordinator).get(reverse("visits:visit-detail", args=[visit.pk])).content.decode()
    assert "each active volunteer is left out for the reason below" in page
    assert "may be booked nearby, unavailable" not in page


def test_booking_someone_left_out_says_the_one_rule(coordinator):
    visit = make_visit(coordinator=coordinator)
    away = ready_volunteer(first_name="Rita")
    day = timezone.localtime(visit.starts_at).date()
    AwayPeriod.objects.create(volunteer=away, starts_on=day, ends_on=day)
    with pytest.raises(ValidationError) as refused:
        services.assign(visit=visit, volunteer=away, by=coordinator)
    assert refused.value.messages == [f"{away} cannot go on this visit: Rita is away that day."]


def test_left_out_matches_the_picker_for_every_volunteer(coordinator):
    """The two answers to one rule never disagree: everyone active is either offered or left out."""
    visit = make_visit(coordinator=coordinator)
    people = [ready_volunteer() for _ in range(3)]
    people[1].training_bookings.update(attended=False)
    offered = {c.volunteer for c in services.candidates(visit)}
    left = {volunteer for volunteer, _reason in services.left_out(visit)}
    assert offered | left == set(people) and not offered & left


def test_a_visit_with_every_place_booked_offers_no_picker(client_for, coordinator):
    """Found while using the site: a full visit still offered "Suggest a pair" and a list to book from."""
    visit = make_visit(coordinator=coordinator)
    for _ in range(2):
        services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
    ready_volunteer()
    page = client_for(coordinator).get(reverse("visits:visit-detail", args=[visit.pk])).content.decode()
    assert "Suggest a pair and book them" not in page and "Who cannot go, and why" not in page
