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

Pure functions over lists of pairs, so they can be checked against published
worked examples (reports/tests/test_agreement.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass


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
