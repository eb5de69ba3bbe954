"""One of each object the site's URLs point at, and the arguments each named URL needs.

`build_world(...)` makes a small, complete world: a volunteer booked on a visit that has
just started with a report in progress (answers and a photo), an expense claim with a
receipt and a day away; a planned visit at a secret place nobody outside the OPCC may
learn of; a released, approved report with a finding; a ready scrutiny report of an unreleased week; a draft
scenario, questionnaire, section and question; a training session; a draft quarter plan.

`URL_KWARGS` maps each named URL that takes arguments to a function of the world giving
them. A new URL with arguments needs one line here (and its row in `mysteryshop.access`).
The authorisation matrix test and the security headers test walk every named URL with it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

# Identifying text that must never reach anyone not entitled to it.
SECRET_PLACE = "Secretfield Police Station"
OWN_PLACE = "Owlbury Police Station"
OWNER_SURNAME = "Quillfeather"
PARTNER_SURNAME = "Nightjarwood"
EXPENSE_PURPOSE = "Bus fare to Owlbury for a visit"
PHOTO_CAPTION = "Opening hours sign at Owlbury"
SUGGESTION_TITLE = "Reporting a lost wallet by webchat"


@dataclass
class World:
    """Everything a URL can point at, built by `build_world`."""

    users: dict
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None

    def secret_visit_text(self) -> list[str]:
        """What would give away the planned visit: its place and its day, in the forms pages write them."""
        local = timezone.localtime(self.secret_visit.starts_at)
        return [SECRET_PLACE, local.strftime("%d %b %Y"), local.strftime("%-d %B %Y"), local.date().isoformat()]

    def owner_text(self) -> list[str]:
        """What is private to the volunteer who owns the world's assignment, report, claim and photo."""
        return [OWN_PLACE, OWNER_SURNAME, PARTNER_SURNAME, EXPENSE_PURPOSE, PHOTO_CAPTION]


def _png(size=(8, 8)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, format="PNG")
    return out.getvalue()


