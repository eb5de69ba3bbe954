"""The whole scheme through the real pages, in Chromium, as the people who use it.

Two people apply → a coordinator screens, trains and activates them → a
coordinator drafts a scenario and the commissioner approves it → a coordinator
plans a visit and books the pair → force liaison looks everywhere they can and
finds nothing of it → the visit happens and both volunteers fill the
questionnaire on their phones, one with JavaScript switched off → the
coordinator approves both → a real Celery worker rolls them up → the
commissioner sees them and, once the quarter is over, releases it → force
liaison sees the released results and answers a finding.

Every page reached is checked with axe-core and for reflow (see `journey.py`).
The clock: the test travels with time-machine (ticking) from now to the visit
and then past the end of its quarter. The live server runs in this process, so
its clock travels too; the Celery worker is another process on the real clock,
which the roll-ups never read. Staff codes are computed from the travelling
clock, as the server checks them.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from selenium.webdriver.common.by import By

from conftest import emails_in, wait_until
from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from mysteryshop.tests.journey import PHONE, Journey, Person, answer_questionnaire_page

pytestmark = [pytest.mark.journey, pytest.mark.celery_worker]

LONDON = ZoneInfo("Europe/London")
CONTACT_POINT = "Hanley Police Station"
SCENARIO = "Reporting a lost purse at the front desk"


# --- Reference data the journey does not create through the pages --------------------------------


def reference_data():
    """A front desk open every day, the starter questionnaires, a required induction, staff with apps."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from scenarios.models import Channel, OpeningHours
    from scenarios.services import load_starter_questionnaires
    from scenarios.tests.factories import ContactPointFactory, PolicingAreaFactory
    from volunteers.tests.factories import TrainingModuleFactory, TrainingSessionFactory

    point = ContactPointFactory(
        name=CONTACT_POINT, channel=Channel.FRONT_DESK, policing_area=PolicingAreaFactory(name="Stoke-on-Trent"),
        address="Bethesda Street, Hanley", postcode="ST1 3DR", open_on_bank_holidays=True, weekday_hours=False,
    )  # fmt: skip
    for weekday in range(7):
        OpeningHours.objects.create(contact_point=point, weekday=weekday, opens=time(8), closes=time(20))
    load_starter_questionnaires()
    module = TrainingModuleFactory(name="Induction: being a mystery shopper", required=True, refresh_months=None)
    session = TrainingSessionFactory(
        module=module,
        starts_at=timezone.now() + timedelta(days=1),
        venue="OPCC offices, Stafford",
        trainer="Ruth Bailey",
    )
    staff = {
        "coordinator": Person("Sam Patel", Role.COORDINATOR, username="sam.patel"),
        "commissioner": Person("Ben Adams", Role.COMMISSIONER, username="ben.adams"),
        "liaison": Person("Chief Inspector Lee", Role.FORCE_LIAISON, username="c.lee"),
    }
    for person in staff.values():
        first, last = person.name.rsplit(" ", 1)
        user = UserFactory(username=person.username, first_name=first, last_name=last, roles=[person.role])
        user.set_password(person.password)
        user.save()
        TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return point, session, staff


# --- The steps, one small function each ------------------------------------------------------------


def apply_on_the_public_form(j: Journey, person: Person, *, email: str) -> None:
    j.become(person)
    j.visit("/volunteers/apply/")
    first, last = person.name.split(" ", 1)
    j.fill("First name", first)
    j.fill("Last name", last)
    j.fill("Email address", email)
    j.fill("UK phone number", "07911 123456")
    j.fill("Postcode", "ST4 2RU")
    j.fill("Day", "18")
    j.fill("Month", "4")
    j.fill("Year", "1961")
    j.select("How did you hear", "A friend or family member")
    j.choose("No")  # works or volunteers for the force
    j.choose("I have read the privacy notice")
    j.screenshot("applicant-apply")
    j.press("Send")
    assert "Thank you" in j.page_text() or "received" in j.page_text().lower(), j.page_text()
    person.username = email


def move_volunteer(j: Journey, name: str, to: str) -> None:
    """The coordinator finds the person and moves them one step."""
    j.visit("/volunteers/?q=" + name.split()[-1])
    j.follow(name)
    j.select("Move to", to)
    j.press("Save the step")
    assert to.lower() in j.page_text().lower()


