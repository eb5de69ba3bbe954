from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from visits.calendar import visit_calendar

LONDON = ZoneInfo("Europe/London")


def make(**overrides):
    values = {
        "uid": "assignment-12@mysteryshop.opcc.example",
        "start": datetime(2027, 6, 3, 10, 30, tzinfo=LONDON),
        "end": datetime(2027, 6, 3, 11, 0, tzinfo=LONDON),
        "summary": "Mystery shop visit: Stafford front desk",
        "location": "Stafford Police Station, Eastgate Street, Stafford ST16 2DQ",
        "description": "Read your briefing before you go: https://example.org/visits/12/",
        "url": "https://example.org/visits/12/",
    }
    return visit_calendar(**(values | overrides))


def test_the_calendar_file_parses_with_one_event_at_the_right_time():
    calendar = Calendar.from_ical(make())
    assert calendar["version"] == "2.0"
    assert calendar["prodid"]
    (event,) = calendar.walk("VEVENT")
    # British Summer Time: 10:30 in London is 09:30 UTC.
    assert event.decoded("dtstart") == datetime(2027, 6, 3, 9, 30, tzinfo=ZoneInfo("UTC"))
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=30)
    assert str(event["uid"]) == "assignment-12@mysteryshop.opcc.example"
    assert "dtstamp" in event
    assert event.walk("VALARM")[0].decoded("trigger") == timedelta(hours=-1)


def test_lines_are_folded_and_end_with_crlf_as_rfc_5545_requires():
    raw = make(description="A long briefing line " * 20)
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))


def test_a_cancellation_keeps_the_uid_and_raises_the_sequence():
    (event,) = Calendar.from_ical(make(cancelled=True, sequence=1)).walk("VEVENT")
    assert event["status"] == "CANCELLED"
    assert event["sequence"] == 1
    assert not event.walk("VALARM")
