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
# Capitalised words that start a sentence rather than name someone ("I spoke to a PC. The desk ...").
NOT_NAMES = (
    "I", "The", "A", "An", "He", "She", "They", "We", "It", "There", "Then", "This", "That", "When", "But", "And",
)  # fmt: skip
NAME = r"(?!(?:" + "|".join(NOT_NAMES) + r")\b)[A-Z][\w'’-]*"
# A title, then a collar number or one or two capitalised words: the title stays, what follows goes.
TITLED = re.compile(r"\b(?P<title>(?:" + "|".join(TITLES) + r")\.?)\s+(?:\d{2,6}\b|" + NAME + r"(?:\s+" + NAME + r")?)")


def names_of(volunteers: Iterable) -> list[str]:
    """Each word of the volunteers' first and last names, as on their volunteer and user records
    (fetched with `select_related("user")`), to pass to `mask`."""
    found = []
    for volunteer in volunteers:
        for person in (volunteer, volunteer.user):
            if person is not None:  # an erased volunteer has no account
                found += f"{person.first_name} {person.last_name}".split()
    return found


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
