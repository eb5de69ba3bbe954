"""The authorisation matrix: for every named URL, what each role gets.

One row per URL name. `mysteryshop/tests/test_access_matrix.py` walks every named URL
of the project for every role with real objects (`mysteryshop/tests/world.py`) and
checks the answer against this table; a URL without a row fails that test by name.
The views decide (with `role_required` and `visible_to(user)` querysets); this table
is the specification they are held to.

Roles, as the columns: anonymous, applicant, volunteer (who owns the world's
assignment, report, photo, expense claim and day away), other_volunteer (an active
volunteer who owns none of them), coordinator, commissioner, force_liaison.

Outcomes:
- OK: the view ran for them (a page, a file, or a redirect onwards, such as after a
  form is posted or to their own home page).
- LOGIN: sent to sign in.
- FORBIDDEN: 403, the role may not use the page at all.
- INVALID: 400, the view ran for them and refused the empty form with a message (a POST
  that must confirm something, such as the lawfulness checklist).
- NOT_FOUND: 404, the role may use the page but not for this object (it is not theirs,
  or not in a state they may see); the page does not say whether it exists.

Adding a URL: one line, e.g.
    "audit:event-list": row(coordinator=OK, commissioner=OK),
`row()` starts from anonymous → LOGIN and every signed-in role → FORBIDDEN, so only
the roles let in need naming. `method="POST"` marks a view that only takes POST
(the matrix then posts an empty form to it, and checks that GET is refused).
"""

from __future__ import annotations

from dataclasses import dataclass

OK = "ok"
LOGIN = "sign-in"
FORBIDDEN = "403"
NOT_FOUND = "404"
# 400: the view ran for them and refused the empty form the matrix posts, with its message.
INVALID = "400"

ROLES = ("anonymous", "applicant", "volunteer", "other_volunteer", "coordinator", "commissioner", "force_liaison")


@dataclass(frozen=True)
class Access:
    outcomes: dict[str, str]
    method: str = "GET"


