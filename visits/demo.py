"""Demo visits: a past year of visits made, and the next quarter planned with pairs."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from scenarios.models import ContactPoint, Scenario

from . import capture, planning, services
from .models import (
    Answer,
    Assignment,
    QuarterPlan,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
    Visit,
    VisitEvent,
    VisitStatus,
)

DEMO_SEED = 2026


def seed() -> None:
    coordinator = get_user_model().objects.get(username="coordinator")
    if not Visit.objects.filter(plan__isnull=True).exists():
        _past_year(coordinator)
    _next_quarter(coordinator)
    _standard_comments(coordinator)
    _practice(coordinator)


STANDARD_COMMENTS = {
    "Missing wait time": "Please give how long you waited before someone spoke to you, in minutes and seconds.",
    "Names in free text": "Please do not name officers or staff; describe them instead (for example “the officer at the desk”).",
    "Answers disagree": "Some answers contradict each other (for example, greeted but no one spoke to you). Please check them.",
}


def _standard_comments(coordinator) -> None:
    from .models import StandardComment

    for title, text in STANDARD_COMMENTS.items():
        StandardComment.objects.get_or_create(title=title, defaults={"text": text, "created_by": coordinator})


def _past_year(coordinator) -> None:
    """About two visits a week over the last year, most made, some missed or cancelled."""
    from volunteers.models import Volunteer

    rng = random.Random(DEMO_SEED)  # noqa: S311 (demo data, not security)
    volunteers = list(Volunteer.objects.filter(status__in=["active", "paused", "left"]).order_by("pk"))
    scenarios = {}
    for scenario in Scenario.objects.live().order_by("pk"):
        scenarios.setdefault(scenario.channel, []).append(scenario)
    points = [
        p
        for p in ContactPoint.objects.active().prefetch_related("opening_hours")
        if p.channel in scenarios and p.channel != "neighbourhood_meeting"
    ]
    today = timezone.localdate()
    day = today - timedelta(days=364)
    with transaction.atomic():
        while day < today - timedelta(days=2):
            for point in rng.sample(points, k=2):
                windows = [
                    w
                    for w in point.opening_windows(day)
                    if (w[1].hour * 60 + w[1].minute) - (w[0].hour * 60 + w[0].minute) >= 45
                ]
                windows = [(max(w[0], time(9)), min(w[1], time(17))) for w in windows]
                windows = [w for w in windows if w[1] > w[0] and (w[1].hour - w[0].hour) >= 1]
                if not windows:
                    continue
                opens, closes = rng.choice(windows)
                hour = rng.randrange(opens.hour, max(opens.hour + 1, closes.hour))
                start = datetime.combine(
                    day, time(hour, rng.choice([0, 15, 30]) if hour < closes.hour - 1 else 0), tzinfo=planning.LONDON
                )
                if not point.is_open_between(start, start + timedelta(minutes=30)):
                    continue
                scenario = rng.choice(scenarios[point.channel])
                status = rng.choices([VisitStatus.COMPLETED, VisitStatus.MISSED, VisitStatus.CANCELLED], [90, 5, 5])[0]
                visit = Visit.objects.create(
                    scenario=scenario, contact_point=point, starts_at=start, ends_at=start + timedelta(minutes=30),
                    status=status, created_by=coordinator, cancel_reason="Volunteer unwell" if status == VisitStatus.CANCELLED else "",
                )  # fmt: skip
                VisitEvent.objects.create(
                    visit=visit, to_status=VisitStatus.PLANNED, by=coordinator, at=start - timedelta(days=40)
                )
                VisitEvent.objects.create(
                    visit=visit,
                    from_status=VisitStatus.PLANNED,
                    to_status=status,
                    by=coordinator,
                    at=start + timedelta(hours=2),
                )
                needed = scenario.volunteers_needed
                for volunteer in rng.sample(volunteers, k=needed):
                    blocked_from, blocked_until = Assignment.block_for(visit)
                    if Assignment.objects.filter(
                        volunteer=volunteer, blocked_from__lt=blocked_until, blocked_until__gt=blocked_from
                    ).exists():
                        continue
                    assignment = Assignment.objects.create(
                        visit=visit, volunteer=volunteer, blocked_from=blocked_from, blocked_until=blocked_until,
                        assigned_by=coordinator, assigned_at=start - timedelta(days=30), accepted_at=start - timedelta(days=29),
                    )  # fmt: skip
                    if status == VisitStatus.COMPLETED:
                        quality = QUALITY.get(point.name, 0.8)
                        _report(rng, assignment, coordinator, quality, recent=day > today - timedelta(days=10))
            day += timedelta(days=rng.choice([2, 3, 4]))


# Some front desks do better than others, so the dashboards have something to show.
QUALITY = {
    "Stafford Police Station": 0.9,
    "Hanley Police Station": 0.65,
    "Tamworth Police Station": 0.75,
    "101 non-emergency line": 0.6,
}
# What volunteers write, by the question they answer: praise under "What went well?", concerns under
# "What could have been better?". Only those two kinds are picked out by reviewers as quotes.
GOOD_PRACTICE = [
    "Greeted straight away with a smile.",
    "Clear explanation of what would happen next.",
    "Very patient and helpful.",
]
CONCERNS = [
    "Waited a long time with nobody at the counter.",
    "No reference number was offered.",
    "Felt rushed and not listened to.",
]
CONCERN_QUESTIONS = {"What could have been better?"}


def _comment(rng, question, *, good: bool) -> str:
    """A comment that fits the question: a concern only where one is asked for, praise elsewhere."""
    if question.label in CONCERN_QUESTIONS:
        return "Nothing, it all went smoothly." if good else rng.choice(CONCERNS)
    return rng.choice(GOOD_PRACTICE) if good else "Not much, I'm afraid."


def _report(rng, assignment, coordinator, quality, *, recent) -> None:
    """A realistic report: answers drawn around the contact point's quality, approved unless recent."""
    visit = assignment.visit
    version = visit.scenario.questionnaire_version
    submission = Submission.objects.create(assignment=assignment, version=version, started_at=visit.ends_at)
    saved: dict[int, object] = {}
    good = rng.random() < quality
    for section in version.sections.prefetch_related("questions").order_by("order"):
        for question in section.questions.all():
            if not question.is_shown(saved):
                continue
            comment = _comment(rng, question, good=good)
            value = _answer(rng, question, good=rng.random() < quality, visit=visit, comment=comment)
            if value is not None:
                saved[question.pk] = value
                answer = Answer(
                    submission=submission, question=question, value=value, meets=question.meets_commitment(value)
                )
                notable = "good_practice" if value in GOOD_PRACTICE else "concern" if value in CONCERNS else ""
                if question.kind == "text" and notable and not recent and rng.random() < 0.3:
                    # The reviewer picked out quotes and checked them for names before release.
                    answer.notable, answer.redacted_text = notable, value
                answer.save()
    submission.scores, submission.overall_score = capture.score_answers(version_id=version.pk, saved=saved)
    submission.status, submission.submitted_at = SubmissionStatus.SUBMITTED, visit.ends_at + timedelta(hours=2)
    if not recent:
        submission.status, submission.reviewed_by = SubmissionStatus.APPROVED, coordinator
        submission.reviewed_at, submission.needs_rollup = visit.ends_at + timedelta(days=2), True
    submission.save()
    SubmissionEvent.objects.create(
        submission=submission, action="submitted", by=assignment.volunteer.user, at=submission.submitted_at
    )


