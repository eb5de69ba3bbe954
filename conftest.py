"""Fixtures shared by every app's tests: one user per role, and the real services.

Each role fixture returns a signed-in-able user; `client_for(user)` gives a
test client signed in as that user.
"""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from mysteryshop.roles import Role
from mysteryshop.tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parent
REQUIRE_SERVICES = os.environ.get("MYSTERYSHOP_REQUIRE_SERVICES") == "1"
# The longest any test waits for a condition (a page, a worker, an e-mail). Tests wait on the condition,
# never for a fixed time, so this only bounds how long a failure takes; it is generous because the
# suite must pass on a machine busy with other work.
PATIENCE = 120


# Tests that start something slow are marked by the fixtures they use, so `make test-fast` can leave them out.
SLOW_FIXTURES = {"_chromium": "browser", "browser_without_javascript": "browser", "live_server": "browser",
                 "celery_worker": "celery_worker"}  # fmt: skip


# Tests that start another Django process (manage.py, a backup, the embedded site) or load the whole demo:
# marked `slow` here, in one place, so `make test-fast` leaves them to `make test`. A module or one test.
SLOW_TESTS = (
    "mysteryshop/tests/test_backup.py",
    "mysteryshop/tests/test_seed_demo.py",
    "visits/tests/test_redis_down.py",
    "mysteryshop/tests/test_celery_worker.py::test_a_broker_that_is_down_never_breaks_the_saved_work",
    "mysteryshop/tests/test_mail.py::test_the_embedded_site_prints_email_on_the_console_at_commit",
    "mysteryshop/tests/test_metrics.py::test_a_short_token_stops_start_up",
    "mysteryshop/tests/test_settings.py::test_collectstatic_works_with_production_settings",
    "visits/tests/test_safety.py::test_checking_in_and_out_work_with_redis_down",
    "reports/tests/test_findings.py::test_the_demo_has_findings_at_each_step_citing_only_released_reports_and_can_run_twice",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture in SLOW_FIXTURES.keys() & set(getattr(item, "fixturenames", ())):
            item.add_marker(SLOW_FIXTURES[fixture])
        if item.nodeid.startswith(SLOW_TESTS):
            item.add_marker("slow")


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"mysteryshop: database={engine}, redis={'yes' if settings.REDIS_URL else 'no'}"


@pytest.fixture(scope="session", autouse=True)
def _services_are_real(django_db_setup):
    """With CI=true, a missing PostgreSQL or Redis fails the run instead of skipping."""
    if REQUIRE_SERVICES:
        assert connection.vendor == "postgresql", "CI requires PostgreSQL (set DATABASE_URL)."
        assert settings.REDIS_URL, "CI requires Redis (set REDIS_URL)."


@pytest.fixture(scope="session", autouse=True)
def _audit_table_can_be_emptied_between_tests():
    """Let emptying the test database between transactional tests pass the audit table's TRUNCATE trigger.

    The application can never empty the audit table; the test runner does it the way a
    database administrator would, with that trigger off for the one statement (and back on
    in the same transaction). Only the test database's flush is changed.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        table = "mysteryshop_auditevent"
        if any(table in sql for sql in sql_list):
            sql_list = [
                f"ALTER TABLE {table} DISABLE TRIGGER audit_event_no_truncate",
                *sql_list,
                f"ALTER TABLE {table} ENABLE TRIGGER audit_event_no_truncate",
            ]
        return original(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture(scope="session", autouse=True)
def _private_test_queue():
    """Give this test run its own Celery queue so no stale or foreign task reaches its worker."""
    from mysteryshop.celery import app

    queue = f"test-{uuid.uuid4().hex[:12]}"
    app.conf.task_default_queue = queue
    return queue


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("Redis is required here (REDIS_URL).")
        pytest.skip("Redis is not reachable; run with REDIS_URL set.")
    return settings.REDIS_URL


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(redis_url, _private_test_queue, django_db_serialized_rollback, transactional_db, tmp_path):
    """A real Celery worker process on Redis and the test PostgreSQL database.

    Tests using it must commit their data (the worker is another process), so
    this fixture implies a transactional database. The worker sends e-mail from the
    outbox into files in `worker.email_dir` (read them with `emails_in`).
    """
    if connection.vendor != "postgresql":
        pytest.skip("The real worker needs PostgreSQL: another process cannot see an in-memory test database.")
    email_dir = tmp_path / "worker-email"
    email_dir.mkdir()
    env = {
        **os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": redis_url, "DJANGO_DEBUG": "1",
        # django-environ takes the path after "filemail://" without its first slash: hence four.
        "EMAIL_URL": f"filemail:///{email_dir}",
    }  # fmt: skip
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "mysteryshop", "worker",
            "--pool", "solo", "--queues", _private_test_queue, "--hostname", f"{_private_test_queue}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
        ],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    worker.email_dir = email_dir
    try:
        _wait_for_worker(worker)
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def _wait_for_worker(worker: subprocess.Popen, timeout: float = PATIENCE) -> None:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = worker.stdout.readline()
        if not line and worker.poll() is not None:
            break
        seen.append(line)
        if " ready." in line:
            return
    worker.kill()
    raise RuntimeError("Celery worker did not start:\n" + "".join(seen[-40:]))


def emails_in(directory: Path) -> list[email.message.Message]:
    """The e-mails that Django's file backend has finished writing into `directory`, oldest first."""
    separator = b"\n" + b"-" * 79 + b"\n"
    messages = []
    for path in sorted(directory.iterdir(), key=lambda path: path.stat().st_mtime_ns):
        # Each message ends with the separator: a last piece without one is still being written.
        for raw in path.read_bytes().split(separator)[:-1]:
            messages.append(email.message_from_bytes(raw, policy=email.policy.default))
    return messages


def wait_until(predicate, timeout: float = PATIENCE, interval: float = 0.1):
    """Poll `predicate` until it returns something true, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout} seconds.")


def delivered_email():
    """Send every e-mail waiting in the outbox, as the Celery task would, and return Django's test
    outbox (`django.core.mail.outbox`: the messages sent so far, oldest first).

    Services write e-mail to the outbox (`mysteryshop.mail.send_email`); a worker sends it. Tests
    without a worker call this where they would read `mail.outbox` (helpers too; tests may take
    the `sent_email` fixture, which is this function).
    """
    from django.core import mail as django_mail

    from mysteryshop import mail
    from mysteryshop.models import OutgoingEmail, OutgoingEmailStatus

    waiting = OutgoingEmail.objects.filter(status=OutgoingEmailStatus.PENDING).order_by("pk")
    mail.send_outgoing(list(waiting.values_list("pk", flat=True)))
    return django_mail.outbox


@pytest.fixture
def sent_email(db):
    """`sent_email()` sends every e-mail waiting in the outbox and returns `mail.outbox` (see `delivered_email`)."""
    return delivered_email


# --- One user per role --------------------------------------------------------


@pytest.fixture
def applicant(db):
    """Someone accepted into training: they have an account, not yet the volunteer role."""
    from volunteers.tests.factories import volunteer_for

    user = UserFactory(username="applicant", roles=[Role.APPLICANT])
    volunteer_for(user, status="training")
    return user


@pytest.fixture
def volunteer(db):
    from volunteers.tests.factories import volunteer_for

    user = UserFactory(username="volunteer", roles=[Role.VOLUNTEER])
    volunteer_for(user)
    return user


@pytest.fixture
def other_volunteer(db):
    from volunteers.tests.factories import volunteer_for

    user = UserFactory(username="other-volunteer", roles=[Role.VOLUNTEER])
    volunteer_for(user)
    return user


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coordinator", roles=[Role.COORDINATOR])


@pytest.fixture
def commissioner(db):
    return UserFactory(username="commissioner", roles=[Role.COMMISSIONER])


@pytest.fixture
def force_liaison(db):
    return UserFactory(username="liaison", roles=[Role.FORCE_LIAISON])


def sign_in_as(client, user):
    """Sign `client` in as `user`, past the code step for staff, and return it.

    Staff (and system administrators) need two-factor sign-in: they get a confirmed
    authenticator app and a session that has confirmed a code from it, as the code
    step leaves it (django-otp keeps the device's id in the session).
    """
    client.force_login(user)
    if user.needs_two_factor:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from mysteryshop.signin import LAST_ACTIVITY_SESSION_KEY

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())
        session.save()
    return client


@pytest.fixture
def client_for(client):
    """`client_for(user)` signs the test client in as `user` (past the code step for staff) and returns it."""

    def sign_in(user):
        return sign_in_as(client, user)

    return sign_in


# --- Real browser ---------------------------------------------------------------

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Bootstrap scrolls smoothly unless reduced motion is asked for; clicks then land mid-scroll.
    "--force-prefers-reduced-motion",
)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def _chromium(tmp_path_factory):
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        if REQUIRE_SERVICES:
            pytest.fail("Browser tests need Debian's chromium and chromium-driver.")
        pytest.skip("chromium and chromium-driver are not installed.")
    options = Options()
    options.binary_location = chromium
    for argument in (*CHROMIUM_ARGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_script_timeout(PATIENCE)  # axe-core runs as an asynchronous script
    yield driver
    driver.quit()


@pytest.fixture
def browser(_chromium, django_db_serialized_rollback, live_server):
    """Headless Chromium pointed at the live test server, with a desktop-sized window."""
    _chromium.delete_all_cookies()
    _chromium.set_window_size(1280, 900)
    _chromium.base_url = live_server.url
    yield _chromium
    _chromium.delete_all_cookies()


@pytest.fixture
def browser_without_javascript(live_server, tmp_path):
    """A second Chromium, with JavaScript switched off as some people have it."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium")
    for argument in (*CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'no-js'}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_script_timeout(PATIENCE)
    driver.page_javascript = False
    driver.base_url = live_server.url
    yield driver
    driver.quit()


def browser_sign_in(browser, client) -> None:
    """Give the browser the session of a signed-in test client (see `client_for`: staff are past the code step)."""
    browser.get(browser.base_url + "/healthz")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    browser.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "path": "/"})


