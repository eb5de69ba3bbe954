"""Whatever happens to reports and their tasks, the roll-ups end up equal to a recomputation."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import rollups
from scenarios.tests.factories import ContactPointFactory
from visits import capture
from visits.models import Submission, SubmissionStatus
from visits.tests.factories import approved_scenario, next_weekday
from visits.tests.test_capture import build_version

from .test_rollups import approved_report

STEPS = st.lists(st.tuples(st.sampled_from(["approve", "return", "resend"]), st.integers(0, 4)), max_size=15)


def test_roll_ups_equal_a_recomputation_after_any_sequence_of_approvals_returns_and_re_approvals(coordinator):
    scenario = approved_scenario(questionnaire_version=build_version())
    desk, other_desk = ContactPointFactory(), ContactPointFactory()
    # Five sent reports: two sharing a week at one desk, one a week later there, one in
    # another quarter, one at another desk.
    plan = [(desk, 2, True), (desk, 2, False), (desk, 3, True), (desk, 16, False), (other_desk, 2, True)]
    reports = [
        approved_report(
            coordinator, greeted=greeted, wait=30 * (n + 1), day=next_weekday(weeks_ahead=weeks),
            contact_point=point, approve=False, scenario=scenario,
        )
        for n, (point, weeks, greeted) in enumerate(plan)
    ]  # fmt: skip

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(steps=STEPS, seed=st.integers(0, 2**16), lost=st.sets(st.integers(0, 20), max_size=5))
    def check(steps, seed, lost):
        sent_tasks = []
        for action, index in steps:
            report = Submission.objects.get(pk=reports[index].pk)
            volunteer = report.assignment.volunteer.user
            if action == "approve" and report.status == SubmissionStatus.SUBMITTED:
                capture.approve(submission=report, by=coordinator)
                sent_tasks.append(report.pk)
            elif action == "return" and report.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
                was_approved = report.status == SubmissionStatus.APPROVED
                capture.return_for_correction(submission=report, by=coordinator, comment="Please check.")
                if was_approved:
                    sent_tasks.append(report.pk)
            elif action == "resend" and report.status == SubmissionStatus.RETURNED:
                capture.submit(submission=report, by=volunteer)
        # Tasks arrive in any order, some twice, some never (a broker outage); the sweeper catches up.
        rng = random.Random(seed)
        arrived = [task for n, task in enumerate(sent_tasks) if n not in lost]
        arrived += rng.sample(arrived, k=len(arrived) // 2)
        rng.shuffle(arrived)
        for submission_id in arrived:
            rollups.rollup_submission(submission_id)
        rollups.sweep()
        assert rollups.differences() == []
        assert not Submission.objects.filter(needs_rollup=True).exists()

    check()
