"""Computing the roll-up tables from approved answers (the source of truth)."""

# The SQL below is put together only from model table names and fixed column names;
# every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
from datetime import date, datetime, time

from django.db import connection, transaction
from django.db.models import Aggregate, CharField, Count, DateField, F, Func, JSONField, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncDate, TruncMonth, TruncQuarter, TruncWeek
from django.utils import timezone

from scenarios.models import Question
from visits.models import Answer, Submission, SubmissionStatus

from .models import Quote, RollupRow
from .periods import PeriodKind, period_end, period_start

KEY_FIELDS = ("period_kind", "period_start", "contact_point_id", "area_id", "question_id")
VALUE_FIELDS = (
    "channel",
    "policing_area_id",
    "reports",
    "visits",
    "answers",
    "met",
    "weight_applicable",
    "weight_met",
    "durations",
)


def slices_of(submission: Submission) -> list[tuple[str, date, int]]:
    """The (period kind, period start, contact point) slices a report falls in."""
    visit = submission.assignment.visit
    day = timezone.localtime(visit.starts_at).date()
    return [(kind, period_start(kind, day), visit.contact_point_id) for kind in PeriodKind.values]


QUOTE_FIELDS = (
    "period_start", "contact_point_id", "policing_area_id", "answer_id", "submission_id", "visit_day", "notable",
    "question", "text", "released_text",
)  # fmt: skip
# Columns of RollupRow in the order the grouped queries select them.
COLUMNS = KEY_FIELDS + VALUE_FIELDS
VISIT = "submission__assignment__visit"
TRUNCATE = {PeriodKind.WEEK: TruncWeek, PeriodKind.MONTH: TruncMonth, PeriodKind.QUARTER: TruncQuarter}


class SortedSeconds(Aggregate):
    """The answers of duration questions as a JSON list (sorted on PostgreSQL), `[]` when none."""

    function = "json_group_array"
    template = "%(function)s(json(%(expressions)s))"
    allow_distinct = False
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra):
        ordered = self.copy()
        ordered.function, ordered.template = "jsonb_agg", "%(function)s(%(expressions)s ORDER BY %(expressions)s)"
        sql, params = super(SortedSeconds, ordered).as_sql(compiler, connection)
        return f"COALESCE({sql}, '[]'::jsonb)", params


class EmptyList(Func):
    """A literal empty JSON list, for rows that hold no durations."""

    template = "'[]'"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra):
        return "'[]'::jsonb", []


def _grouped(kind: str, answers, level: str):
    """One grouped query giving the roll-up rows of one level ("question", "area" or "all") for
    every slice the answers fall in, its columns in the order of COLUMNS."""
    local_day = TruncDate(f"{VISIT}__starts_at", tzinfo=timezone.get_current_timezone())
    keys = {
        "period_kind_": Value(kind, output_field=CharField()),
        "period_start_": Cast(TRUNCATE[kind](local_day), DateField()),
        "contact_point_id_": F(f"{VISIT}__contact_point_id"),
        "channel_": F(f"{VISIT}__contact_point__channel"),
        "policing_area_id_": F(f"{VISIT}__contact_point__policing_area_id"),
    }
    weight_applicable = Coalesce(Sum("question__weight", filter=Q(meets__isnull=False)), 0)
    weight_met = Coalesce(Sum("question__weight", filter=Q(meets=True)), 0)
    if level == "question":
        keys |= {"area_id_": Coalesce(F("question__commitment_area_id"), 0), "question_id_": F("question_id")}
        values = {
            # One answer per report and question: the answers are the reports.
            "reports_": Count("pk"),
            "visits_": Count(f"{VISIT}_id", distinct=True),
            "answers_": Count("pk"),
            "met_": Count("pk", filter=Q(meets=True)),
            "weight_applicable_": weight_applicable,
            "weight_met_": weight_met,
            "durations_": SortedSeconds("value", filter=Q(question__kind="duration", value__isnull=False)),
        }
    else:
        answers = answers.filter(meets__isnull=False)
        area = F("question__commitment_area_id") if level == "area" else Value(0)
        keys |= {"area_id_": area, "question_id_": Value(0)}
        values = {
            "reports_": Count("submission_id", distinct=True),
            "visits_": Count(f"{VISIT}_id", distinct=True),
            "answers_": Value(0),
            "met_": Value(0),
            "weight_applicable_": weight_applicable,
            "weight_met_": weight_met,
            "durations_": EmptyList(),
        }
    grouped = answers.annotate(**keys).values(*keys).annotate(**values).order_by()
    return grouped.values_list(*(f"{column}_" for column in COLUMNS))


