"""Free text with the obvious identifying details masked, as a first draft of what the force may read.

A reviewer still reads and edits every answer before saving it (until then the force sees none of it);
this only saves them retyping. Masked: e-mail addresses, UK phone numbers (never 101, 111 or 999, the
numbers the scheme tests), a title or rank followed by a name or collar number ("PC Smith", "Sergeant
Jones", "PC 1234", "Mrs Patel"), and the names given (the visit's volunteers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

REMOVED = "[removed]"
SERVICE_NUMBERS = {"101", "111", "999", "112"}  # kept, though short numbers are never masked anyway
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TITLES = (
    "PC", "PCSO", "DC", "DS", "DI", "Sgt", "Sergeant", "Insp", "Inspector", "Constable", "Officer", "Detective",
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr",
)  # fmt: skip
# A title, then a collar number or one or two capitalised words: the title stays, what follows goes.
TITLED = re.compile(r"\b(?P<title>(?:" + "|".join(TITLES) + r")\.?)\s+(?:\d{2,6}\b|[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)")


def mask(text: str, names: Iterable[str] = ()) -> str:
    """`text` with e-mail addresses, phone numbers, titled names and the given `names` replaced by [removed]."""
    text = EMAIL.sub(REMOVED, text)
    for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE))):
        digits = re.sub(r"\D", "", match.raw_string)
        if digits not in SERVICE_NUMBERS and len(digits) >= 10:  # a UK number has 10 or 11 digits
            text = text[: match.start] + REMOVED + text[match.end :]
    text = TITLED.sub(lambda match: f"{match['title']} {REMOVED}", text)
    for name in sorted({name.strip() for name in names if len(name.strip()) > 1}, key=len, reverse=True):
        text = re.sub(rf"(?<![\w\[]){re.escape(name)}(?![\w\]])", REMOVED, text, flags=re.IGNORECASE)
    return text
