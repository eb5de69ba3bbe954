"""The authorisation matrix: every named URL, for every role, answers as `mysteryshop.access.ACCESS` says.

Each role signs in (staff past the code step) in a world holding one of each object
(`world.py`), then every named URL is asked for by its method (GET, or POST with an empty
form for a view that only takes POST); where the role is refused, or the view takes only
POST, the other method is tried too and must be refused as well. Each request runs in a savepoint that is rolled back, so a step one URL takes (deleting
a section, cancelling a visit) never changes what the next URL sees. A refusal must not
carry the object's identifying text; force liaison and anyone without a part in the
volunteer's visit must not learn of it, or of the planned visit, from any page at all.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from conftest import sign_in_as
from mysteryshop.access import ACCESS, FORBIDDEN, LOGIN, NOT_FOUND, OK, ROLES

from .world import URL_KWARGS, named_urls

REFUSALS = {LOGIN, FORBIDDEN, NOT_FOUND}


def outcome(response) -> str:
    """How a response reads in the matrix's terms."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith(reverse(settings.LOGIN_URL)):
            return LOGIN
        if location.startswith(reverse("two-factor-verify")) or location.startswith(reverse("two-factor-setup")):
            return "sent to the code step"
        return OK
    if 200 <= status < 300:
        return OK
    return {403: FORBIDDEN, 404: NOT_FOUND}.get(status, str(status))


def request(client, method: str, url: str):
    """One request whose database changes are undone afterwards."""
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(True)
    return response


def leaks(content: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret in content]


def title_problem(response) -> str | None:
    """A page's <title> is plain text, once: a stray tag in a title block shows its markup in the tab."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return None
    titles = re.findall(r"<title>(.*?)</title>", response.content.decode(errors="replace"), flags=re.DOTALL)
    if len(titles) != 1 or not titles[0].strip():
        return f"has {len(titles)} titles"
    if "<" in titles[0] or "\n" in titles[0].strip():
        return f"has markup in its title: {titles[0][:80]!r}"
    return None


def url_for(name: str, world) -> str:
    kwargs = URL_KWARGS[name](world) if name in URL_KWARGS else {}
    return reverse(name, kwargs=kwargs)


def test_every_named_url_has_a_row_in_the_matrix():
    missing = sorted(name for name, _route in named_urls() if name not in ACCESS)
    assert not missing, (
        "These URL names have no row in mysteryshop/access.py ACCESS; add one saying what each role gets: "
        + ", ".join(missing)
    )
    stale = sorted(set(ACCESS) - {name for name, _route in named_urls()})
    assert not stale, f"ACCESS has rows for URL names that no longer exist: {', '.join(stale)}"


def test_every_url_with_arguments_has_them_in_the_world():
    missing = sorted(name for name, route in named_urls() if "<" in route and name not in URL_KWARGS)
    assert not missing, f"Add these URL names to URL_KWARGS in mysteryshop/tests/world.py: {', '.join(missing)}"


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_matrix_says(role, world, client):
    client.raise_request_exception = False  # a server error is reported with the rest, not raised
    if role != "anonymous":
        sign_in_as(client, world.users[role])
    # What this role must never see, on any page, allowed or not.
    never = world.secret_visit_text() if role != "coordinator" and role != "commissioner" else []
    if role in ("anonymous", "applicant", "other_volunteer", "force_liaison"):
        never += world.owner_text()
    problems = []
    checked = 0
    for name, _route in named_urls():
        access = ACCESS.get(name)
        if access is None or (name in ("logout",) and role != "anonymous"):
            # `logout` would end the session for the rest of the walk; the sign-in tests cover it.
            continue
        url = url_for(name, world)
        expected = access.outcomes[role]
        methods = [access.method]
        if expected in REFUSALS or access.method == "POST":
            # A refusal must hold for the other method too; a POST-only view must refuse GET.
            # (Posting an empty form to a page the role may use is left to each app's own tests.)
            methods.append("POST" if access.method == "GET" else "GET")
        for method in methods:
            response = request(client, method, url)
            got = outcome(response)
            if method == access.method:
                if got != expected:
                    problems.append(f"{method} {name} ({url}): expected {expected}, got {got}")
            elif expected in REFUSALS and got not in REFUSALS | {"405"}:
                problems.append(f"{method} {name} ({url}): refused by {access.method} but {method} gave {got}")
            elif response.status_code >= 500:
                problems.append(f"{method} {name} ({url}): server error {response.status_code}")
            if response.status_code == 200 and (problem := title_problem(response)):
                problems.append(f"{method} {name} ({url}) {problem}")
            content = response.content.decode(errors="replace") if not response.streaming else ""
            refused_secrets = []
            if got in REFUSALS:
                refused_secrets = world.secret_visit_text() + (world.owner_text() if role != "volunteer" else [])
            found = leaks(content, never + refused_secrets)
            if found:
                problems.append(f"{method} {name} ({url}) answered {got} and showed {found}")
        checked += 1
    assert not problems, f"{len(problems)} problems for {role}:\n" + "\n".join(problems)
    assert checked > 100


def test_no_link_or_email_leads_to_a_url_that_only_takes_a_form():
    """A link (or a URL in an e-mail) to a POST-only view opens a 405: a dead end for the person following it.

    Every `{% url %}` in an `href`, and every one in a plain-text e-mail, must name a view that
    answers GET; buttons post to the rest.
    """
    from pathlib import Path

    post_only = {name for name, access in ACCESS.items() if access.method == "POST"}
    templates = Path(settings.BASE_DIR) / "templates"
    problems = []
    for path in templates.rglob("*"):
        if path.suffix not in (".html", ".txt"):
            continue
        text = path.read_text()
        pattern = r"\{%\s*url\s+'([^']+)'" if path.suffix == ".txt" else r"href=\"\{%\s*url\s+'([^']+)'"
        for name in re.findall(pattern, text):
            if name in post_only:
                problems.append(f"{path.relative_to(templates)} links to {name}, which only takes a form (POST)")
    assert not problems, "\n".join(problems)
