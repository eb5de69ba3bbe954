"""How far two volunteers on the same visit agree, question by question.

Three figures for each question, from pairs of answers (one pair per visit):

- **raw agreement**: the share of pairs giving the same answer;
- **Cohen's kappa** (Cohen 1960): agreement beyond what two raters with these
  habits would reach by chance, ``(po - pe) / (1 - pe)`` with ``pe`` the sum over
  answers of the product of each volunteer's share;
- **Gwet's AC1** (Gwet 2008): the same with chance taken as
  ``sum(pi * (1 - pi)) / (q - 1)`` over the ``q`` possible answers, ``pi`` the
  share of all answers that are that answer. Kappa falls towards nothing when
  nearly every answer is the same ("the kappa paradox"); AC1 does not, so both
  are shown.

The figures are pure functions over lists of pairs, so they can be checked
against published worked examples (reports/tests/test_agreement.py);
`question_agreement` gathers the pairs from the reports with a bounded query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from scenarios.models import Question
from visits.models import Answer, SubmissionStatus


@dataclass(frozen=True)
class Agreement:
    n: int
    raw: float | None
    kappa: float | None
    ac1: float | None


def _answer_key(value) -> Hashable:
    """An answer as something two answers can be compared by (choose-any answers are lists)."""
    if isinstance(value, list):
        return tuple(sorted(str(item) for item in value))
    return value


def agreement(pairs: Iterable[tuple[object, object]], categories: Sequence | None = None) -> Agreement:
    """Raw agreement, Cohen's kappa and Gwet's AC1 over `pairs` of answers.

    `categories` are every answer the question allows (for AC1's ``q``); without
    them, the answers seen are used. A figure that cannot be computed (no pairs;
    kappa when chance agreement is already certain) is None.
    """
    pairs = [(_answer_key(a), _answer_key(b)) for a, b in pairs]
    n = len(pairs)
    if not n:
        return Agreement(n=0, raw=None, kappa=None, ac1=None)
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    seen = set(first) | set(second)
    answers = {_answer_key(c) for c in categories} | seen if categories else seen
    observed = sum(a == b for a, b in pairs) / n
    chance = sum(first[c] * second[c] for c in answers) / (n * n)
    kappa = None if chance == 1 else (observed - chance) / (1 - chance)
    q = len(answers)
    if q < 2:
        ac1 = 1.0
    else:
        shares = [(first[c] + second[c]) / (2 * n) for c in answers]
        chance_ac1 = sum(p * (1 - p) for p in shares) / (q - 1)
        ac1 = (observed - chance_ac1) / (1 - chance_ac1)
    return Agreement(n=n, raw=observed, kappa=kappa, ac1=ac1)


def from_table(table: Sequence[Sequence[int]], categories: Sequence) -> Agreement:
    """`agreement` from a square table: ``table[i][j]`` pairs where the first said categories[i] and the
    second categories[j] (the form published examples take)."""
    pairs = [
        (categories[i], categories[j])
        for i, row in enumerate(table)
        for j, count in enumerate(row)
        for _ in range(count)
    ]
    return agreement(pairs, categories)


# --- From the pairs' reports ---------------------------------------------------------------------

# Questions whose answers are categories; numbers, durations, times, dates and free text are rarely
# given identically by two people, so exact agreement on them says little about the wording.
COMPARED_KINDS = ("yes_no", "yes_no_na", "rating", "single_choice", "multiple_choice")


def _categories(question) -> list | None:
    if question.kind == "yes_no":
        return [True, False]
    if question.kind == "yes_no_na":
        return ["yes", "no", "na"]
    if question.kind == "rating":
        return [1, 2, 3, 4, 5]
    if question.kind == "single_choice":
        return [option["key"] for option in question.options]
    return None  # choose any: the combinations seen


@dataclass(frozen=True)
class QuestionAgreement:
    question: object
    pilot: bool
    figures: Agreement

    def is_low(self, *, kappa_below: float, min_pairs: int) -> bool:
        """A candidate to reword: enough pairs, and kappa below the threshold (no kappa, when every
        answer was the same, is not low)."""
        return self.figures.n >= min_pairs and self.figures.kappa is not None and self.figures.kappa < kappa_below


def question_agreement(*, start, end) -> list[QuestionAgreement]:
    """Agreement per question between the two volunteers of each visit made from `start` to `end`
    (datetimes), live and pilot questionnaires apart; practice reports are left out.

    Two queries whatever the period holds: the answers of sent reports on the visits in it, and
    their questions. A pair is one visit's two answers to one question.
    """
    rows = (
        Answer.objects.filter(
            submission__status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED],
            submission__practice=False,
            submission__assignment__visit__starts_at__gte=start,
            submission__assignment__visit__starts_at__lt=end,
            question__kind__in=COMPARED_KINDS,
        )
        .order_by()
        .values_list("submission__assignment__visit_id", "question_id", "submission_id", "submission__pilot", "value")
    )
    found: dict[tuple[int, int], list[tuple[int, bool, object]]] = {}
    for visit_id, question_id, submission_id, pilot, value in rows.iterator(chunk_size=5000):
        found.setdefault((visit_id, question_id), []).append((submission_id, pilot, value))
    pairs: dict[tuple[int, bool], list[tuple[object, object]]] = {}
    for (_visit_id, question_id), answers in found.items():
        if len(answers) == 2 and answers[0][0] != answers[1][0]:
            pilot = answers[0][1] or answers[1][1]
            pairs.setdefault((question_id, pilot), []).append((answers[0][2], answers[1][2]))
    questions_by_id = Question.objects.select_related("section__version__questionnaire").in_bulk(
        {question_id for question_id, _ in pairs}
    )
    result = [
        QuestionAgreement(
            question=questions_by_id[question_id],
            pilot=pilot,
            figures=agreement(found_pairs, _categories(questions_by_id[question_id])),
        )
        for (question_id, pilot), found_pairs in pairs.items()
        if question_id in questions_by_id
    ]
    return sorted(result, key=lambda row: (row.figures.kappa is None, row.figures.kappa or 0, -row.figures.n))