def _answer(rng, question, *, good, visit, comment):
    kind = question.kind
    if kind == "yes_no":
        return good if question.expected_answer is not False else not good
    if kind == "yes_no_na":
        return "na" if rng.random() < 0.15 else ("yes" if good else "no")
    if kind == "rating":
        return rng.choice([4, 5]) if good else rng.choice([1, 2, 3])
    if kind == "single_choice":
        return rng.choice(question.option_keys())
    if kind == "multiple_choice":
        return rng.sample(question.option_keys(), k=rng.randint(1, 2))
    if kind == "number":
        return rng.randint(1, 4) if good else rng.randint(5, 9)
    if kind == "duration":
        target = int(question.maximum or 120)
        return rng.randint(10, target) if good else rng.randint(target + 1, target * 3)
    if kind == "time":
        return timezone.localtime(visit.starts_at).strftime("%H:%M")
    if kind == "date":
        return timezone.localtime(visit.starts_at).date().isoformat()
    return comment if question.required or rng.random() < 0.6 else None


PRACTICE_TITLE = "Practice: the lost property film"


def _practice(coordinator) -> None:
    """A practice scenario with an answer key, and a practice report from every active volunteer but
    the newest, who is asked to practise before their first visit."""
    from scenarios import services as scenario_services
    from scenarios.models import LAWFULNESS_CHECKLIST, Question, Questionnaire
    from volunteers.models import Status, Volunteer

    from . import calibration

    if Scenario.objects.filter(title=PRACTICE_TITLE).exists():
        return
    commissioner = get_user_model().objects.get(username="commissioner")
    version = Questionnaire.objects.get(title="Front desk visit").versions.order_by("-number").first()
    scenario = Scenario.objects.create(
        channel="front_desk",
        title=PRACTICE_TITLE,
        what_to_say="Watch the four-minute film of a lost property enquiry at a front desk (the coordinator has it), "
        "then answer the questionnaire about what you saw, as you would after a visit.",
        safety_notes="Nothing to look out for: this is a film.",
        emergency_plan="Not needed for a film; on a real visit, step out of role and call 999 only for a real emergency.",
        good_practice="The officer greets the caller, takes the details, gives a reference number and says what happens next.",
        questionnaire_version=version,
        volunteers_needed=2,
        author=coordinator,
        practice=True,
    )  # fmt: skip
    scenario.contact_points.set(ContactPoint.objects.filter(channel="front_desk")[:1])
    scenario_services.submit_scenario(
        scenario=scenario, by=coordinator, confirmed=[name for name, _ in LAWFULNESS_CHECKLIST]
    )
    scenario_services.approve_scenario(scenario=scenario, by=commissioner)
    rng = random.Random(DEMO_SEED + 1)  # noqa: S311 (demo data, not security)
    key: dict[int, object] = {}
    questions = Question.objects.filter(section__version=version).order_by("section__order", "order", "pk")
    for question in questions.exclude(kind__in=["text", "time", "date"]):
        if question.is_shown(key):
            key[question.pk] = _answer(rng, question, good=True, visit=None, comment="")
    scenario_services.save_answer_key(scenario=scenario, values=key, by=coordinator)
    volunteers = list(Volunteer.objects.filter(status=Status.ACTIVE, user__isnull=False).order_by("pk"))
    for volunteer in volunteers[:-1]:
        assignment = calibration.start_practice(scenario=scenario, by=volunteer.user)
        _practice_report(rng, assignment, key, questions)


