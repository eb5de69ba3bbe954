"""Evidence packs for appeals: what the OPCC may put before the force, with no volunteer's identity.

A pack holds the result as the force may see it (`appeals.result_of`: verdicts and the
reviewer's redacted quotes), the report's own times and corrections and the pair's
agreement on the visit (`visits.timings`). It is kept as plain data when made, so the
PDF shows what the OPCC checked, and the force sees it only once the OPCC shares it.
"""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from mysteryshop.roles import OPCC_ROLES, Role
from visits import timings as report_timings
from visits.models import Submission

from . import documents
from .appeals import result_of
from .documents import plain
from .models import Appeal, EvidencePack


def _require_opcc(user) -> None:
    if not user.has_role(*OPCC_ROLES):
        raise PermissionDenied("Only OPCC staff make and share evidence packs.")


def pack_content(appeal: Appeal, *, by) -> dict:
    """The pack's content. The result is taken as the force may see it, whoever makes the pack."""
    submission = Submission.objects.select_related("assignment__visit").get(pk=appeal.submission_id)
    result = result_of(submission, user=by)
    return plain(
        {
            "appeal": {"ground": appeal.get_ground_display(), "explanation": appeal.explanation},
            "result": asdict(result)
            | {
                "score": None if result.score is None else float(result.score),
                "lines": [asdict(line) | {"verdict_label": line.verdict_label} for line in result.lines],
            },
            "timings": report_timings.timings(submission),
            "agreement": report_timings.pair_agreement(submission),
        }
    )


@transaction.atomic
def make_evidence_pack(*, appeal: Appeal, by) -> EvidencePack:
    """Make (or make again, from the report as it is now) the appeal's evidence pack. Sharing is kept."""
    _require_opcc(by)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    pack, _created = EvidencePack.objects.update_or_create(
        appeal=appeal, defaults={"content": pack_content(appeal, by=by), "made_by": by, "made_at": timezone.now()}
    )
    return pack


@transaction.atomic
def share_evidence_pack(*, appeal: Appeal, by) -> EvidencePack:
    """Let force liaison see the appeal's evidence pack (on the appeal's page). Sharing twice changes nothing."""
    _require_opcc(by)
    pack = EvidencePack.objects.select_for_update().filter(appeal=appeal).first()
    if pack is None:
        raise ValidationError(gettext("Make the evidence pack first, and read it, before you share it."))
    if not pack.is_shared:
        pack.shared_by, pack.shared_at = by, timezone.now()
        pack.save(update_fields=["shared_by", "shared_at"])
    return pack


def visible_pack(appeal: Appeal, user) -> EvidencePack | None:
    """The appeal's pack if this user may see it: OPCC staff always, force liaison only once shared."""
    pack = EvidencePack.objects.filter(appeal=appeal).first()
    if pack is None:
        return None
    if user.has_role(*OPCC_ROLES) or (user.has_role(Role.FORCE_LIAISON) and pack.is_shared):
        return pack
    return None


def pack_pdf(pack: EvidencePack) -> bytes:
    """The pack as a PDF, drawn by the documents' WeasyPrint machinery."""
    html = render_to_string(
        "reports/documents/evidence_pack_pdf.html",
        {
            "pack": pack.content,
            "made_at": pack.made_at,
            "appeal_id": pack.appeal_id,
            "scheme_name": settings.MYSTERYSHOP_SCHEME_NAME,
            "force_name": settings.MYSTERYSHOP_FORCE_NAME,
        },
    )
    return documents.html_pdf(html)
