"""Three years of a large force's results, written fast for the results benchmarks.

60 contact points (58 front desks, the 101 line and the website), 400
volunteers, 20,000 visits made in pairs, 40,000 approved reports of 25 answers
each: 1,000,000 answers. Visits, assignments and reports go in with
`bulk_create`; the answers with PostgreSQL's COPY.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from scenarios import services as scenario_services
from scenarios.models import Channel, ContactPoint, PolicingArea, Question
from scenarios.starter import _q, front_desk, phone_101, website
from visits.models import Answer, Assignment, Submission, SubmissionStatus, Visit, VisitStatus
from visits.tests.factories import approved_scenario
from volunteers.models import Volunteer

LONDON = ZoneInfo("Europe/London")
ANSWERS_PER_REPORT = 25


def _padded(questionnaire: dict) -> dict:
    """The starter questionnaire with extra scored questions, so every report has 25 answers."""
    count = sum(len(section["questions"]) for section in questionnaire["sections"])
    extra = [
        _q("yes_no", f"Bench check {n}", area="professional-service", expected=True)
        for n in range(ANSWERS_PER_REPORT - count)
    ]
    questionnaire["sections"].append({"title": "Bench checks", "intro": "", "questions": extra})
    for section in questionnaire["sections"]:
        for question in section["questions"]:
            question["condition"] = None  # every question is shown, so every report has 25 answers
    return questionnaire


def _values(question: Question) -> list[object]:
    """Answers a volunteer might give, good and bad."""
    return {
        "yes_no": [True, True, True, False],
        "yes_no_na": ["yes", "yes", "no", "na"],
        "rating": [5, 4, 4, 3, 2],
        "duration": [20, 45, 90, 150, 240, 400],
        "time": ["10:30"],
        "date": ["2026-01-01"],
        "number": [1, 3, 6],
    }.get(question.kind, ["Helpful and polite.", "Nobody at the counter for a while."])


def build(*, visits: int = 20_000, volunteers: int = 400, desks: int = 58, years: int = 3, seed: int = 1) -> dict:
    rng = random.Random(seed)
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    areas = PolicingArea.objects.bulk_create([PolicingArea(name=f"Bench area {n}") for n in range(4)])
    points = ContactPoint.objects.bulk_create(
        [ContactPoint(name=f"Desk {n:02d}", channel=Channel.FRONT_DESK, policing_area=areas[n % 4], address="x",
                      postcode="ST1 1AA") for n in range(desks)]
        + [ContactPoint(name="101 line", channel=Channel.PHONE_101, policing_area=areas[0], always_open=True),
           ContactPoint(name="Website", channel=Channel.WEBSITE, policing_area=areas[0], always_open=True)]
    )  # fmt: skip
    scenarios = {}
    for build_questionnaire in (front_desk, phone_101, website):
        data = _padded(build_questionnaire())
        version = scenario_services.import_questionnaire(data)
        scenarios[data["channel"]] = approved_scenario(
            channel=data["channel"], questionnaire_version=version, volunteers_needed=2
        )
    people = Volunteer.objects.bulk_create(
        [Volunteer(first_name="V", last_name=f"{n:04d}", email=f"v{n}@bench.example", phone="+447911123456",
                   postcode="ST1 2BB", date_of_birth="1970-01-01", status="active") for n in range(volunteers)]
    )  # fmt: skip

    first_day = timezone.localdate() - timedelta(days=365 * years)
    days = [first_day + timedelta(days=n) for n in range(365 * years) if (first_day + timedelta(days=n)).weekday() < 5]
    made = []
    for n in range(visits):
        point = points[n % len(points)]
        start = datetime.combine(days[n * len(days) // visits], time(9 + rng.randrange(7), rng.choice([0, 30])), LONDON)
        made.append(
            Visit(scenario=scenarios[point.channel], contact_point=point, starts_at=start,
                  ends_at=start + timedelta(minutes=30), status=VisitStatus.COMPLETED, created_by=coordinator)
        )  # fmt: skip
    made = Visit.objects.bulk_create(made, batch_size=5000)
    # Volunteers in turn, so nobody is ever booked twice at once.
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(visit=visit, volunteer=people[(2 * n + k) % volunteers], assigned_by=coordinator,
                       blocked_from=visit.starts_at - timedelta(hours=1), blocked_until=visit.ends_at + timedelta(hours=1),
                       assigned_at=visit.starts_at - timedelta(days=14))
            for n, visit in enumerate(made) for k in (0, 1)
        ],
        batch_size=5000,
    )  # fmt: skip
    submissions = Submission.objects.bulk_create(
        [
            Submission(assignment=a, version=a.visit.scenario.questionnaire_version, status=SubmissionStatus.APPROVED,
                       started_at=a.visit.ends_at, submitted_at=a.visit.ends_at, reviewed_by=coordinator,
                       reviewed_at=a.visit.ends_at + timedelta(days=2))
            for a in assignments
        ],
        batch_size=5000,
    )  # fmt: skip

    questions = {}
    for scenario in scenarios.values():
        version = scenario.questionnaire_version
        questions[version.pk] = [
            (question.pk, [(json.dumps(v), question.meets_commitment(v)) for v in _values(question)])
            for question in Question.objects.filter(section__version=version)
        ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    now = datetime.now(LONDON).isoformat()
    for submission in submissions:
        for question_id, choices in questions[submission.version_id]:
            value, meets = rng.choice(choices)
            writer.writerow([submission.pk, question_id, value, now, "", "", "NULL" if meets is None else meets])
    buffer.seek(0)
    table = Answer._meta.db_table
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {table} (submission_id, question_id, value, saved_at, notable, redacted_text, meets) "
            "FROM STDIN WITH (FORMAT csv, NULL 'NULL')",
            buffer,
        )
        cursor.execute(f"ANALYZE {table}")
    return {"coordinator": coordinator, "points": points, "submissions": submissions}