def _approved_answers(slice_: tuple[str, date, int] | None = None):
    # Spelled out rather than `in_results()`, so `differences()` checks that rule too.
    answers = Answer.objects.filter(
        submission__status=SubmissionStatus.APPROVED,
        submission__excluded=False,
        submission__practice=False,
        submission__pilot=False,
    )
    if slice_ is None:
        return answers
    kind, start, contact_point_id = slice_
    tz = timezone.get_current_timezone()
    return answers.filter(
        **{
            f"{VISIT}__contact_point_id": contact_point_id,
            f"{VISIT}__starts_at__gte": datetime.combine(start, time.min, tzinfo=tz),
            f"{VISIT}__starts_at__lt": datetime.combine(period_end(kind, start), time.min, tzinfo=tz),
        }
    )


def _queries(slice_: tuple[str, date, int] | None = None):
    kinds = [slice_[0]] if slice_ else list(PeriodKind.values)
    return [_grouped(kind, _approved_answers(slice_), level) for kind in kinds for level in ("question", "area", "all")]


def _normalise(row: dict) -> dict:
    durations = row["durations"]
    if isinstance(durations, str):  # SQLite hands the JSON list back as text
        durations = json.loads(durations)
    return {**row, "durations": sorted(durations)}


def _computed(slice_=None) -> list[dict]:
    rows = [_normalise(dict(zip(COLUMNS, row, strict=True))) for query in _queries(slice_) for row in query]
    return sorted(rows, key=lambda row: tuple(str(row[f]) for f in KEY_FIELDS))


# --- Writing the tables: a few set-based statements over the answers ---------------------
#
# The answers are read twice, each time joined to a small table of the reports in
# scope (`rollup_reports`: one row per approved report with its week, month and
# quarter, contact point, channel and policing area):
#   rollup_questions  answers summed per week × month × contact point × question
#                     (weeks straddle months, so each such pair is its own group)
#   rollup_by_report  each report's weights per commitment area, so "reports" can be
#                     counted once per report at the area and force-wide levels
#                     (rollup_areas, per week × month × contact point × area)
# and the roll-up rows of every period kind are sums over those, written with
# INSERT ... SELECT: nothing passes through Python. `_computed()` above is a second,
# independent way to the same rows, which `differences()` compares against.

PERIOD_COLUMNS = {PeriodKind.WEEK: "week_start", PeriodKind.MONTH: "month_start", PeriodKind.QUARTER: "quarter_start"}
SCRATCH_TABLES = ("rollup_durations", "rollup_areas", "rollup_by_report", "rollup_questions", "rollup_reports")


def _sql_dialect() -> dict[str, str]:
    if connection.vendor == "postgresql":
        return {"empty": "'[]'::jsonb", "list": "jsonb_agg(value ORDER BY value)"}
    return {"empty": "'[]'", "list": "json_group_array(json(value))"}


def _reports_in_scope(scope: Q):
    """Approved reports with the periods and place their visit falls in, as a SELECT."""
    visit = "assignment__visit"
    local_day = TruncDate(f"{visit}__starts_at", tzinfo=timezone.get_current_timezone())
    reports = (
        Submission.objects.in_results()
        .filter(scope)
        .annotate(
            submission_id=F("pk"),
            visit_id=F(f"{visit}_id"),
            week_start=Cast(TruncWeek(local_day), DateField()),
            month_start=Cast(TruncMonth(local_day), DateField()),
            quarter_start=Cast(TruncQuarter(local_day), DateField()),
            point_id=F(f"{visit}__contact_point_id"),
            point_channel=F(f"{visit}__contact_point__channel"),
            point_area_id=F(f"{visit}__contact_point__policing_area_id"),
        )
    )
    columns = (
        "submission_id",
        "visit_id",
        "week_start",
        "month_start",
        "quarter_start",
        "point_id",
        "point_channel",
        "point_area_id",
    )
    return reports.order_by().values_list(*columns).query.sql_with_params()


def _analyze(cursor, scratch: str) -> None:
    """Give PostgreSQL the real size of a scratch table: autovacuum never looks at temporary tables,
    so without this the planner guesses (18.5 million rows for 150,000 in a full rebuild), picks poor
    joins and turns JIT compilation on for queries that take well under a second."""
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {scratch}")