def build_world() -> World:
    """Make one user per role and one of each object.

    The caller travels in time to `world.now`, when the volunteer's visit has started.
    """
    import time_machine
    from django.contrib.auth.tokens import default_token_generator

    from mysteryshop.roles import Role
    from reports import appeals, documents, evidence, findings, rollups
    from reports.models import AppealGround, GeneratedReport, GenerationStatus, ReportKind
    from reports.periods import PeriodKind, period_start
    from reports.tests.test_findings import release
    from reports.tests.test_rollups import approved_report
    from scenarios.models import CommitmentArea, ScenarioSuggestion
    from scenarios.tests.factories import ContactPointFactory, QuestionFactory, ScenarioFactory
    from visits import capture, services
    from visits.models import Answer, Evidence, QuarterPlan, SafetyAlert, StandardComment
    from visits.tests.factories import approved_scenario, make_visit, next_weekday, ready_volunteer
    from visits.tests.test_capture import build_version, q
    from volunteers.models import Availability, AwayPeriod, Band, ExpenseClaim, ExpenseItem, PrivacyNotice, Receipt
    from volunteers.tests.factories import TrainingModuleFactory, TrainingSessionFactory, trained, volunteer_for

    from .factories import UserFactory

    applicant = UserFactory(username="applicant", roles=[Role.APPLICANT])
    volunteer_for(applicant, status="training")
    volunteer = UserFactory(username="volunteer", roles=[Role.VOLUNTEER])
    volunteer_for(volunteer)
    other_volunteer = UserFactory(username="other-volunteer", roles=[Role.VOLUNTEER])
    volunteer_for(other_volunteer)
    coordinator = UserFactory(username="coordinator", roles=[Role.COORDINATOR])
    commissioner = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    force_liaison = UserFactory(username="liaison", roles=[Role.FORCE_LIAISON])
    users = {
        "applicant": applicant,
        "volunteer": volunteer,
        "other_volunteer": other_volunteer,
        "coordinator": coordinator,
        "commissioner": commissioner,
        "force_liaison": force_liaison,
    }
    world = World(users=users)
    o = world.objects

    # The volunteer who owns things: active, trained, available on weekdays.
    owner = volunteer.volunteer
    owner.last_name = volunteer.last_name = OWNER_SURNAME
    owner.save()
    volunteer.save()
    o["module"] = TrainingModuleFactory(name="Induction", refresh_months=None)
    trained(owner, o["module"])
    Availability.objects.bulk_create(
        [Availability(volunteer=owner, weekday=d, band=b) for d in range(5) for b in (Band.MORNING, Band.AFTERNOON)]
    )
    o["owner"] = owner
    o["applicant_record"] = applicant.volunteer
    o["training_session"] = TrainingSessionFactory(module=o["module"])
    o["away"] = AwayPeriod.objects.create(
        volunteer=owner,
        starts_on=timezone.localdate() + timedelta(days=200),
        ends_on=timezone.localdate() + timedelta(days=201),
    )
    PrivacyNotice.objects.create(text="We keep your details safe.", published_by=coordinator)
    o["standard_comment"] = StandardComment.objects.create(
        title="Time of call", text="Please add the time you called.", created_by=coordinator
    )

    # A released quarter: an approved report, a finding citing it, a ready scrutiny report.
    o["released_report"] = approved_report(coordinator)
    o["appealed_report"] = approved_report(coordinator)
    release(o["released_report"], commissioner)
    o["appeal"] = appeals.raise_appeal(
        submission=o["appealed_report"],
        by=force_liaison,
        ground=AppealGround.SCORING_ERROR,
        explanation="The caller was given a reference number; the report says not.",
    )
    # Its evidence pack, made by the OPCC and not shared: the force must not reach it.
    evidence.make_evidence_pack(appeal=o["appeal"], by=coordinator)
    o["answer"] = Answer.objects.filter(submission=o["released_report"]).first()
    o["released_point"] = o["released_report"].assignment.visit.contact_point
    o["released_quarter"] = period_start(PeriodKind.QUARTER, findings.visit_day(o["released_report"]))
    o["finding"] = findings.raise_finding(
        by=coordinator,
        title="Give every caller a reference number",
        what_was_found="Callers were often not given a reference number.",
        recommendation="Remind call handlers to give a reference number on every call.",
        contact_point=o["released_point"],
        commitment_areas=[CommitmentArea.objects.first()],
        cited_reports=[o["released_report"]],
    )
    # A scrutiny report of a week before the released quarter: the force may not see it.
    rollups.rollup_submission(o["released_report"].pk)
    week = o["released_quarter"] - timedelta(days=o["released_quarter"].weekday() + 7)
    document_content = documents.content(kind=ReportKind.WEEKLY, start=week)
    o["document"] = GeneratedReport.objects.create(
        kind=ReportKind.WEEKLY,
        period_start=week,
        status=GenerationStatus.READY,
        progress=100,
        step="Ready",
        content=document_content,
        # A week with no reports has no charts; give it one so the chart URL has something to serve.
        charts=documents.draw_charts(document_content) or {"areas": '<svg xmlns="http://www.w3.org/2000/svg"/>'},
        finished_at=timezone.now(),
    )
    o["document"].csv.save("report.csv", ContentFile(b"section,label\r\n"), save=False)
    o["document"].pdf.save("report.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)

    # The volunteer's visit, with a partner, that will have just started at `world.now`.
    o["visit"] = make_visit(
        coordinator=coordinator,
        day=next_weekday(weeks_ahead=3),
        contact_point=ContactPointFactory(name=OWN_PLACE),
        scenario=approved_scenario(questionnaire_version=build_version()),
    )
    o["assignment"] = services.assign(visit=o["visit"], volunteer=owner, by=coordinator)
    services.assign(visit=o["visit"], volunteer=ready_volunteer(last_name=PARTNER_SURNAME), by=coordinator)
    world.now = o["visit"].starts_at + timedelta(minutes=10)
    # A check-out alert on it, for the coordinator to resolve.
    o["safety_alert"] = SafetyAlert.objects.create(visit=o["visit"], raised_at=world.now)

    # The secret: a planned visit a week later, nobody booked yet.
    o["secret_visit"] = make_visit(
        coordinator=coordinator,
        day=next_weekday(weeks_ahead=4),
        contact_point=ContactPointFactory(name=SECRET_PLACE),
        scenario=o["visit"].scenario,
    )

    with time_machine.travel(world.now):
        o["submission"] = capture.start(assignment=o["assignment"], by=volunteer)
        version = o["submission"].version
        Answer.objects.create(submission=o["submission"], question=q(version, "Were you greeted?"), value=True)
        o["evidence"] = Evidence.objects.create(
            submission=o["submission"], content_type="image/png", caption=PHOTO_CAPTION
        )
        o["evidence"].file.save("photo.png", ContentFile(_png()), save=True)

    o["expense"] = ExpenseClaim.objects.create(volunteer=owner, purpose=EXPENSE_PURPOSE)
    ExpenseItem.objects.create(claim=o["expense"], kind=ExpenseItem.Kind.FARE, amount_pence=420)
    o["receipt"] = Receipt(claim=o["expense"], content_type="image/png", original_name="ticket.png", size=100)
    o["receipt"].file.save("ticket.png", ContentFile(_png()), save=True)

    # The OPCC's drafts: a questionnaire being built, a draft scenario, a plan, a suggestion.
    o["question"] = QuestionFactory(label="Was the desk easy to find?")
    o["section"] = o["question"].section
    o["version"] = o["section"].version
    o["scenario"] = ScenarioFactory(title="Draft: asking about a lost bicycle", author=coordinator)
    o["contact_point"] = o["visit"].contact_point
    o["commitment_area"] = CommitmentArea.objects.first()
    o["plan"] = QuarterPlan.objects.create(
        year=o["secret_visit"].starts_at.year, quarter=1, seed=1, targets={}, created_by=coordinator
    )
    ScenarioSuggestion.objects.create(
        channel="website", title=SUGGESTION_TITLE, description="Webchat is new.", suggested_by=force_liaison
    )

    # Calibration: an approved practice scenario with a key, and the owner's sent practice on it.
    from scenarios.models import KeyAnswer
    from visits import calibration

    o["practice_scenario"] = approved_scenario(
        title="Practice: asking about a lost purse", questionnaire_version=build_version(), practice=True
    )
    o["practice_scenario"].contact_points.add(o["contact_point"])
    practice_version = o["practice_scenario"].questionnaire_version
    KeyAnswer.objects.create(
        scenario=o["practice_scenario"],
        question=q(practice_version, "Were you greeted?"),
        value=True,
        updated_by=coordinator,
    )
    practice = calibration.start_practice(scenario=o["practice_scenario"], by=volunteer)
    o["practice_report"] = capture.start(assignment=practice, by=volunteer)
    Answer.objects.create(
        submission=o["practice_report"], question=q(practice_version, "Were you greeted?"), value=False
    )
    Answer.objects.create(
        submission=o["practice_report"], question=q(practice_version, "How long did you wait?"), value=60
    )
    capture.submit(submission=o["practice_report"], by=volunteer)

    # Password reset link for the applicant (the page itself is public).
    o["reset_uid"] = urlsafe_base64_encode(force_bytes(applicant.pk))
    o["reset_token"] = default_token_generator.make_token(applicant)
    return world


@contextmanager
def world_for_module(django_db_blocker, media_root):
    """Build the world once for a test module, inside a transaction rolled back at the end.

    Each test's own `db` transaction nests inside it as a savepoint, so tests see the world
    and leave it as they found it.
    """
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root), transaction.atomic():
        world = build_world()
        world.media_root = media_root
        yield world
        transaction.set_rollback(True)


