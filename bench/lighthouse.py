"""Lighthouse (mobile, performance) on the home page, the application form, a questionnaire page and
the commissioner's dashboard of a running demo site, signed in as the demo user each page is for.

    set -a; . ./.testenv; set +a
    .venv/bin/python bench/lighthouse.py http://127.0.0.1:8104 [--runs 3]

The site must hold the demo data (`manage.py seed_demo`) in the database this process is configured
for: a visit that started an hour ago is booked for volunteer1 (once; kept for later runs) so a
questionnaire page is open. Best run against gunicorn with DJANGO_DEBUG=0 (bench/RESULTS.md says how);
runserver serves static files slowly and uncompressed. Prints one Markdown table row per page (median
of the runs). Needs Lighthouse (`npm install --prefix /work/tools lighthouse`) and Debian's Chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysteryshop.settings")

LIGHTHOUSE = os.environ.get("LIGHTHOUSE", "/work/tools/node_modules/.bin/lighthouse")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"


def questionnaire_page() -> str:
    """The first page of a report volunteer1 may fill in now: a front desk visit that started an hour ago."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import timezone

    from scenarios.models import ContactPoint, Scenario
    from visits import capture
    from visits.models import Assignment, Submission, Visit, VisitStatus

    user = get_user_model().objects.get(username="volunteer1")
    now = timezone.now()
    assignment = (
        Assignment.objects.filter(
            volunteer__user=user,
            visit__starts_at__lte=now,
            visit__starts_at__gte=now - timedelta(hours=6),
            visit__status=VisitStatus.CONFIRMED,
        )
        .select_related("visit")
        .first()
    )
    if assignment is None:
        coordinator = get_user_model().objects.get(username="coordinator")
        starts = now - timedelta(hours=1)
        visit = Visit.objects.create(
            scenario=Scenario.objects.approved().filter(channel="front_desk").first(),
            contact_point=ContactPoint.objects.filter(channel="front_desk").first(),
            starts_at=starts, ends_at=starts + timedelta(minutes=30), status=VisitStatus.CONFIRMED,
            created_by=coordinator,
        )  # fmt: skip
        blocked_from, blocked_until = Assignment.block_for(visit)
        assignment = Assignment.objects.create(
            visit=visit, volunteer=user.volunteer, blocked_from=blocked_from, blocked_until=blocked_until,
            assigned_by=coordinator, accepted_at=starts - timedelta(days=7),
        )  # fmt: skip
    if not Submission.objects.filter(assignment=assignment).exists():
        capture.start(assignment=assignment, by=user)
    return reverse("visits:report-section", args=[assignment.pk, 1])


def lighthouse(url: str, cookie: str | None) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "report.json"
        command = [
            LIGHTHOUSE, url, "--only-categories=performance", "--form-factor=mobile", "--output=json",
            f"--output-path={report}", "--quiet", f"--chrome-flags={CHROME_FLAGS}",
        ]  # fmt: skip
        if cookie:
            command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        subprocess.run(command, check=True, env=env, capture_output=True)  # noqa: S603 (our own arguments)
        found = json.loads(report.read_text())
    audits = found["audits"]
    if found["finalDisplayedUrl"].rstrip("/") != url.rstrip("/"):
        raise SystemExit(f"{url} ended at {found['finalDisplayedUrl']}: not signed in?")
    return {
        "score": round(100 * found["categories"]["performance"]["score"]),
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "kb": audits["total-byte-weight"]["numericValue"] / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the running site, such as http://127.0.0.1:8104")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="only the pages whose name contains this, such as dashboard")
    arguments = parser.parse_args()
    base = arguments.base.rstrip("/")

    from bench.signin import session_cookie

    pages = [
        ("Home page", "/", None),
        ("Application form", "/volunteers/apply/", None),
        ("Questionnaire page (volunteer1)", None, "volunteer1"),
        ("Commissioner's dashboard", "/reports/commissioner/", "commissioner"),
    ]
    print(
        "| page | performance | first contentful paint | largest contentful paint | total blocking time | layout shift | bytes |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, path, username in pages:
        if arguments.only.lower() not in name.lower():
            continue
        path = path or questionnaire_page()
        cookie = session_cookie(base, username) if username else None
        runs = [lighthouse(base + path, cookie) for _ in range(arguments.runs)]
        median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        print(
            f"| {name} | {median['score']:.0f} ({', '.join(str(run['score']) for run in runs)}) "
            f"| {median['fcp'] / 1000:.1f} s | {median['lcp'] / 1000:.1f} s | {median['tbt']:.0f} ms "
            f"| {median['cls']:.3f} | {median['kb']:.0f} KiB |",
            flush=True,
        )


if __name__ == "__main__":
    main()
