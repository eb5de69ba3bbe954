"""Every page the public, applicants, volunteers and force liaison can open reads in Welsh under /cy/ (issue 21).

For each of those roles, every named URL the authorisation matrix lets them GET is fetched in English and
in Welsh, in the world of `world.py`. What the page says in words (its text, and the words in `title`,
`aria-label`, `alt` and `placeholder` attributes) is compared: a piece of text that is the same on both
pages is English left on the Welsh page, unless it is the scheme's own data (names, places, what people
wrote: anything held in the database), a number, a date or time, or a word that is the same in both
languages. Text marked for translation is in the catalogue and so is Welsh; text not marked is caught
here by being the same. Besides, no text on a Welsh page may be an English message of the catalogue.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import override_settings
from django.utils import translation

from conftest import sign_in_as
from mysteryshop.access import ACCESS, OK

from .test_access_matrix import url_for
from .test_welsh import BOTH, CATALOGUE, entries
from .world import named_urls

WELSH_ROLES = ("anonymous", "applicant", "volunteer", "force_liaison", "coordinator", "commissioner")
# The same in both languages: proper names, abbreviations and words Welsh borrows as they are.
SAME_IN_BOTH = {"OPCC", "PDF", "CSV", "ICS", "101", "999", "111", "OK", "PACT", "English", "Cymraeg", "×", "–", "·",
                "Kappa", "AC1"}  # fmt: skip
# Only words: numbers, times, dates, punctuation and single letters say nothing in either language.
NOT_WORDS = re.compile(r"^[\W\d_]*(?:[A-Za-z][\W\d_]*)?$")


class Words(HTMLParser):
    """The text of a page's body, piece by piece, and the words in its attributes people hear or see.

    Text inside an element marked `lang="en"` is English on purpose (an example file whose column names
    the import needs as they are) and is left out.
    """

    SKIP = {"script", "style", "template"}
    SPOKEN = {"title", "aria-label", "alt", "placeholder"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP or (tag == "pre" and dict(attrs).get("lang") == "en"):
            self.skipping += 1
        for name, value in attrs:
            if name in self.SPOKEN and value:
                self.pieces.append(value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button") and dict(attrs).get("value"):
            self.pieces.append(dict(attrs)["value"])

    def handle_endtag(self, tag):
        if (tag in self.SKIP or tag == "pre") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            text = " ".join(data.split())
            if text:
                self.pieces.append(text)


def words_of(html: str) -> list[str]:
    parser = Words()
    parser.feed(html[html.find("<body") :] if "<body" in html else html)
    return parser.pieces


def data_texts() -> set[str]:
    """Every text the database holds, whole and line by line: a page may show any of it as it is."""
    found = {settings.MYSTERYSHOP_SCHEME_NAME, settings.MYSTERYSHOP_FORCE_NAME}
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        documents = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        if model._meta.proxy:
            continue
        for document in model.objects.values_list(*documents, flat=False) if documents else []:
            found.update(texts_in(document))
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            named = dict(zip(fields, row, strict=True))
            if named.get("first_name") and named.get("last_name"):
                found.add(f"{named['first_name']} {named['last_name']}")
            for value in row:
                if value:
                    found.add(" ".join(str(value).split()))
                    found.update(" ".join(line.split()) for line in str(value).splitlines())
    return found


def texts_in(value) -> set[str]:
    """Every text inside a JSON value (a report made earlier keeps its words as they were written)."""
    if isinstance(value, str):
        return {" ".join(value.split())}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return set().union(*(texts_in(item) for item in value)) if value else set()
    return set()


def is_data(piece: str, data: set[str]) -> bool:
    """The piece is the scheme's data: a text held, part of one, or two held side by side (an address and
    its postcode), with any punctuation around it (": Practice 1")."""
    piece = re.sub(r"^\d+\. ", "", piece.strip(" :,.;·–()"))  # "1. Section 6": a numbered heading
    if not piece or NOT_WORDS.match(piece) or piece in SAME_IN_BOTH or piece in data:
        return True
    if len(piece) > 3 and any(piece in text for text in data):
        return True
    if re.fullmatch(r"[A-Z0-9]{4}( [A-Z0-9]{4})+", piece):  # a key to type into an app
        return True
    if ": " in piece:  # a name and a figure or period: "Police Station 0: 2026 Q4"
        return all(is_data(part, data) for part in piece.split(": "))
    if " (" in piece:  # a question and its commitment area: "Were you greeted? (…)"
        return all(is_data(part, data) for part in piece.split(" (", 1))
    words = piece.split()
    return any(" ".join(words[:i]) in data and " ".join(words[i:]) in data for i in range(1, len(words)))


def english_left(english: list[str], welsh: list[str], data: set[str]) -> list[str]:
    return sorted(piece for piece in set(english) & set(welsh) if not is_data(piece, data))


def pages_for(role: str) -> list[tuple[str, str]]:
    return [
        (name, access.method)
        for name, _route in named_urls()
        if (access := ACCESS.get(name)) and access.method == "GET" and access.outcomes[role] == OK and name != "logout"
    ]


@pytest.mark.parametrize("role", WELSH_ROLES)
@override_settings(MYSTERYSHOP_WELSH=True, LANGUAGES=BOTH)
def test_every_page_the_role_can_open_is_welsh_under_cy(role, world, client):
    client.raise_request_exception = False
    if role != "anonymous":
        sign_in_as(client, world.users[role])
    data = data_texts()
    messages = {msgid for msgid in entries(CATALOGUE) if "%(" not in msgid and not NOT_WORDS.match(msgid)}
    problems, checked = [], 0
    for name, _method in pages_for(role):
        with translation.override(settings.LANGUAGE_CODE):
            url = url_for(name, world)
        english = client.get(url)
        if english.status_code != 200 or not english["Content-Type"].startswith("text/html"):
            continue
        welsh = client.get("/cy" + url)
        assert welsh.status_code == 200, f"{name}: /cy{url} answered {welsh.status_code}"
        page = welsh.content.decode()
        assert '<html lang="cy">' in page, f"{name}: /cy{url} is not marked as Welsh"
        english_words, welsh_words = words_of(english.content.decode()), words_of(page)
        left = english_left(english_words, welsh_words, data)
        left += sorted({piece for piece in welsh_words if piece in messages and piece not in SAME_IN_BOTH} - set(left))
        if left:
            problems.append(f"{name} (/cy{url}): {left}")
        checked += 1
    assert not problems, f"{len(problems)} pages show English on their Welsh page for {role}:\n" + "\n".join(problems)
    assert checked >= 3