def _pk(name):
    return lambda world: {"pk": getattr(world, name).pk}


# Every named URL that takes arguments: its kwargs, from the world.
URL_KWARGS = {
    "password_reset_confirm": lambda w: {"uidb64": w.reset_uid, "token": w.reset_token},
    # volunteers
    "volunteers:away-delete": _pk("away"),
    "volunteers:training-book": _pk("training_session"),
    "volunteers:training-cancel": _pk("training_session"),
    "volunteers:expense-detail": _pk("expense"),
    "volunteers:expense-decide": _pk("expense"),
    "volunteers:expense-correct": _pk("expense"),
    "volunteers:receipt-download": _pk("receipt"),
    "volunteers:volunteer-detail": _pk("owner"),
    "volunteers:volunteer-transition": _pk("owner"),
    "volunteers:volunteer-export": _pk("owner"),
    "volunteers:volunteer-erase": _pk("owner"),
    "volunteers:module-edit": _pk("module"),
    "volunteers:training-detail": _pk("training_session"),
    "volunteers:training-invite": _pk("training_session"),
    "volunteers:training-attendance": _pk("training_session"),
    # scenarios
    "scenarios:contact-point-detail": _pk("contact_point"),
    "scenarios:contact-point-edit": _pk("contact_point"),
    "scenarios:commitment-area-edit": _pk("commitment_area"),
    "scenarios:questionnaire-builder": _pk("version"),
    "scenarios:questionnaire-welsh": _pk("version"),
    "scenarios:questionnaire-preview": _pk("version"),
    "scenarios:questionnaire-export": _pk("version"),
    "scenarios:version-create": _pk("version"),
    "scenarios:section-add": _pk("version"),
    "scenarios:section-edit": _pk("section"),
    "scenarios:question-add": lambda w: {"section_pk": w.section.pk},
    "scenarios:question-edit": lambda w: {"section_pk": w.section.pk, "pk": w.question.pk},
    "scenarios:section-move-up": _pk("section"),
    "scenarios:section-move-down": _pk("section"),
    "scenarios:section-delete": _pk("section"),
    "scenarios:question-move-up": _pk("question"),
    "scenarios:question-move-down": _pk("question"),
    "scenarios:question-delete": _pk("question"),
    "scenarios:scenario-detail": _pk("scenario"),
    "scenarios:scenario-edit": _pk("scenario"),
    "scenarios:scenario-welsh": _pk("scenario"),
    "scenarios:answer-key": _pk("practice_scenario"),
    "scenarios:scenario-submit": _pk("scenario"),
    "scenarios:scenario-approve": _pk("scenario"),
    "scenarios:scenario-return": _pk("scenario"),
    "scenarios:scenario-retire": _pk("scenario"),
    "scenarios:scenario-revise": _pk("scenario"),
    "scenarios:scenario-comment": _pk("scenario"),
    # visits
    "visits:visit-detail": _pk("secret_visit"),
    "visits:visit-edit": _pk("secret_visit"),
    "visits:visit-assign": _pk("secret_visit"),
    "visits:visit-pilot": _pk("secret_visit"),
    "visits:practice-start": _pk("practice_scenario"),
    "visits:practice-result": _pk("practice_report"),
    "visits:visit-suggest": _pk("secret_visit"),
    "visits:visit-cancel": _pk("secret_visit"),
    "visits:visit-complete": _pk("visit"),
    "visits:plan-detail": _pk("plan"),
    "visits:plan-confirm": _pk("plan"),
    "visits:plan-fill": _pk("plan"),
    "visits:plan-discard": _pk("plan"),
    "visits:assignment-detail": _pk("assignment"),
    "visits:assignment-check-in": _pk("assignment"),
    "visits:assignment-check-out": _pk("assignment"),
    "visits:assignment-recognised": _pk("assignment"),
    "visits:safety-alert-resolve": _pk("visit"),
    "visits:standard-comment-edit": _pk("standard_comment"),
    "visits:standard-comment-delete": _pk("standard_comment"),
    "visits:volunteer-returns": _pk("owner"),
    "visits:assignment-accept": _pk("assignment"),
    "visits:assignment-decline": _pk("assignment"),
    "visits:assignment-expense": _pk("assignment"),
    "visits:assignment-calendar": _pk("assignment"),
    "visits:report-start": _pk("assignment"),
    "visits:report-section": lambda w: {"pk": w.assignment.pk, "number": 1},
    "visits:report-autosave": lambda w: {"pk": w.assignment.pk, "number": 1},
    "visits:report-check": _pk("assignment"),
    "visits:report-submit": _pk("assignment"),
    "visits:report-sent": _pk("assignment"),
    "visits:evidence-add": _pk("assignment"),
    "visits:evidence-file": _pk("evidence"),
    "visits:review-detail": _pk("released_report"),
    "visits:review-approve": _pk("released_report"),
    "visits:review-return": _pk("released_report"),
    "visits:answer-review": _pk("answer"),
    # reports
    "reports:contact-point-results": lambda w: {
        "pk": w.released_point.pk,
        "period": w.released_quarter.isoformat(),
    },
    "reports:appeal-create": lambda w: {"submission_pk": w.released_report.pk},
    "reports:appeal-detail": _pk("appeal"),
    "reports:appeal-decide": _pk("appeal"),
    "reports:appeal-withdraw": _pk("appeal"),
    "reports:evidence-pack-make": _pk("appeal"),
    "reports:evidence-pack-share": _pk("appeal"),
    "reports:evidence-pack-pdf": _pk("appeal"),
    "reports:finding-detail": _pk("finding"),
    "reports:finding-respond": _pk("finding"),
    "reports:finding-accept": _pk("finding"),
    "reports:finding-challenge": _pk("finding"),
    "reports:finding-close": _pk("finding"),
    "reports:finding-correct": _pk("finding"),
    "reports:finding-retest": _pk("finding"),
    "reports:finding-retest-result": _pk("finding"),
    "reports:document-detail": _pk("document"),
    "reports:document-status": _pk("document"),
    "reports:document-make-again": _pk("document"),
    "reports:document-pdf": _pk("document"),
    "reports:document-csv": _pk("document"),
    "reports:document-chart": lambda w: {"pk": w.document.pk, "name": sorted(w.document.charts)[0]},
}


# Left out of the walk, with the reason:
# - admin:*  Django's admin has its own permission system (staff status and model permissions,
#            for system administrators only), and is tested by Django itself.
# Static files are served by WhiteNoise outside the URL patterns; there are no debug patterns.
EXCLUDED_PREFIXES = ("admin:",)


def named_urls(resolver=None, prefix=""):
    """(name, route) of every named URL pattern of the project, included namespaces and all."""
    from django.urls import URLPattern, URLResolver, get_resolver

    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from ((name, str(pattern.pattern) + route) for name, route in named_urls(pattern, namespace))
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = prefix + pattern.name
            if not name.startswith(EXCLUDED_PREFIXES):
                yield name, str(pattern.pattern)
