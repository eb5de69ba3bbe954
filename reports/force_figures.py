"""The force's own published 101 call figures, imported from CSV by coordinators.

The file has a header row and one row per month: `month`, `calls`,
`average answer time` and `calls abandoned`. Every row is checked first; if
any row is wrong nothing is saved and each problem is listed with its line
number, so a file is never half imported. A month already held is replaced.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext

from mysteryshop import dates
from mysteryshop.roles import Role

from .models import ForceFigure

MAX_BYTES = 1024 * 1024
MAX_ROWS = 600
COLUMNS = {
    "month": "month",
    "calls": "calls",
    "average answer time": "average",
    "calls abandoned": "abandoned",
}
MONTH_FORMATS = ("%Y-%m", "%Y-%m-%d", "%b %Y", "%B %Y", "%m/%Y", "%d/%m/%Y")


@dataclass(frozen=True)
class Row:
    month: date
    calls: int
    average_answer_seconds: int
    abandoned: int


def _header(name: str) -> str:
    """`Average answer time (seconds)`, `average_answer_time` and the like all name the same column."""
    name = re.sub(r"\(.*?\)", "", name or "").replace("_", " ").strip().lower()
    return re.sub(r"\s+", " ", name)


def _month(text: str) -> date:
    text = text.strip()
    for pattern in MONTH_FORMATS:
        try:
            parsed = datetime.strptime(text, pattern)  # noqa: DTZ007 - a calendar month, not a moment
        except ValueError:
            continue
        return date(parsed.year, parsed.month, 1)
    raise ValueError(gettext("the month “%(text)s” is not a month such as 2026-10 or October 2026") % {"text": text})


def _count(text: str, what: str) -> int:
    """`what` is a whole message with %(text)s for the value, such as "the number of calls “%(text)s” is not…"."""
    cleaned = text.strip().replace(",", "")
    if not cleaned.isdigit():
        raise ValueError(what % {"text": text.strip()})
    return int(cleaned)


def _seconds(text: str) -> int:
    """Seconds, or minutes and seconds as 1:05, or hours as 0:01:05."""
    cleaned = text.strip()
    if re.fullmatch(r"\d+", cleaned):
        return int(cleaned)
    if re.fullmatch(r"\d+(:[0-5]\d){1,2}", cleaned):
        seconds = 0
        for part in cleaned.split(":"):
            seconds = seconds * 60 + int(part)
        return seconds
    raise ValueError(
        gettext("the average answer time “%(text)s” is not seconds (such as 95) or minutes and seconds (1:35)")
        % {"text": cleaned}
    )


def parse(data: bytes) -> list[Row]:
    """The rows of a figures file, or one ValidationError listing every problem by line."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            gettext("The file is larger than 1 MB; a year of monthly figures is a few hundred bytes.")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(gettext("The file is not plain text (CSV saved as UTF-8).")) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise ValidationError(
            gettext("The file is empty. It needs a header row: month, calls, average answer time, calls abandoned.")
        )
    positions = {COLUMNS[_header(name)]: index for index, name in enumerate(header) if _header(name) in COLUMNS}
    missing = [name for name, key in COLUMNS.items() if key not in positions]
    if missing and len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        if ";" in header[0]:
            message = gettext(
                "The file has semicolons between its values; it needs commas. In Excel, choose File, Save As, "
                "and save it as “CSV UTF-8 (Comma delimited)”, then import that file."
            )
        else:
            message = gettext(
                "The file has tabs between its values; it needs commas. In Excel, choose File, Save As, "
                "and save it as “CSV UTF-8 (Comma delimited)”, then import that file."
            )
        raise ValidationError(message)
    if missing:
        raise ValidationError(
            gettext(
                "The header row is missing: %(columns)s. It needs month, calls, average answer time, calls abandoned."
            )
            % {"columns": ", ".join(missing)}
        )
    rows: list[Row] = []
    problems: list[str] = []
    seen: dict[date, int] = {}
    today = timezone.localdate()
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.append(
                gettext("Line %(line)s: the file has more than %(most)s rows.") % {"line": line, "most": MAX_ROWS}
            )
            break
        try:
            value = {key: cells[index] if index < len(cells) else "" for key, index in positions.items()}
            row = Row(
                month=_month(value["month"]),
                calls=_count(value["calls"], gettext("the number of calls “%(text)s” is not a whole number")),
                average_answer_seconds=_seconds(value["average"]),
                abandoned=_count(
                    value["abandoned"], gettext("the number of calls abandoned “%(text)s” is not a whole number")
                ),
            )
            dates.check_figure_month(row.month, today=today)
            if row.abandoned > row.calls:
                raise ValueError(
                    gettext("more calls abandoned (%(abandoned)s) than calls (%(calls)s)")
                    % {"abandoned": row.abandoned, "calls": row.calls}
                )
            if row.month in seen:
                raise ValueError(
                    gettext("%(month)s is already on line %(line)s")
                    % {"month": formats.date_format(row.month, "F Y"), "line": seen[row.month]}
                )
        except ValueError as error:
            problems.append(gettext("Line %(line)s: %(problem)s.") % {"line": line, "problem": error})
            continue
        seen[row.month] = line
        rows.append(row)
    if problems:
        raise ValidationError(problems)
    if not rows:
        raise ValidationError(gettext("The file has a header row but no months."))
    return rows


@transaction.atomic
def import_figures(*, data: bytes, by) -> list[ForceFigure]:
    """Check every row, then save them all (replacing months already held), or save nothing."""
    if not by.has_role(Role.COORDINATOR):
        raise PermissionDenied("Only coordinators import the force's figures.")
    rows = parse(data)
    saved = []
    for row in rows:
        figure, _ = ForceFigure.objects.update_or_create(
            month=row.month,
            defaults={
                "calls": row.calls,
                "average_answer_seconds": row.average_answer_seconds,
                "abandoned": row.abandoned,
                "imported_by": by,
                "imported_at": timezone.now(),
            },
        )
        saved.append(figure)
    return saved