def screen_and_start_training(j: Journey, coordinator: Person, people: list[Person], session) -> None:
    j.sign_in(coordinator)
    for person in people:
        move_volunteer(j, person.name, "Screening")
        move_volunteer(j, person.name, "In training")
    j.visit(f"/volunteers/training/{session.pk}/")
    for person in people:
        j.choose(person.name)
    j.press("Send invitations")


def set_password_from_invitation(j: Journey, person: Person, mailbox: Path) -> None:
    """The applicant follows the link in their invitation e-mail (sent by the worker) and chooses a password."""
    invitation = wait_until(
        lambda: next(
            (m for m in emails_in(mailbox) if person.username in m["To"] and "invited to train" in m["Subject"]), None
        )
    )
    link = re.search(r"https?://\S+", invitation.get_body(("plain",)).get_content()).group(0)
    j.become(person)
    j.visit(link.removeprefix(j.base_url), check=False)
    j.check_page()
    j.fill("New password", person.password)
    j.fill("New password confirmation", person.password)
    j.press("Save the new password")


def book_training(j: Journey, person: Person) -> None:
    j.sign_in(person)
    j.visit("/volunteers/me/training/")
    j.press("Book")
    assert "booked" in j.page_text()


def record_attendance_and_activate(j: Journey, coordinator: Person, people: list[Person], session) -> None:
    j.sign_in(coordinator)
    j.visit(f"/volunteers/training/{session.pk}/")
    for person in people:
        j.choose(person.name)
    j.press("Save attendance")
    for person in people:
        move_volunteer(j, person.name, "Active")


def set_availability(j: Journey, person: Person) -> None:
    j.sign_in(person)
    j.visit("/volunteers/me/availability/")
    for box in j.driver.find_elements(By.CSS_SELECTOR, "main input[type=checkbox]"):
        if not box.is_selected():
            j.click(box)
    j.press("Save my times")


def draft_scenario(j: Journey, coordinator: Person) -> None:
    """The coordinator writes the scenario as a draft."""
    j.sign_in(coordinator)
    j.visit("/scenarios/new/")
    j.fill("Title", SCENARIO)
    j.select("Channel", "Front desk")
    j.fill("What to say", "Say you lost your purse on the bus this morning and ask how to report it.")
    j.fill("Cover story", "You were shopping in Hanley and noticed the purse was gone at the bus station.")
    j.fill("What not to do", "Do not give a false name or make a crime report.")
    j.fill(
        "Personal safety", "Stay together. Leave at once if anyone is distressed or the desk is busy with an emergency."
    )
    j.fill(
        "If a real emergency happens during the visit",
        "Step out of role, help as any member of the public would, call 999 only for a real emergency, "
        "then tell the coordinator.",
    )
    j.fill("Good practice", "A polite greeting, a lost property reference and clear next steps.")
    j.select(
        "Questionnaire version",
        next(
            o.text
            for o in j.field("Questionnaire version").find_elements(By.TAG_NAME, "option")
            if "Front desk" in o.text
        ),
    )
    j.choose(CONTACT_POINT)
    j.select("Volunteers needed", "Two")
    j.press("Save as a draft")
    j.screenshot("coordinator-scenario")


def submit_scenario_for_approval(j: Journey, coordinator: Person) -> None:
    """From the draft's page, the coordinator asks the commissioner for approval (everything about submitting is here)."""
    j.sign_in(coordinator)
    j.visit("/scenarios/")
    j.follow(SCENARIO)
    # The lawfulness checklist: all four confirmations, as the coordinator reads them.
    j.choose("It does not report a fictitious crime")
    j.choose("It never uses 999")
    j.choose("It does not deceive anyone")
    j.choose("It says what volunteers do if a real emergency")
    j.press("Submit for approval")
    assert "submitted" in j.page_text().lower()


def approve_scenario(j: Journey, commissioner: Person) -> None:
    j.sign_in(commissioner)
    j.follow(SCENARIO)
    j.press("Approve this scenario")
    assert "approved" in j.page_text().lower()


