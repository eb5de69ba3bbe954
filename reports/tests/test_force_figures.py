"""The force's own 101 figures: imported from CSV with per-row messages, shown beside the volunteers' times."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports import force_figures, rollups
from reports.models import ForceFigure
from scenarios.models import Question, Questionnaire, QuestionType
from scenarios.tests.factories import ContactPointFactory, QuestionFactory
from visits.models import Answer
from visits.tests.factories import approved_scenario
from visits.tests.test_capture import build_version

from .test_findings import LONDON
from .test_rollups import approved_report

URL = reverse("reports:force-figures")
GOOD = (
    b"Month,Calls,Average answer time (seconds),Calls abandoned\n2026-09,41250,95,3120\nOctober 2026,39870,1:42,2990\n"
)


def upload(content: bytes, name: str = "figures.csv"):
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv")}


@pytest.fixture(autouse=True)
def in_december_2026():
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)):
        yield


def test_a_coordinator_imports_the_monthly_figures(client_for, coordinator):
    response = client_for(coordinator).post(URL, upload(GOOD), follow=True)
    assert "2 months of figures saved." in response.content.decode()
    figures = list(ForceFigure.objects.values_list("month", "calls", "average_answer_seconds", "abandoned"))
    assert figures == [(date(2026, 9, 1), 41250, 95, 3120), (date(2026, 10, 1), 39870, 102, 2990)]
    assert ForceFigure.objects.first().imported_by == coordinator


def test_a_file_with_bad_rows_saves_nothing_and_says_what_is_wrong_on_each_line(client_for, coordinator):
    bad = (
        b"month,calls,average answer time,calls abandoned\n"
        b"2026-09,41250,95,3120\n"  # fine, but not saved: the file has bad rows
        b"Sept 2026,100,95,3\n"
        b"2026-10,lots,95,3\n"
        b"2026-11,100,95,300\n"
        b"2026-09,100,ninety,3\n"
        b"2027-01,100,95,3\n"
        b"2026-08,100,95,3\n"
        b"2026-08,100,95,3\n"
    )
    response = client_for(coordinator).post(URL, upload(bad))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#id_file"' in page
    for message in (
        "Line 3: the month “Sept 2026” is not a month such as 2026-10 or October 2026.",
        "Line 4: the number of calls “lots” is not a whole number.",
        "Line 5: more calls abandoned (300) than calls (100).",
        "Line 6: the average answer time “ninety” is not seconds",
        "Line 7: January 2027 has not happened yet.",
        "Line 9: August 2026 is already on line 8.",
    ):
        assert message in page
    assert "Line 2" not in page and "Line 8:" not in page
    assert not ForceFigure.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"month,calls\n2026-09,4\n", "The header row is missing: average answer time, calls abandoned."),
        (b"month,calls,average answer time,calls abandoned\n", "no months"),
        ("month,calls\n".encode("utf-16"), "not plain text"),
        # Excel in many European settings saves "CSV" with semicolons: say how to save it with commas.
        (b"month;calls;average answer time;calls abandoned\n2026-09;41250;95;3120\n", "semicolons between its values"),
        (b"month\tcalls\taverage answer time\tcalls abandoned\n", "tabs between its values; it needs commas"),
        (b"month,calls,average answer time,calls abandoned\n1926-01,10,95,1\n", "before the 101 number began"),
    ],
)
def test_a_file_that_is_not_a_figures_file_is_refused_with_a_message(content, message, coordinator):
    with pytest.raises(ValidationError, match=message):
        force_figures.import_figures(data=content, by=coordinator)


def test_importing_a_month_again_replaces_it(coordinator):
    force_figures.import_figures(data=GOOD, by=coordinator)
    force_figures.import_figures(
        data=b"month,calls,average answer time,calls abandoned\n2026-10,40000,80,100\n", by=coordinator
    )
    assert ForceFigure.objects.count() == 2
    october = ForceFigure.objects.get(month=date(2026, 10, 1))
    assert (october.calls, october.average_answer_seconds, october.abandoned) == (40000, 80, 100)


@pytest.mark.parametrize("role", ["commissioner", "force_liaison", "volunteer"])
def test_only_coordinators_import_figures(role, request, client_for):
    client = client_for(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, upload(GOOD)).status_code == 403
    assert not ForceFigure.objects.exists()


def test_the_dashboard_shows_the_forces_figures_beside_the_volunteers_times(
    client_for, commissioner, coordinator, settings
):
    settings.MYSTERYSHOP_MIN_ANSWERS_FOR_PERCENTILES = 1
    scenario = approved_scenario(channel="phone_101", questionnaire_version=build_version())
    Questionnaire.objects.filter(versions=scenario.questionnaire_version).update(channel="phone_101")
    line = ContactPointFactory(channel="phone_101", always_open=True)
    report = approved_report(coordinator, scenario=scenario, wait=90, contact_point=line)
    rollups.rebuild()
    month = report.assignment.visit.starts_at.astimezone(LONDON).date().replace(day=1)
    with time_machine.travel(report.assignment.visit.starts_at + timedelta(days=1)):
        force_figures.import_figures(
            data=f"month,calls,average answer time,calls abandoned\n{month:%Y-%m},41250,95,4125\n".encode(),
            by=coordinator,
        )
        page = client_for(commissioner).get(reverse("reports:commissioner-home")).content.decode()
    table = page[page.index("The 101 line: the force's own published figures") :]
    table = table[: table.index("</table>")]
    assert f"{month:%B %Y}" in table
    cells = re.sub(r' data-label="[^"]*"', "", table)
    assert "<td>41250</td><td>95</td><td>4125 (10.0%)</td>" in cells
    assert "<td>1</td><td>90.0</td><td>90</td>" in cells  # one call timed by volunteers, 90 seconds


def test_the_forces_answer_time_is_compared_with_the_time_until_a_person_answered(
    client_for, commissioner, coordinator, settings
):
    """The 101 questionnaire times two things; the force's answer time matches the first one volunteers
    answer ("Time until a person answered"), even though "Time spent in the phone menu" comes first by name."""
    version = build_version()
    answered = Question.objects.get(section__version=version, label="How long did you wait?")
    menu = QuestionFactory(
        section=answered.section, order=answered.order + 1, kind=QuestionType.DURATION,
        label="Time spent in the phone menu", commitment_area=answered.commitment_area, maximum=Decimal(90), required=False,
    )  # fmt: skip
    settings.MYSTERYSHOP_MIN_ANSWERS_FOR_PERCENTILES = 1
    scenario = approved_scenario(channel="phone_101", questionnaire_version=version)
    Questionnaire.objects.filter(versions=version).update(channel="phone_101")
    line = ContactPointFactory(channel="phone_101", always_open=True)
    report = approved_report(coordinator, scenario=scenario, wait=200, contact_point=line)
    Answer.objects.create(submission=report, question=menu, value=15)
    Question.objects.filter(pk=answered.pk).update(label="Time until a person answered")
    rollups.rebuild()
    month = report.assignment.visit.starts_at.astimezone(LONDON).date().replace(day=1)
    with time_machine.travel(report.assignment.visit.starts_at + timedelta(days=1)):
        force_figures.import_figures(
            data=f"month,calls,average answer time,calls abandoned\n{month:%Y-%m},41250,95,4125\n".encode(),
            by=coordinator,
        )
        page = client_for(commissioner).get(reverse("reports:commissioner-home")).content.decode()
    table = page[page.index("The 101 line: the force's own published figures") :]
    table = table[: table.index("</table>")]
    assert "“Time until a person answered”" in table and "phone menu" not in table
    assert "<td>1</td><td>200.0</td><td>200</td>" in re.sub(r' data-label="[^"]*"', "", table)


def test_the_import_page_is_accessible(browser, client_for, coordinator):
    from conftest import accessibility_problems, browser_sign_in

    force_figures.import_figures(data=GOOD, by=coordinator)
    browser_sign_in(browser, client_for(coordinator))
    assert accessibility_problems(browser, [URL]) == {}
