"""What a report's own record shows of how it was made, for an appeal: no tracking, only the server's times.

Kept per report: when each page of the questionnaire was first opened and last
saved (`PageTiming`), the time between the volunteer's check-out and their
first sending, and every answer changed after a return for correction with the
volunteer's reason (`AnswerChange`). With the pair's agreement on the visit,
question by question. Everything comes back as plain data, without any
volunteer's name or account, so it can be kept in an evidence pack.
"""

from __future__ import annotations

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext

from scenarios.models import Question

from .capture import shown_answer
from .models import Submission, SubmissionStatus

FREE_TEXT = "(their own words: not shown)"


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y, %H:%M:%S") if moment else ""


def _answer(question: Question, value) -> str:
    # A volunteer's own words may name people: the pack shows only that they changed.
    return FREE_TEXT if question.kind == "text" else shown_answer(question, value)


def timings(submission: Submission) -> dict:
    """The report's times and corrections as plain data (Europe/London times, to the second)."""
    first_sent = submission.events.filter(action="submitted").aggregate(at=Min("at"))["at"]
    checked_out = submission.assignment.checked_out_at
    minutes = None
    if first_sent and checked_out:
        minutes = max(0, round((first_sent - checked_out).total_seconds() / 60))
    pages = [
        {
            "number": number,
            "title": timing.section.title,
            "first_opened": _when(timing.first_opened_at),
            "last_saved": _when(timing.last_saved_at),
            "minutes_open": round((timing.last_saved_at - timing.first_opened_at).total_seconds() / 60),
        }
        for number, timing in enumerate(submission.page_timings.select_related("section"), start=1)
    ]
    changes = [
        {
            "question": change.question.label,
            "before": _answer(change.question, change.before),
            "after": _answer(change.question, change.after),
            "reason": change.reason,
            "at": _when(change.at),
        }
        for change in submission.answer_changes.select_related("question")
    ]
    return {
        "pages": pages,
        "checked_out": _when(checked_out),
        "first_sent": _when(first_sent),
        "minutes_from_check_out_to_sending": minutes,
        "changes": changes,
    }


def pair_agreement(submission: Submission) -> dict:
    """Per scored question, whether this report and the other of the pair on the same visit agree.

    "Agree" means both answers lead to the same verdict (meets the commitment or not); questions
    one of them left out are listed as not compared. No volunteer is named: "this report" and
    "the other report".
    """
    other = (
        Submission.objects.filter(
            assignment__visit_id=submission.assignment.visit_id,
            status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED],
        )
        .exclude(pk=submission.pk)
        .first()
    )
    if other is None:
        return {"paired": False, "agreement": None, "questions": []}
    scored = Question.objects.filter(section__version=submission.version_id, commitment_area__isnull=False)
    questions = list(scored.order_by("section__order", "order", "pk"))
    mine = dict(submission.answers.values_list("question_id", "value"))
    theirs = dict(other.answers.values_list("question_id", "value"))
    rows = []
    for question in questions:
        this, that = (
            question.meets_commitment(mine.get(question.pk)),
            question.meets_commitment(theirs.get(question.pk)),
        )
        compared = this is not None and that is not None
        rows.append(
            {
                "question": question.label,
                "this": _answer(question, mine.get(question.pk)),
                "other": _answer(question, theirs.get(question.pk)),
                "outcome": (gettext("Agree") if this == that else gettext("Differ"))
                if compared
                else gettext("Not compared"),
            }
        )
    return {
        "paired": True,
        "agreement": None if submission.agreement is None else float(submission.agreement),
        "questions": rows,
    }