def plan_visit_and_book_pair(j: Journey, coordinator: Person, *, starts: datetime) -> None:
    j.sign_in(coordinator)
    j.visit("/visits/new/")
    j.select("Approved scenario", SCENARIO)
    j.select("Contact point", CONTACT_POINT)
    j.set_value("Date", starts.date().isoformat())
    j.set_value("From", starts.strftime("%H:%M"))
    j.set_value("To", (starts + timedelta(hours=1)).strftime("%H:%M"))
    j.press("Plan the visit")
    j.press("Suggest a pair and book them")
    j.screenshot("coordinator-visit")
    assert "Margaret Hughes" in j.page_text() and "Derek Okafor" in j.page_text(), j.page_text()


def accept_visit(j: Journey, person: Person) -> None:
    j.sign_in(person)
    j.visit("/visits/mine/")
    j.follow(SCENARIO)
    j.press("Accept this visit")


def force_liaison_sees_nothing_of_the_visit(j: Journey, liaison: Person, *, starts: datetime) -> int:
    """Force liaison opens every page they can reach by following links; none shows the visit. Returns the count."""
    j.sign_in(liaison)
    secrets = [
        CONTACT_POINT,
        f"{starts:%-d %B %Y}",
        f"{starts:%-d %b %Y}",
        starts.date().isoformat(),
        "Margaret",
        "Derek",
    ]
    seen, queue = set(), ["/"]
    while queue and len(seen) < 40:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        j.visit(path)
        text = j.driver.page_source
        for secret in secrets:
            assert secret not in text, f"force liaison saw {secret!r} on {path}"
        assert not re.search(r"\b\d+\s+(planned|visits? (planned|to come))", j.page_text()), path
        for link in j.driver.find_elements(By.CSS_SELECTOR, "a[href^='/']"):
            href = link.get_attribute("href").removeprefix(j.base_url)
            if not re.search(r"\.(csv|pdf|svg|ics|json)$|/admin/|logout", href) and href not in seen:
                queue.append(href.split("#")[0])
    return len(seen)


def fill_questionnaire(j: Journey, person: Person, answers: dict[str, str] | None = None) -> None:
    j.sign_in(person)
    j.visit("/visits/mine/")
    j.screenshot("volunteer-my-visits")
    j.follow(SCENARIO)
    j.screenshot("volunteer-briefing")
    j.press("Fill in the questionnaire")
    j.screenshot("volunteer-questionnaire")
    while "Check your answers" not in j.heading():
        answer_questionnaire_page(j, answers=answers)
        j.press("Save and")
    j.screenshot("volunteer-check-answers")
    j.press("Send my report")
    assert j.heading() == "Report sent" and re.search(r"Your reference is\s+MS-\d{6}", j.page_text()), j.page_text()


def approve_reports(j: Journey, coordinator: Person) -> None:
    j.sign_in(coordinator)
    for _ in range(2):
        j.visit("/visits/reports/")
        j.screenshot("coordinator-review-queue")
        j.open(j.driver.find_element(By.CSS_SELECTOR, "main table a"))
        j.press("Approve")
        assert "approved" in j.page_text().lower()


def commissioner_sees_results(j: Journey, commissioner: Person, expected_score: str) -> None:
    j.sign_in(commissioner)
    j.visit("/reports/commissioner/")
    j.screenshot("commissioner-dashboard")
    assert CONTACT_POINT in j.page_text()
    assert expected_score in j.page_text() and expected_score != "100.0%", j.page_text()


def force_wide_score() -> str:
    """The share of the commitment met, worked out here from the answers: the figure the dashboard must show."""
    from visits.models import Answer

    scored = Answer.objects.filter(submission__status="approved", meets__isnull=False).select_related("question")
    met = sum(a.question.weight for a in scored if a.meets)
    return f"{100 * met / sum(a.question.weight for a in scored):.1f}%"


def release_quarter(j: Journey, commissioner: Person) -> None:
    j.sign_in(commissioner)
    j.visit("/reports/commissioner/")
    j.press("Release")
    assert "released" in j.page_text().lower()


def raise_finding(j: Journey, coordinator: Person) -> None:
    j.sign_in(coordinator)
    j.visit("/reports/findings/new/")
    j.select("Which contact point", CONTACT_POINT)
    j.press("Continue")
    j.fill("Title", "Lost property enquiries need a reference number")
    j.fill("What was found", "Visitors asking about lost property were not always given a reference number.")
    j.fill("What do you recommend", "Give every lost property enquiry a reference number and say how to follow it up.")
    j.choose("Keeping you informed")
    for box in j.driver.find_elements(By.CSS_SELECTOR, "input[name=cited_reports]"):
        j.click(box)
    j.press("Raise the finding")
    j.screenshot("coordinator-finding")


