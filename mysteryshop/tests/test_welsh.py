"""Welsh (issue 21, first part): the catalogue is complete and current, pages under /cy/ are Welsh with a
switch to English on each, and with Welsh off (the default) there is no /cy/ and no switch."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
pytestmark = pytest.mark.django_db
BOTH = [("en-gb", "English"), ("cy", "Cymraeg")]
WELSH_ON = override_settings(MYSTERYSHOP_WELSH=True, LANGUAGES=BOTH)
# A complete application, as the public form takes it.
APPLICATION = {
    "first_name": "Olwen", "last_name": "Price", "email": "olwen@example.org", "phone": "07911 123456",
    "postcode": "CF10 1AA", "date_of_birth_0": "3", "date_of_birth_1": "4", "date_of_birth_2": "1961",
    "force_connection": "none", "consent": "on",
}  # fmt: skip


def entries(path: Path) -> dict[str, tuple[str, bool]]:
    """msgid → (msgstr, fuzzy), read from a .po file (plural forms: the first msgstr)."""
    found = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        strings = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'(msgid|msgid_plural|msgstr(?:\[0\])?) "(.*)"$', line)
            if match:
                key = match[1].replace("[0]", "")
                strings[key] = match[2]
            elif line.startswith('"') and key:
                strings[key] += line[1:-1]
            elif line.startswith("msgstr["):
                key = None
        if strings.get("msgid"):
            found[strings["msgid"]] = (strings.get("msgstr", ""), "#, fuzzy" in block)
    return found


def test_every_marked_string_has_a_welsh_translation_that_is_not_fuzzy(tmp_path):
    """Gather the marked strings afresh from a copy of the code, as `make messages` would: the committed
    catalogue must hold exactly those, each translated and none fuzzy."""
    copy = tmp_path / "code"
    skip = shutil.ignore_patterns(".venv", "node_modules", "static", ".git", "private-media", "*.mo", "docs", "bench")
    shutil.copytree(ROOT, copy, ignore=skip)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "cy", "--no-location", "--no-obsolete",
         "--ignore=.venv", "--ignore=node_modules"],  # fmt: skip
        cwd=copy, check=True, capture_output=True,
    )  # fmt: skip
    gathered = entries(copy / "locale" / "cy" / "LC_MESSAGES" / "django.po")
    committed = entries(CATALOGUE)
    assert set(gathered) == set(committed), (
        f"run `make messages` and translate: new {sorted(set(gathered) - set(committed))}, "
        f"gone {sorted(set(committed) - set(gathered))}"
    )
    untranslated = [msgid for msgid, (msgstr, fuzzy) in committed.items() if not msgstr or fuzzy]
    assert untranslated == [], untranslated


def english_left(english: str, welsh: str) -> list[str]:
    """Strings the catalogue translates that still show in English on the Welsh page."""
    return [
        msgid for msgid in entries(CATALOGUE)
        if "%(" not in msgid and len(msgid) > 4 and f">{msgid}<" in english and f">{msgid}<" in welsh
    ]  # fmt: skip


@WELSH_ON
def test_the_home_page_is_welsh_under_cy_with_a_switch_each_way(client):
    english = client.get("/").content.decode()
    assert '<html lang="en-GB">' in english
    assert '<a class="nav-link" href="/cy/" lang="cy" hreflang="cy">Cymraeg</a>' in english
    welsh = client.get("/cy/").content.decode()
    assert '<html lang="cy">' in welsh
    assert "Gwneud cais i wirfoddoli" in welsh and 'href="/cy/volunteers/apply/"' in welsh
    assert '<a class="nav-link" href="/" lang="en-GB" hreflang="en-GB">English</a>' in welsh
    assert english_left(english, welsh) == []


@WELSH_ON
def test_the_application_form_its_errors_and_its_thanks_are_welsh(client):
    english = client.get("/volunteers/apply/").content.decode()
    welsh = client.get("/cy/volunteers/apply/").content.decode()
    assert (
        "Gwneud cais i fod yn siopwr cudd" in welsh and "Dyddiad geni" in welsh and "Ydw, fel swyddog heddlu" in welsh
    )
    assert english_left(english, welsh) == []
    refused = client.post("/cy/volunteers/apply/", {"date_of_birth_0": "3"}).content.decode()
    assert "Gwall:" in refused and "Mae problem" in refused
    assert "Rhowch eich enw cyntaf" in refused and "Rhaid i’r dyddiad geni gynnwys mis a blwyddyn" in refused
    sent = client.post(
        "/cy/volunteers/apply/",
        APPLICATION,
        follow=True,
    )
    assert sent.redirect_chain[-1][0] == "/cy/volunteers/apply/thank-you/"
    assert "Diolch am wneud cais" in sent.content.decode()
    english_thanks = client.get("/volunteers/apply/thank-you/").content.decode()
    assert english_left(english_thanks, sent.content.decode()) == []


def test_with_welsh_off_there_is_no_welsh_page_and_no_switch(client):
    assert client.get("/cy/").status_code == 404
    page = client.get("/").content.decode()
    assert "Cymraeg" not in page and '<html lang="en-GB">' in page


@pytest.mark.parametrize("path", ["/volunteers/apply/", "/accounts/login/", "/volunteers/privacy/"])
@WELSH_ON
def test_every_page_has_its_welsh_address_and_keeps_working(client, path):
    assert client.get(path).status_code == 200
    assert client.get("/cy" + path).status_code == 200


def test_the_catalogue_compiles_without_a_fault(tmp_path):
    """`make install` compiles it with `msgfmt --check`: a stray line or a bad placeholder would stop the install."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(CATALOGUE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@WELSH_ON
def test_a_page_not_found_under_cy_says_so_in_welsh_and_the_server_error_page_in_both(client):
    response = client.get("/cy/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="cy">' in page and "Heb ddod o hyd i’r dudalen" in page and "Page not found" not in page
    error_page = (ROOT / "templates" / "500.html").read_text()
    assert "Sorry, there is a problem with the service" in error_page and '<div lang="cy">' in error_page


def test_no_template_tag_runs_over_a_line_end():
    """Django reads a tag only within one line: `{% translate "…` broken over two lines shows as raw text."""
    broken = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt"):
            text = path.read_text(encoding="utf-8")
            broken += [
                f"{path.relative_to(ROOT)}: {m[:60]!r}"
                for m in re.findall(r"\{%(?:(?!%\}).)*\n(?:(?!%\}).)*%\}", text, re.S)
            ]
    assert broken == []