def _write(targets: dict[str, date | None], *, contact_point_id: int | None = None, scope: Q | None = None) -> int:
    """Write the roll-up rows of each period kind in `targets` (only the period starting on the
    given date, or every period when None), from the approved reports in `scope` at
    `contact_point_id` (or everywhere), and the quotes with the quarter."""
    scope = Q() if scope is None else scope
    if contact_point_id is not None:
        scope &= Q(assignment__visit__contact_point_id=contact_point_id)
    dialect = _sql_dialect()
    answer, question = Answer._meta.db_table, Question._meta.db_table
    table = RollupRow._meta.db_table
    columns = ", ".join(RollupRow._meta.get_field(name).column for name in COLUMNS)
    durations = list(Question.objects.filter(kind="duration").values_list("pk", flat=True)) or [0]
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Enough memory to group a full rebuild without spilling to disk; this transaction only.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        for scratch in SCRATCH_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
        sql, params = _reports_in_scope(scope)
        cursor.execute(f"CREATE TEMPORARY TABLE rollup_reports AS {sql}", params)
        _analyze(cursor, "rollup_reports")
        cursor.execute(f"""
            CREATE TEMPORARY TABLE rollup_questions AS
            SELECT r.week_start, r.month_start, r.quarter_start, r.point_id, r.point_channel, r.point_area_id,
                   COALESCE(q.commitment_area_id, 0) AS area_id, a.question_id, COUNT(*) AS answers,
                   COUNT(DISTINCT r.visit_id) AS visits,
                   SUM(CASE WHEN a.meets THEN 1 ELSE 0 END) AS met,
                   SUM(CASE WHEN a.meets IS NOT NULL THEN q.weight ELSE 0 END) AS weight_applicable,
                   SUM(CASE WHEN a.meets THEN q.weight ELSE 0 END) AS weight_met
            FROM {answer} a JOIN rollup_reports r ON r.submission_id = a.submission_id
            JOIN {question} q ON q.id = a.question_id
            GROUP BY r.week_start, r.month_start, r.quarter_start, r.point_id, r.point_channel, r.point_area_id,
                     COALESCE(q.commitment_area_id, 0), a.question_id""")  # fmt: skip
        cursor.execute(f"""
            CREATE TEMPORARY TABLE rollup_by_report AS
            SELECT a.submission_id, q.commitment_area_id AS area_id, SUM(q.weight) AS weight_applicable,
                   SUM(CASE WHEN a.meets THEN q.weight ELSE 0 END) AS weight_met
            FROM {answer} a JOIN rollup_reports r ON r.submission_id = a.submission_id
            JOIN {question} q ON q.id = a.question_id
            WHERE a.meets IS NOT NULL
            GROUP BY a.submission_id, q.commitment_area_id""")  # fmt: skip
        _analyze(cursor, "rollup_by_report")
        # Each report (and its visit) falls in one week × month × contact point, so its reports
        # and visits can be counted there and summed over; area 0 is "all areas".
        cursor.execute("""
            CREATE TEMPORARY TABLE rollup_areas AS
            SELECT r.week_start, r.month_start, r.quarter_start, r.point_id, r.point_channel, r.point_area_id,
                   x.area_id, COUNT(*) AS reports, COUNT(DISTINCT r.visit_id) AS visits,
                   SUM(x.weight_applicable) AS weight_applicable,
                   SUM(x.weight_met) AS weight_met
            FROM rollup_by_report x JOIN rollup_reports r ON r.submission_id = x.submission_id
            GROUP BY r.week_start, r.month_start, r.quarter_start, r.point_id, r.point_channel, r.point_area_id,
                     x.area_id
            UNION ALL
            SELECT r.week_start, r.month_start, r.quarter_start, r.point_id, r.point_channel, r.point_area_id,
                   0, COUNT(*), COUNT(DISTINCT r.visit_id), SUM(x.weight_applicable), SUM(x.weight_met)
            FROM (SELECT submission_id, SUM(weight_applicable) AS weight_applicable, SUM(weight_met) AS weight_met
                  FROM rollup_by_report GROUP BY submission_id) x
            JOIN rollup_reports r ON r.submission_id = x.submission_id
            GROUP BY r.week_start, r.month_start, r.quarter_start, r.point_id, r.point_channel, r.point_area_id""")
        marks = ", ".join(["%s"] * len(durations))
        cursor.execute(f"""
            CREATE TEMPORARY TABLE rollup_durations AS
            SELECT r.week_start, r.month_start, r.quarter_start, r.point_id, a.question_id, a.value
            FROM {answer} a JOIN rollup_reports r ON r.submission_id = a.submission_id
            WHERE a.question_id IN ({marks}) AND a.value IS NOT NULL""", durations)  # fmt: skip
        for scratch in ("rollup_questions", "rollup_areas", "rollup_durations"):
            _analyze(cursor, scratch)
        for kind, start in targets.items():
            period = PERIOD_COLUMNS[kind]
            only = f"WHERE {period} = %s" if start else ""
            given = [start] if start else []
            statements = [
                (f"""
                SELECT %s, g.{period}, g.point_id, g.area_id, g.question_id, g.point_channel, g.point_area_id,
                       g.answers, g.visits, g.answers, g.met, g.weight_applicable, g.weight_met,
                       COALESCE(d.seconds, {dialect["empty"]})
                FROM (SELECT {period}, point_id, area_id, question_id, point_channel, point_area_id,
                             SUM(answers) AS answers, SUM(visits) AS visits, SUM(met) AS met, SUM(weight_applicable) AS weight_applicable,
                             SUM(weight_met) AS weight_met
                      FROM rollup_questions {only}
                      GROUP BY {period}, point_id, area_id, question_id, point_channel, point_area_id) g
                LEFT JOIN (SELECT {period}, point_id, question_id, {dialect["list"]} AS seconds
                           FROM rollup_durations {only} GROUP BY {period}, point_id, question_id) d
                  ON d.{period} = g.{period} AND d.point_id = g.point_id AND d.question_id = g.question_id""",
                 [kind, *given, *given]),
                (f"""
                SELECT %s, {period}, point_id, area_id, 0, point_channel, point_area_id, SUM(reports), SUM(visits), 0, 0,
                       SUM(weight_applicable), SUM(weight_met), {dialect["empty"]}
                FROM rollup_areas {only}
                GROUP BY {period}, point_id, area_id, point_channel, point_area_id""", [kind, *given]),
            ]  # fmt: skip
            for select, values in statements:
                # In key order, so the unique index grows at its end instead of everywhere at once.
                cursor.execute(f"INSERT INTO {table} ({columns}) {select} ORDER BY 2, 3, 4, 5", values)
                count += cursor.rowcount
        for scratch in SCRATCH_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
    if PeriodKind.QUARTER in targets:
        _write_quotes(quarter=targets[PeriodKind.QUARTER], contact_point_id=contact_point_id)
    return count