def force_liaison_sees_release_and_answers(j: Journey, liaison: Person, expected_score: str) -> None:
    j.sign_in(liaison)
    j.visit("/reports/force/")
    j.screenshot("force-liaison-results")
    assert CONTACT_POINT in j.page_text() and expected_score in j.page_text()
    assert "Margaret" not in j.driver.page_source and "Derek" not in j.driver.page_source
    j.visit("/reports/findings/")
    j.follow("Lost property enquiries")
    j.fill("The force", "Front desk staff have been briefed; reference numbers are now given for every enquiry.")
    j.press("Send the response")
    j.screenshot("force-liaison-finding")
    assert "briefed" in j.page_text()


# --- The journey -----------------------------------------------------------------------------------


def visit_window(now: datetime) -> datetime:
    """10:00 two days from now, London time."""
    day = timezone.localtime(now, LONDON).date() + timedelta(days=2)
    return datetime.combine(day, time(10), tzinfo=LONDON)


def quarter_after(moment: datetime) -> datetime:
    """10:00 on the first day after the quarter `moment` falls in."""
    first_month = (moment.month - 1) // 3 * 3 + 1
    year, month = (moment.year + 1, 1) if first_month == 10 else (moment.year, first_month + 3)
    return datetime(year, month, 1, 10, tzinfo=LONDON)


def test_the_whole_scheme_in_a_browser(browser, browser_without_javascript, celery_worker, settings):
    from visits.models import Submission

    settings.MYSTERYSHOP_SITE_URL = browser.base_url
    start = timezone.now()
    with time_machine.travel(start, tick=True) as traveller:
        j = Journey(browser, traveller)
        point, session, staff = reference_data()
        coordinator, commissioner, liaison = staff["coordinator"], staff["commissioner"], staff["liaison"]
        margaret = Person("Margaret Hughes", Role.VOLUNTEER, size=PHONE)
        derek = Person("Derek Okafor", Role.VOLUNTEER, size=PHONE, driver=browser_without_javascript)
        pair = [margaret, derek]

        apply_on_the_public_form(j, margaret, email="margaret.hughes@example.org")
        apply_on_the_public_form(j, derek, email="derek.okafor@example.org")
        screen_and_start_training(j, coordinator, pair, session)
        for person in pair:
            set_password_from_invitation(j, person, celery_worker.email_dir)
            book_training(j, person)
        # Attendance is recorded once the session has started; still the day before the visit's, so the
        # date shown on staff pages ("last signed in") is never the visit's date the force must not see.
        traveller.move_to(session.starts_at + timedelta(minutes=1))
        record_attendance_and_activate(j, coordinator, pair, session)
        for person in pair:
            set_availability(j, person)

        draft_scenario(j, coordinator)
        submit_scenario_for_approval(j, coordinator)
        approve_scenario(j, commissioner)
        starts = visit_window(start)
        plan_visit_and_book_pair(j, coordinator, starts=starts)
        for person in pair:
            accept_visit(j, person)
        assert force_liaison_sees_nothing_of_the_visit(j, liaison, starts=starts) > 3

        traveller.move_to(starts + timedelta(minutes=90))
        fill_questionnaire(j, margaret)
        fill_questionnaire(
            j, derek, {"Were you given a reference": "no", "Did they explain what would happen next": "no"}
        )
        approve_reports(j, coordinator)
        reports = Submission.objects.filter(status="approved")
        assert reports.count() == 2
        wait_until(lambda: not Submission.objects.filter(needs_rollup=True).exists())
        score = force_wide_score()
        commissioner_sees_results(j, commissioner, score)
        traveller.move_to(starts + timedelta(days=1))  # the visit was yesterday; its quarter is not released
        force_liaison_sees_nothing_of_the_visit(j, liaison, starts=starts)

        traveller.move_to(quarter_after(starts))
        release_quarter(j, commissioner)
        raise_finding(j, coordinator)
        force_liaison_sees_release_and_answers(j, liaison, score)
