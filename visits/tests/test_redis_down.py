"""With Redis stopped, a volunteer can still send a report and a coordinator approve it; nothing is lost."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

SCRIPT = """
from datetime import timedelta
import time_machine
from django.core.management import call_command
call_command("migrate", verbosity=0)
from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory
from visits import capture, services
from visits.models import Answer, Submission
from visits.tests.factories import approved_scenario, make_visit, ready_volunteer
from visits.tests.test_capture import build_version, q

coordinator = UserFactory(roles=[Role.COORDINATOR])
visit = make_visit(coordinator=coordinator, scenario=approved_scenario(questionnaire_version=build_version()))
assignment = services.assign(visit=visit, volunteer=ready_volunteer(), by=coordinator)
with time_machine.travel(visit.starts_at + timedelta(minutes=5)):
    submission = capture.start(assignment=assignment, by=assignment.volunteer.user)
    version = visit.scenario.questionnaire_version
    for label, value in (("Were you greeted?", True), ("Did they give a reference number?", True), ("How long did you wait?", 60)):
        Answer.objects.create(submission=submission, question=q(version, label), value=value)
    capture.submit(submission=submission, by=assignment.volunteer.user)
    capture.approve(submission=submission, by=coordinator)
saved = Submission.objects.get()
print("RESULT", saved.status, saved.needs_rollup, saved.answers.count())
"""


def test_sending_and_approving_a_report_work_with_redis_down():
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "DATABASE_URL": "sqlite:///:memory:",
        "DJANGO_DEBUG": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    # Approved, answers kept, and the roll-up marker waits for the sweeper.
    assert "RESULT approved True 3" in result.stdout
    assert "sweeper will pick the work up" in result.stderr