def _quotes(scope: Q) -> list[dict]:
    """The reviewers' quotes among the approved reports in `scope`, as Quote fields."""
    reports = Submission.objects.in_results().filter(scope)
    answers = (
        Answer.objects.filter(submission__in=reports)
        .exclude(notable="")
        .select_related("question", "submission__assignment__visit__contact_point")
    )
    quotes = []
    for answer in answers:
        visit = answer.submission.assignment.visit
        day = timezone.localtime(visit.starts_at).date()
        quotes.append(
            {
                "period_start": period_start(PeriodKind.QUARTER, day), "contact_point_id": visit.contact_point_id,
                "policing_area_id": visit.contact_point.policing_area_id, "answer_id": answer.pk,
                "submission_id": answer.submission_id, "visit_day": day, "notable": answer.notable,
                "question": answer.question.label, "text": str(answer.value or ""),
                "released_text": answer.redacted_text,
            }
        )  # fmt: skip
    return quotes


def _write_quotes(*, quarter: date | None, contact_point_id: int | None) -> None:
    """Replace the quotes of one quarter at one contact point, or all of them."""
    stale, scope = Quote.objects.all(), Q()
    if quarter:
        stale = stale.filter(period_start=quarter, contact_point_id=contact_point_id)
        scope = Q(assignment__visit__contact_point_id=contact_point_id) & _visit_between(PeriodKind.QUARTER, quarter)
    stale.delete()
    Quote.objects.bulk_create([Quote(**quote) for quote in _quotes(scope)])


def _visit_between(kind: str, start: date) -> Q:
    tz = timezone.get_current_timezone()
    return Q(
        assignment__visit__starts_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        assignment__visit__starts_at__lt=datetime.combine(period_end(kind, start), time.min, tzinfo=tz),
    )


# Advisory locks (PostgreSQL's two-key form, held to the end of the transaction) that serialise the
# writers of roll-up rows. Each writer deletes a slice's rows and inserts them again; two at once on
# the same slice would both insert and one would fail on `rollup_one_row_per_key`. So writers of one
# contact point's slices take that contact point's lock, and the full rebuild takes the lock on all
# of them, which every slice writer holds shared first (always in that order: no deadlock).
LOCK_ALL_ROLLUPS = 7301
LOCK_CONTACT_POINT_ROLLUPS = 7302