def _practice_report(rng, assignment, key, questions) -> None:
    """A sent practice report: mostly the key's answers, some not (a volunteer reads a question differently)."""
    visit = assignment.visit
    submission = Submission.objects.create(
        assignment=assignment, version=visit.scenario.questionnaire_version, practice=True, started_at=visit.ends_at
    )
    saved: dict[int, object] = {}
    for question in questions:
        if not question.is_shown(saved):
            continue
        if question.pk in key and rng.random() < 0.85:
            value = key[question.pk]
        else:
            good = rng.random() < 0.5
            value = _answer(rng, question, good=good, visit=visit, comment=_comment(rng, question, good=good))
        if value is not None:
            saved[question.pk] = value
            Answer.objects.create(submission=submission, question=question, value=value)
    submission.status, submission.submitted_at = SubmissionStatus.SUBMITTED, visit.ends_at
    submission.save()
    SubmissionEvent.objects.create(
        submission=submission, action="submitted", by=assignment.volunteer.user, at=submission.submitted_at
    )


def _next_quarter(coordinator) -> None:
    """A confirmed plan for next quarter, with pairs suggested and booked."""
    following = timezone.localdate() + timedelta(days=92)
    year, quarter = following.year, (following.month - 1) // 3 + 1
    if QuarterPlan.objects.filter(year=year, quarter=quarter).exists():
        return
    targets = {}
    for point in ContactPoint.objects.active():
        if point.channel == "front_desk":
            targets[point.pk] = 2
        elif point.channel == "phone_101":
            targets[point.pk] = 12
        elif point.channel == "website":
            targets[point.pk] = 6
    plan = services.draft_quarter_plan(year=year, quarter=quarter, targets=targets, by=coordinator, seed=DEMO_SEED)
    services.confirm_plan(plan=plan, by=coordinator)
    services.fill_plan(plan=plan, by=coordinator)