def axe_violations(browser) -> list[dict]:
    """Run axe-core on the current page; return WCAG 2.2 A/AA violations, described."""
    source = (BASE_DIR / "static" / "vendor" / "axe" / "axe.min.js").read_text()
    browser.execute_script(source)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
        AXE_TAGS,
    )
    return result


# The words in the page's table cells that are split across two lines (a column squeezed to a letter
# a line). Hyphens, dashes and slashes are places a word may wrap, so each piece between them counts.
SPLIT_WORDS_SCRIPT = r"""
const split = [];
for (const cell of document.querySelectorAll("main th, main td")) {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/[^\s\-\u2010-\u2015\/]+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
      if (lines.size > 1) split.push(match[0]);
    }
  }
}
return split.slice(0, 5);
"""


def layout_problems(browser) -> list[str]:
    """Content wider than the viewport means sideways scrolling (WCAG 1.4.10 reflow); a table whose
    words are split mid-word cannot be read (a column squeezed to a letter a line)."""
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    problems = [f"page is {overflow}px wider than the window"] if overflow > 1 else []
    split = browser.execute_script(SPLIT_WORDS_SCRIPT)
    return problems + ([f"words split mid-word in a table: {', '.join(split)}"] if split else [])


def page_gone(element) -> bool:
    """True once `element`'s page has been replaced. Chromium answers a question about an element of a
    page it is leaving in several ways (stale element, "node does not belong to the document", ...):
    any error means the old page has gone, so no wait for the next page can fail on that race."""
    try:
        element.is_enabled()
    except Exception:  # noqa: BLE001 - any failure means the old page has gone
        return True
    return False


def wait_for_next_page(browser, old_element, timeout: float = PATIENCE) -> None:
    """Wait until the page holding `old_element` has been replaced by the next one."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, timeout, poll_frequency=0.05).until(lambda _: page_gone(old_element))


def wait_for(browser, css: str, timeout: float = PATIENCE):
    """The first element matching `css`, once the page shows it."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(lambda b: b.find_element("css selector", css))


def accessibility_problems(browser, paths) -> dict[str, list]:
    """For each page: axe-core's WCAG 2.2 A/AA violations at desktop width, and reflow problems at 320 px."""
    found = {}
    for path in paths:
        browser.set_window_size(1280, 900)
        browser.get(browser.base_url + path)
        issues = axe_violations(browser)
        browser.set_window_size(320, 800)
        issues += layout_problems(browser)
        if issues:
            found[path] = issues
    return found