def _serialise(contact_point_id: int | None) -> None:
    """Wait until no other transaction writes the roll-ups of this contact point (None: of any)."""
    if connection.vendor != "postgresql":
        return  # SQLite lets one writer in at a time anyway
    with connection.cursor() as cursor:
        if contact_point_id is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_ALL_ROLLUPS])
        else:
            cursor.execute(
                "SELECT pg_advisory_xact_lock_shared(%s, 0), pg_advisory_xact_lock(%s, %s)",
                [LOCK_ALL_ROLLUPS, LOCK_CONTACT_POINT_ROLLUPS, contact_point_id % 2**31],
            )


@transaction.atomic
def rollup_submission(submission_id: int) -> bool:
    """Recompute the slices one report touches (its week, month and quarter at its contact point)
    and clear its marker, all or nothing.

    The marker is cleared first with a conditional update, inside the same
    transaction as the recomputation: if anything fails the marker comes back
    for the sweeper, and an approval made meanwhile sets it again for another run.
    Writers of the same contact point's roll-ups wait for each other (`_serialise`),
    so two tasks at once, or a task and the sweeper, never collide.
    """
    submission = Submission.objects.select_related("assignment__visit").filter(pk=submission_id).first()
    if submission is None:
        return False
    slices = slices_of(submission)
    contact_point_id = slices[0][2]
    _serialise(contact_point_id)
    Submission.objects.filter(pk=submission_id, needs_rollup=True).update(needs_rollup=False)
    targets = {kind: start for kind, start, _ in slices}
    stale = Q()
    for kind, start in targets.items():
        stale |= Q(period_kind=kind, period_start=start)
    RollupRow.objects.filter(stale, contact_point_id=contact_point_id).delete()
    # One pass over the reports of the widest period: the quarter, and the week when it straddles two quarters.
    scope = _visit_between(PeriodKind.QUARTER, targets[PeriodKind.QUARTER]) | _visit_between(
        PeriodKind.WEEK, targets[PeriodKind.WEEK]
    )
    _write(targets, contact_point_id=contact_point_id, scope=scope)
    return True


def sweep(limit: int = 500) -> int:
    """Roll up every marked report a lost or late task left behind."""
    ids = list(Submission.objects.filter(needs_rollup=True).order_by("pk").values_list("pk", flat=True)[:limit])
    for submission_id in ids:
        rollup_submission(submission_id)
    return len(ids)


@transaction.atomic
def rebuild() -> int:
    """Throw every roll-up row away and recompute all of them from the answers.

    Markers are cleared first, in the same transaction: an approval committed while the
    rebuild runs keeps its marker for its own task or the sweeper.
    """
    _serialise(None)
    Submission.objects.filter(needs_rollup=True).update(needs_rollup=False)
    if connection.vendor == "postgresql":
        # Emptied rather than deleted from, so the new rows go into fresh storage without checking
        # the old ones; readers wait for the commit (a few seconds) and never see it half done.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {RollupRow._meta.db_table}")
    else:
        RollupRow.objects.all().delete()
    return _write(dict.fromkeys(PeriodKind.values), scope=Q())


def differences() -> list[str]:
    """Rows where the tables differ from a from-scratch recomputation (empty when they agree)."""
    expected = {tuple(row[f] for f in KEY_FIELDS): {f: row[f] for f in VALUE_FIELDS} for row in _computed()}
    actual = {
        tuple(row[f] for f in KEY_FIELDS): {f: row[f] for f in VALUE_FIELDS}
        for row in map(_normalise, RollupRow.objects.values(*KEY_FIELDS, *VALUE_FIELDS))
    }
    expected_quotes = {quote["answer_id"]: quote for quote in _quotes(Q())}
    actual_quotes = {quote["answer_id"]: quote for quote in Quote.objects.values(*QUOTE_FIELDS)}
    problems = [
        f"quote of answer {key} differs" for key in expected_quotes.keys() | actual_quotes.keys()
        if expected_quotes.get(key) != actual_quotes.get(key)
    ]  # fmt: skip
    problems += [f"missing row {key}" for key in expected.keys() - actual.keys()]
    problems += [f"unexpected row {key}" for key in actual.keys() - expected.keys()]
    problems += [
        f"row {key}: table {actual[key]} but recomputed {expected[key]}"
        for key in expected.keys() & actual.keys()
        if actual[key] != expected[key]
    ]
    return sorted(problems)
