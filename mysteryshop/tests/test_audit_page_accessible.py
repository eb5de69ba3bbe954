"""The audit log page in a real Chromium: no WCAG 2.2 A/AA problem found by axe-core, errors included."""

from django.urls import reverse

from conftest import accessibility_problems, axe_violations, browser_sign_in, wait_for
from mysteryshop.models import AuditAction, AuditEvent
from mysteryshop.tests.factories import UserFactory


def test_the_audit_log_is_accessible_with_results_pages_and_errors(browser, client_for, db):
    administrator = UserFactory(username="sysadmin", is_superuser=True, is_staff=True)
    AuditEvent.objects.bulk_create(
        [AuditEvent(action=AuditAction.SIGNED_IN, username=f"person{n}", ip="203.0.113.9") for n in range(60)]
    )
    browser_sign_in(browser, client_for(administrator))
    assert accessibility_problems(browser, [reverse("audit-log"), reverse("audit-log") + "?page=2"]) == {}
    browser.set_window_size(1280, 900)
    browser.get(browser.base_url + reverse("audit-log") + "?ip=not+an+address")
    assert "There is a problem" in wait_for(browser, "[data-error-summary]").text
    assert axe_violations(browser) == []
