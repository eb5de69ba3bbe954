"""Fixtures of the fault suite: static files for DJANGO_DEBUG=0, processes that are always stopped, data."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from conftest import REQUIRE_SERVICES, _database_url, sign_in_as

from .stack import BASE_DIR


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Static files collected as a deployment does (DJANGO_DEBUG=0: hashed names, compressed)."""
    root = tmp_path_factory.mktemp("static")
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")} | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "collectstatic-only-" + "x" * 40,
        "DJANGO_STATIC_ROOT": str(root),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return root


@pytest.fixture
def services_needed(django_db_serialized_rollback, transactional_db):
    """The fault suite runs real processes on the test PostgreSQL database: data is committed (and the
    reference data of the migrations is put back afterwards)."""
    if connection.vendor != "postgresql":
        if REQUIRE_SERVICES:
            pytest.fail("The fault suite needs PostgreSQL.")
        pytest.skip("The fault suite needs PostgreSQL.")


@pytest.fixture
def database_url(services_needed):
    return _database_url()


@pytest.fixture
def processes(services_needed):
    """Every process a test starts through this list is stopped at its end, whatever happens."""
    started = []
    yield started
    for process in reversed(started):
        process.stop()


@pytest.fixture
def log_dir(tmp_path):
    path = tmp_path / "logs"
    path.mkdir()
    return path


@pytest.fixture(autouse=True)
def _print_logs_on_failure(request, log_dir):
    """A failed fault test shows the end of each process's log."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for path in sorted(log_dir.glob("*.log")):
            print(f"--- {path.name} (last 4000 characters) ---\n{path.read_text(errors='replace')[-4000:]}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def session_key(user) -> str:
    """A signed-in session (past the code step for staff), stored in the database for gunicorn to use."""
    client = sign_in_as(Client(), user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def sent_reports(count: int, *, coordinator, contact_points: int = 2, days: int = 21) -> list[int]:
    """`count` reports sent for review on visits of the last `days` days at a few contact points, made in
    bulk (the fault tests are about what happens after, not how reports are filled in). Returns their ids."""
    from scenarios.tests.factories import ContactPointFactory
    from visits.models import Answer, Assignment, Submission, SubmissionStatus, Visit, VisitStatus
    from visits.tests.factories import approved_scenario, ready_volunteer
    from visits.tests.test_capture import build_version, q

    scenario = approved_scenario(questionnaire_version=build_version())
    version = scenario.questionnaire_version
    greeted, reference, wait = (
        q(version, label)
        for label in ("Were you greeted?", "Did they give a reference number?", "How long did you wait?")
    )
    points = [ContactPointFactory(channel=scenario.channel) for _ in range(contact_points)]
    # Visits evenly spaced over the days; each volunteer takes every tenth, so their bookings never overlap.
    people = [ready_volunteer() for _ in range(min(10, count))]
    first = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=days)
    visits = Visit.objects.bulk_create(
        Visit(
            scenario=scenario, contact_point=points[n % len(points)], created_by=coordinator,
            starts_at=first + timedelta(hours=n * days * 24 // max(count, 1)),
            ends_at=first + timedelta(hours=n * days * 24 // max(count, 1), minutes=30),
            status=VisitStatus.COMPLETED,
        )
        for n in range(count)
    )  # fmt: skip
    assignments = Assignment.objects.bulk_create(
        Assignment(visit=visit, volunteer=people[n % len(people)], assigned_by=coordinator, accepted_at=visit.starts_at,
                   blocked_from=visit.starts_at - timedelta(minutes=1), blocked_until=visit.ends_at)
        for n, visit in enumerate(visits)
    )  # fmt: skip
    submissions = Submission.objects.bulk_create(
        Submission(assignment=assignment, version=version, status=SubmissionStatus.SUBMITTED,
                   started_at=assignment.visit.ends_at, submitted_at=assignment.visit.ends_at)
        for assignment in assignments
    )  # fmt: skip
    answers = []
    for n, submission in enumerate(submissions):
        was_greeted = n % 3 != 0
        answers.append(Answer(submission=submission, question=greeted, value=was_greeted, meets=was_greeted))
        if was_greeted:
            answers.append(Answer(submission=submission, question=reference, value=n % 2 == 0, meets=n % 2 == 0))
        answers.append(Answer(submission=submission, question=wait, value=30 + n % 200, meets=30 + n % 200 <= 120))
    Answer.objects.bulk_create(answers)
    return [submission.pk for submission in submissions]
