import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from scenarios.models import Channel, ContactPoint, is_bank_holiday

from .factories import ContactPointFactory, PolicingAreaFactory

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2027, 6, 7)


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def desk(db):
    return ContactPointFactory()


def test_opening_windows_split_around_lunch(desk):
    assert desk.opening_windows(MONDAY) == [(time(9), time(13)), (time(14), time(17))]


def test_a_weekday_without_hours_is_closed(desk):
    assert desk.opening_windows(date(2027, 6, 12)) == []  # a Saturday


def test_bank_holidays_count_as_closed_unless_the_contact_point_says_otherwise(desk):
    spring_bank_holiday = date(2027, 5, 31)
    assert is_bank_holiday(spring_bank_holiday)
    assert desk.opening_windows(spring_bank_holiday) == []
    desk.open_on_bank_holidays = True
    assert desk.opening_windows(spring_bank_holiday)


def test_a_visit_must_fall_wholly_inside_one_opening_window(desk):
    assert desk.is_open_between(at(MONDAY, 10), at(MONDAY, 10, 30))
    assert not desk.is_open_between(at(MONDAY, 12, 45), at(MONDAY, 13, 15)), "runs into lunch"
    assert not desk.is_open_between(at(MONDAY, 8, 30), at(MONDAY, 9, 30)), "starts before opening"
    assert not desk.is_open_between(at(MONDAY, 11), at(MONDAY, 10)), "ends before it starts"


def test_the_101_line_is_always_open(db):
    line = ContactPointFactory(channel=Channel.PHONE_101, always_open=True, address="")
    assert line.is_open_between(at(MONDAY, 20), at(MONDAY, 20, 30))


def test_a_neighbourhood_meeting_is_open_only_during_the_meeting(db):
    meeting = ContactPointFactory(
        channel=Channel.NEIGHBOURHOOD_MEETING, meeting_date=MONDAY, meeting_start=time(18, 30), meeting_end=time(20)
    )
    assert meeting.is_open_between(at(MONDAY, 18, 30), at(MONDAY, 20))
    assert not meeting.is_open_between(at(date(2027, 6, 8), 18, 30), at(date(2027, 6, 8), 20))


def test_the_database_refuses_a_meeting_without_a_date(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ContactPoint.objects.create(
            name="Meeting", channel=Channel.NEIGHBOURHOOD_MEETING, policing_area=PolicingAreaFactory()
        )


def test_coordinator_adds_a_front_desk_with_hours(client_for, coordinator):
    area = PolicingAreaFactory()
    data = {
        "name": "Leek Police Station", "channel": "front_desk", "policing_area": area.pk,
        "address": "Leonard Street, Leek", "postcode": "st13 5ja", "active": "on",
        "monday_opens": "09:00", "monday_closes": "17:00", "monday_lunch_starts": "12:30", "monday_lunch_ends": "13:30",
    }  # fmt: skip
    response = client_for(coordinator).post(reverse("scenarios:contact-point-create"), data)
    point = ContactPoint.objects.get(name="Leek Police Station")
    assert response.status_code == 302
    assert point.postcode == "ST13 5JA"
    assert point.opening_windows(MONDAY) == [(time(9), time(12, 30)), (time(13, 30), time(17))]


def test_bad_hours_and_postcode_give_clear_messages(client_for, coordinator):
    data = {
        "name": "Leek", "channel": "front_desk", "policing_area": PolicingAreaFactory().pk,
        "address": "Leek", "postcode": "NOT A POSTCODE",
        "monday_opens": "17:00", "monday_closes": "09:00",
    }  # fmt: skip
    response = client_for(coordinator).post(reverse("scenarios:contact-point-create"), data)
    assert response.status_code == 200
    content = response.content.decode()
    summary = content[content.index("There is a problem") : content.index("</ul>", content.index("There is a problem"))]
    assert "Enter a real UK postcode" in summary
    assert '<a href="#id_monday_closes">Monday: the closing time must be after the opening time</a>' in summary
    assert content.index("There is a problem") < content.index("<h1>"), "the summary is at the top of the page"
    assert re.search(r"<title>Error: ", content)
    assert not ContactPoint.objects.filter(name="Leek").exists()


def test_a_closing_time_alone_is_an_error_on_the_page_without_the_contact_point_form_in_error(client_for, coordinator):
    data = {
        "name": "Leek", "channel": "front_desk", "policing_area": PolicingAreaFactory().pk,
        "address": "Leek", "postcode": "ST13 5JA", "tuesday_closes": "17:00",
    }  # fmt: skip
    content = client_for(coordinator).post(reverse("scenarios:contact-point-create"), data).content.decode()
    assert "There is a problem" in content and re.search(r"<title>Error: ", content)
    assert "Tuesday: enter the opening time too, or leave the day empty if it is closed" in content


def test_no_weekday_is_marked_required_and_each_has_its_own_times(client_for, coordinator, desk):
    content = client_for(coordinator).get(reverse("scenarios:contact-point-edit", args=[desk.pk])).content.decode()
    hours = content[content.index('id="opening-hours"') :]
    assert "asteriskField" not in hours and " required" not in hours
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        assert f"<legend>{day}" in hours or f">{day}</legend>" in hours
    assert 'name="monday_opens" value="09:00"' in hours and 'name="saturday_opens"' in hours


def test_emptying_a_day_closes_it_and_other_days_keep_their_hours(client_for, coordinator, desk):
    data = {
        "name": desk.name, "channel": "front_desk", "policing_area": desk.policing_area_id, "address": desk.address,
        "postcode": desk.postcode, "active": "on",
        **{f"{day}_{part}": value for day in ("monday", "tuesday", "wednesday", "thursday")
           for part, value in (("opens", "09:00"), ("closes", "17:00"), ("lunch_starts", "13:00"), ("lunch_ends", "14:00"))},
        "saturday_opens": "10:00", "saturday_closes": "12:00",
    }  # fmt: skip
    response = client_for(coordinator).post(reverse("scenarios:contact-point-edit", args=[desk.pk]), data)
    assert response.status_code == 302
    assert sorted(desk.opening_hours.values_list("weekday", flat=True)) == [0, 1, 2, 3, 5]
    assert desk.opening_windows(date(2027, 6, 11)) == [], "Friday is now closed"
    assert desk.opening_windows(date(2027, 6, 12)) == [(time(10), time(12))]


@pytest.mark.parametrize("role", ["volunteer", "force_liaison", "applicant"])
def test_contact_points_are_for_opcc_staff_only(role, request, client_for, desk):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("scenarios:contact-point-list")).status_code == 403
    assert client.get(reverse("scenarios:contact-point-detail", args=[desk.pk])).status_code == 403


def test_commissioner_can_read_but_not_change_contact_points(client_for, commissioner, desk):
    client = client_for(commissioner)
    assert client.get(reverse("scenarios:contact-point-list")).status_code == 200
    assert client.get(reverse("scenarios:contact-point-edit", args=[desk.pk])).status_code == 403


def test_contact_point_list_runs_a_fixed_number_of_queries(client_for, coordinator, django_assert_max_num_queries):
    client = client_for(coordinator)
    ContactPointFactory.create_batch(2)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("scenarios:contact-point-list"))
    ContactPointFactory.create_batch(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("scenarios:contact-point-list"))