def row(*, method: str = "GET", default: str = FORBIDDEN, anonymous: str = LOGIN, **roles: str) -> Access:
    """A row of the matrix: roles not named get `default` (anonymous visitors: `anonymous`)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles in the access matrix: {sorted(unknown)}")
    outcomes = dict.fromkeys(ROLES, default) | {"anonymous": anonymous} | roles
    return Access(outcomes=outcomes, method=method)


def public(*, method: str = "GET") -> Access:
    """Everyone, signed in or not."""
    return row(method=method, default=OK, anonymous=OK)


def signed_in(*, method: str = "GET") -> Access:
    """Anyone signed in."""
    return row(method=method, default=OK)


OPCC = {"coordinator": OK, "commissioner": OK}
STAFF = OPCC | {"force_liaison": OK}
# The volunteer's own object: the owner may, another volunteer gets a 404.
OWN = {"volunteer": OK, "other_volunteer": NOT_FOUND}


ACCESS: dict[str, Access] = {
    # --- Site and sign-in (mysteryshop/urls.py, django.contrib.auth.urls) ---------------------------
    "home": public(),  # the welcome page, or a redirect to the person's own landing page
    "healthz": public(),
    # Prometheus metrics: only with the monitoring token (mysteryshop.metrics), never to a person's session.
    "metrics": row(anonymous=FORBIDDEN),
    "audit-log": row(),  # system administrators (superusers) only; every role is refused
    "login": public(),
    # Signing out ends at the sign-in page. Walked for anonymous visitors only: it would end the session.
    "logout": row(method="POST", default=OK, anonymous=LOGIN),
    "password_reset": public(),
    "password_reset_done": public(),
    "password_reset_confirm": public(),
    "password_reset_complete": public(),
    "password_change": signed_in(),
    "password_change_done": signed_in(),
    # Not asked of volunteers and applicants, but harmless: it only sends them on.
    "two-factor-verify": signed_in(),
    "two-factor-recovery": signed_in(),
    "two-factor-setup": row(**STAFF),
    "signin-security": row(**STAFF),
    "recovery-codes-new": row(method="POST", **STAFF),
    "still-here": signed_in(method="POST"),
    "language": signed_in(),
    # --- Volunteers ------------------------------------------------------------------------------
    "volunteers:application-create": public(),
    "volunteers:application-received": public(),
    "volunteers:privacy-notice": public(),
    "volunteers:privacy-notice-edit": row(coordinator=OK),
    "volunteers:volunteer-home": row(volunteer=OK, other_volunteer=OK),
    "volunteers:applicant-home": row(applicant=OK),
    "volunteers:profile": row(applicant=OK, volunteer=OK, other_volunteer=OK),
    "volunteers:availability": row(volunteer=OK, other_volunteer=OK),
    "volunteers:away-add": row(method="POST", volunteer=INVALID, other_volunteer=INVALID),  # no dates: refused in words
    "volunteers:away-delete": row(method="POST", **OWN),
    "volunteers:my-training": row(applicant=OK, volunteer=OK, other_volunteer=OK),
    "volunteers:training-book": row(method="POST", applicant=OK, volunteer=OK, other_volunteer=OK),
    # Someone not booked on the session is told so on their training page: nothing to give away.
    "volunteers:training-cancel": row(method="POST", applicant=OK, volunteer=OK, other_volunteer=OK),
    "volunteers:my-expenses": row(volunteer=OK, other_volunteer=OK),
    "volunteers:expense-create": row(volunteer=OK, other_volunteer=OK),
    "volunteers:expense-list": row(**OPCC),
    "volunteers:expense-export": row(coordinator=OK),
    "volunteers:expense-detail": row(**OWN, **OPCC),
    "volunteers:expense-decide": row(method="POST", coordinator=OK),
    "volunteers:expense-approve-many": row(method="POST", coordinator=OK),  # nothing ticked: refused in words
    # The owner's claim: corrected if it was not approved, otherwise they are sent back to it with a message.
    "volunteers:expense-correct": row(**OWN),
    "volunteers:receipt-download": row(**OWN, **OPCC),
    "volunteers:volunteer-list": row(**OPCC),
    "volunteers:volunteer-list-export": row(coordinator=OK),
    "volunteers:volunteer-detail": row(**OPCC),
    "volunteers:volunteer-transition": row(method="POST", **OPCC),
    "volunteers:volunteer-export": row(coordinator=OK),
    "volunteers:volunteer-erase": row(coordinator=OK),  # GET: the confirmation page
    "volunteers:training-list": row(**OPCC),
    "volunteers:training-create": row(coordinator=OK),
    "volunteers:module-create": row(coordinator=OK),
    "volunteers:module-edit": row(coordinator=OK),
    "volunteers:training-detail": row(**OPCC),
    "volunteers:training-invite": row(method="POST", coordinator=OK),
    "volunteers:training-attendance": row(method="POST", coordinator=OK),
    # --- Scenarios: contact points, questionnaires and the builder are the OPCC's alone -----------
    "scenarios:contact-point-list": row(**OPCC),
    "scenarios:contact-point-create": row(coordinator=OK),
    "scenarios:contact-point-detail": row(**OPCC),
    "scenarios:contact-point-edit": row(coordinator=OK),
    "scenarios:commitment-area-list": row(**OPCC),
    "scenarios:commitment-area-edit": row(coordinator=OK),
    "scenarios:commitment-area-welsh": row(coordinator=OK),
    "scenarios:questionnaire-list": row(**OPCC),
    "scenarios:questionnaire-create": row(coordinator=OK),
    "scenarios:questionnaire-import": row(coordinator=OK),
    "scenarios:questionnaire-builder": row(**OPCC),
    "scenarios:questionnaire-welsh": row(coordinator=OK),
    "scenarios:questionnaire-preview": row(**OPCC),
    "scenarios:questionnaire-export": row(**OPCC),
    "scenarios:version-create": row(method="POST", coordinator=OK),
    "scenarios:section-add": row(method="POST", coordinator=OK),
    "scenarios:section-edit": row(coordinator=OK),
    "scenarios:question-add": row(coordinator=OK),
    "scenarios:question-edit": row(coordinator=OK),
    "scenarios:section-move-up": row(method="POST", coordinator=OK),
    "scenarios:section-move-down": row(method="POST", coordinator=OK),
    "scenarios:section-delete": row(method="POST", coordinator=OK),
    "scenarios:question-move-up": row(method="POST", coordinator=OK),
    "scenarios:question-move-down": row(method="POST", coordinator=OK),
    "scenarios:question-delete": row(method="POST", coordinator=OK),
    # Force liaison see only scenarios shared with them for comment; the world's draft is not.
    "scenarios:scenario-list": row(**STAFF),
    "scenarios:scenario-create": row(**OPCC),
    "scenarios:scenario-detail": row(**OPCC, force_liaison=NOT_FOUND),
    "scenarios:scenario-edit": row(**OPCC),
    "scenarios:scenario-welsh": row(**OPCC),
    "scenarios:answer-key": row(coordinator=OK),  # the world's practice scenario
    # An empty post lacks the lawfulness checklist: refused with a message, nothing changes.
    "scenarios:scenario-submit": row(method="POST", coordinator=INVALID, commissioner=INVALID),
    "scenarios:scenario-approve": row(method="POST", commissioner=OK),
    "scenarios:scenario-return": row(method="POST", commissioner=OK),
    "scenarios:scenario-retire": row(method="POST", **OPCC),
    "scenarios:scenario-revise": row(method="POST", **OPCC),
    "scenarios:scenario-comment": row(method="POST", **OPCC, force_liaison=NOT_FOUND),
    "scenarios:suggestion-list": row(**STAFF),
    "scenarios:suggestion-create": row(**STAFF),
    # --- Visits: the schedule is the OPCC's; a volunteer sees only their own bookings -------------
    "visits:visit-list": row(**OPCC),
    "visits:visit-export": row(**OPCC),
    "visits:visit-create": row(coordinator=OK),
    "visits:visit-detail": row(**OPCC),
    "visits:visit-edit": row(coordinator=OK),
    "visits:visit-assign": row(method="POST", coordinator=OK),
    "visits:visit-suggest": row(method="POST", coordinator=OK),
    "visits:visit-cancel": row(method="POST", coordinator=INVALID),  # no reason given: refused with a message
    "visits:visit-complete": row(method="POST", coordinator=OK),
    "visits:visit-pilot": row(method="POST", coordinator=OK),  # an empty form keeps the usual questionnaire
    "visits:plan-list": row(**OPCC),
    "visits:plan-create": row(coordinator=OK),
    "visits:plan-detail": row(**OPCC),
    "visits:plan-confirm": row(method="POST", coordinator=OK),
    "visits:plan-fill": row(method="POST", coordinator=OK),
    "visits:plan-discard": row(coordinator=OK),  # GET asks to confirm; POST discards
    "visits:coverage": row(**OPCC),
    "visits:conflict-list": row(**OPCC),  # the commissioner reads it; only coordinators record conflicts
    "visits:my-visits": row(volunteer=OK, other_volunteer=OK),
    # Calibration: any volunteer practises; only the volunteer and OPCC staff see their practice.
    "visits:practice-list": row(volunteer=OK, other_volunteer=OK),
    "visits:practice-start": row(method="POST", volunteer=OK, other_volunteer=OK),
    "visits:practice-result": row(**OWN, **OPCC),
    "visits:practice-overview": row(**OPCC),
    "visits:assignment-detail": row(**OWN),
    "visits:assignment-check-in": row(method="POST", **OWN),
    "visits:assignment-check-out": row(method="POST", **OWN),
    "visits:assignment-recognised": row(method="POST", **OWN),
    "visits:safety-alert-resolve": row(method="POST", coordinator=OK),
    "visits:coverage-mix": row(**OPCC),
    "visits:standard-comment-list": row(coordinator=OK),
    "visits:standard-comment-create": row(coordinator=OK),
    "visits:standard-comment-edit": row(coordinator=OK),
    "visits:standard-comment-delete": row(method="POST", coordinator=OK),
    "visits:volunteer-returns": row(**OPCC),
    "visits:assignment-accept": row(method="POST", **OWN),
    "visits:assignment-decline": row(method="POST", **OWN),
    "visits:assignment-expense": row(**OWN),
    "visits:assignment-calendar": row(**OWN),
    "visits:report-start": row(method="POST", **OWN),
    "visits:report-section": row(**OWN),
    "visits:report-autosave": row(method="POST", **OWN),
    "visits:report-check": row(**OWN),
    "visits:report-submit": row(method="POST", **OWN),
    "visits:report-sent": row(**OWN),
    "visits:evidence-add": row(method="POST", **OWN),
    "visits:evidence-file": row(**OWN, **OPCC),
    "visits:review-queue": row(**OPCC),
    "visits:review-detail": row(**OPCC),
    "visits:review-approve": row(method="POST", coordinator=OK),
    "visits:review-approve-many": row(method="POST", coordinator=OK),  # nothing ticked: refused in words
    "visits:review-return": row(method="POST", coordinator=OK),
    "visits:answer-review": row(method="POST", coordinator=OK),
    # --- Reports: results, release, findings, scrutiny and panel reports ---------------------------
    "reports:coordinator-home": row(coordinator=OK),
    "reports:commissioner-home": row(commissioner=OK),
    "reports:liaison-home": row(force_liaison=OK),
    "reports:results": row(**OPCC),
    "reports:release-create": row(method="POST", commissioner=OK),
    "reports:contact-point-results": row(**STAFF),  # the world's quarter is released
    "reports:finding-list": row(**STAFF),
    "reports:finding-create": row(**OPCC),
    "reports:appeal-list": row(**STAFF),
    "reports:appeal-create": row(force_liaison=OK),  # a released report's appeal form
    "reports:appeal-detail": row(**STAFF),
    "reports:appeal-decide": row(method="POST", coordinator=INVALID, commissioner=INVALID),  # no decision chosen
    "reports:appeal-withdraw": row(method="POST", force_liaison=OK),
    "reports:evidence-pack-make": row(method="POST", **OPCC),
    "reports:evidence-pack-share": row(method="POST", **OPCC),
    # The world's pack is not shared: force liaison find none (timings are never theirs otherwise).
    "reports:evidence-pack-pdf": row(force_liaison=NOT_FOUND, **OPCC),
    "reports:force-figures": row(coordinator=OK),
    "reports:questionnaire-health": row(**OPCC),
    "reports:finding-detail": row(**STAFF),
    "reports:finding-respond": row(method="POST", force_liaison=OK),
    "reports:finding-accept": row(method="POST", **OPCC),
    "reports:finding-challenge": row(method="POST", **OPCC),
    "reports:finding-close": row(method="POST", **OPCC),
    "reports:finding-correct": row(method="POST", **OPCC),  # the empty form comes back on the finding's page
    # Re-tests are the coordinators' (they plan visits); the world's finding is open, so the empty form comes back.
    "reports:finding-retest": row(method="POST", coordinator=INVALID),
    "reports:finding-retest-result": row(method="POST", coordinator=NOT_FOUND),  # no re-test planned on it
    "reports:you-said-we-did": public(),
    # Force liaison read reports of released periods only; the world's is of a week before the release.
    "reports:document-list": row(**STAFF),
    "reports:document-request": row(method="POST", **OPCC),
    "reports:document-detail": row(**OPCC, force_liaison=NOT_FOUND),
    "reports:document-status": row(**OPCC, force_liaison=NOT_FOUND),
    "reports:document-make-again": row(method="POST", **OPCC),
    "reports:document-pdf": row(**OPCC, force_liaison=NOT_FOUND),
    "reports:document-csv": row(**OPCC, force_liaison=NOT_FOUND),
    "reports:document-chart": row(**OPCC, force_liaison=NOT_FOUND),
}
