"""Demo volunteers in every state, training modules and sessions, and expense claims."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import (
    Availability,
    Band,
    ExpenseClaim,
    ExpenseItem,
    PrivacyNotice,
    Status,
    StatusChange,
    TrainingBooking,
    TrainingModule,
    TrainingSession,
    Volunteer,
)

PRIVACY_TEXT = """The Office of the Police and Crime Commissioner (OPCC) is the data controller for the mystery shopper scheme.

What we hold: your name, contact details, postcode, date of birth, the declarations you make when you apply, your training record, your availability, your expense claims and the reports you write.

Why: to run the scheme safely and fairly, to pay your expenses, and to report anonymously on the service the force gives the public. The lawful basis is our public task of holding the force to account.

Who sees it: OPCC staff only. The force never sees who visited or when; results released to the force carry no volunteer's identity.

How long: while you volunteer, and for one year after you leave or after an application is not taken forward. Then your personal details are removed; the anonymous results you contributed stay.

Your rights: you can ask for a copy of everything we hold about you, ask us to correct it, or ask us to delete it. Contact the OPCC's Data Protection Officer."""

# username (or None), first, last, status, postcode, born
PEOPLE = [
    ("volunteer1", "Margaret", "Hughes", Status.ACTIVE, "ST16 3AB", date(1956, 4, 12)),
    ("volunteer2", "Derek", "Okafor", Status.ACTIVE, "ST17 4CD", date(1962, 9, 3)),
    ("demo-active-3", "Ayesha", "Malik", Status.ACTIVE, "ST1 5EF", date(1989, 1, 22)),
    ("demo-active-4", "Graham", "Turner", Status.ACTIVE, "WS11 1GH", date(1950, 7, 30)),
    ("demo-active-5", "Sophie", "Clarke", Status.ACTIVE, "DE14 2JK", date(1998, 11, 5)),
    ("demo-active-6", "Winston", "Campbell", Status.ACTIVE, "ST5 1LM", date(1958, 2, 14)),
    ("demo-active-7", "Helen", "Price", Status.ACTIVE, "B79 7NP", date(1971, 6, 9)),
    ("demo-active-8", "Rajesh", "Patel", Status.ACTIVE, "ST4 2QR", date(1966, 3, 27)),
    ("demo-paused-1", "Brian", "Wood", Status.PAUSED, "ST16 1ST", date(1949, 12, 1)),
    ("demo-training-1", "Chloe", "Evans", Status.TRAINING, "WS12 3UV", date(2001, 8, 19)),
    ("demo-training-2", "Ian", "Murray", Status.TRAINING, "ST15 8WX", date(1975, 5, 2)),
    (None, "Patricia", "Lloyd", Status.SCREENING, "ST18 0YZ", date(1968, 10, 10)),
    (None, "Kwame", "Mensah", Status.SCREENING, "ST2 9AB", date(1993, 4, 4)),
    (None, "Janet", "Fox", Status.APPLIED, "ST19 5CD", date(1959, 1, 31)),
    (None, "Tom", "Bailey", Status.APPLIED, "DE13 0EF", date(2004, 2, 29)),
    (None, "Lucy", "Ward", Status.APPLIED, "WS15 2GH", date(1985, 7, 7)),
    (None, "Gary", "Hill", Status.REJECTED, "ST6 3JK", date(1979, 9, 9)),
    ("demo-left-1", "Doreen", "Shaw", Status.LEFT, "ST3 4LM", date(1945, 3, 15)),
]
PATHS = {
    Status.APPLIED: [Status.APPLIED],
    Status.SCREENING: [Status.APPLIED, Status.SCREENING],
    Status.TRAINING: [Status.APPLIED, Status.SCREENING, Status.TRAINING],
    Status.ACTIVE: [Status.APPLIED, Status.SCREENING, Status.TRAINING, Status.ACTIVE],
    Status.PAUSED: [Status.APPLIED, Status.SCREENING, Status.TRAINING, Status.ACTIVE, Status.PAUSED],
    Status.LEFT: [Status.APPLIED, Status.SCREENING, Status.TRAINING, Status.ACTIVE, Status.LEFT],
    Status.REJECTED: [Status.APPLIED, Status.SCREENING, Status.REJECTED],
}


def seed() -> None:
    from django.contrib.auth.models import Group

    from mysteryshop.demo import DEMO_PASSWORD
    from mysteryshop.roles import Role

    if not PrivacyNotice.objects.exists():
        PrivacyNotice.objects.create(text=PRIVACY_TEXT)
    induction, _ = TrainingModule.objects.get_or_create(name="Induction", defaults={"required": True})
    safety, _ = TrainingModule.objects.get_or_create(
        name="Personal safety and safeguarding", defaults={"required": True, "refresh_months": 24}
    )
    TrainingModule.objects.get_or_create(name="Writing good reports", defaults={"required": False})
    now = timezone.now()
    past = {
        induction: _session(induction, now - timedelta(days=120)),
        safety: _session(safety, now - timedelta(days=110)),
    }
    _session(induction, now + timedelta(days=14))
    _session(safety, now + timedelta(days=21))
    coordinator = get_user_model().objects.get(username="coordinator")
    User = get_user_model()
    for number, (username, first, last, status, postcode, born) in enumerate(PEOPLE):
        email = f"{(username or first + '.' + last).lower()}@demo.opcc.example"
        volunteer, created = Volunteer.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first, "last_name": last, "status": status, "phone": f"+4479111234{number:02d}",
                "postcode": postcode, "date_of_birth": born, "heard_about": "website",
                "privacy_notice": PrivacyNotice.current(), "consented_at": now - timedelta(days=200),
                "applied_at": now - timedelta(days=200 - number), "usual_times": "Weekday mornings",
                # Optional answers, as people give them: some declared, some "prefer not to say", some blank.
                "gender": ["woman", "man", "", "woman", "man", "prefer_not", "non_binary"][number % 7],
                "disability": ["no", "yes", "", "no", "prefer_not"][number % 5],
                "ended_at": now - timedelta(days=30) if status in (Status.LEFT, Status.REJECTED) else None,
            },
        )  # fmt: skip
        if not created:
            continue
        previous = ""
        for step, to in enumerate(PATHS[status]):
            StatusChange.objects.create(
                volunteer=volunteer, from_status=previous, to_status=to, by=None if step == 0 else coordinator,
                at=now - timedelta(days=200 - 20 * step), reason="Applied online" if step == 0 else "",
            )  # fmt: skip
            previous = to
        if username and status != Status.LEFT:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username=username, email=email, first_name=first, last_name=last)
                user.set_password(DEMO_PASSWORD)
                user.save()
            role = Role.VOLUNTEER if status == Status.ACTIVE else Role.APPLICANT
            user.groups.set([Group.objects.get(name=role)])
            volunteer.user = user
            volunteer.save(update_fields=["user"])
        if status in (Status.ACTIVE, Status.PAUSED, Status.LEFT):
            for session in past.values():
                TrainingBooking.objects.create(
                    session=session, volunteer=volunteer, booked_at=session.starts_at, attended=True
                )
        if status == Status.ACTIVE:
            Availability.objects.bulk_create(
                [
                    Availability(volunteer=volunteer, weekday=day, band=band)
                    for day in range(5)
                    for band in (Band.MORNING, Band.AFTERNOON)
                ]
                + [Availability(volunteer=volunteer, weekday=5, band=Band.MORNING)]
            )
            claim = ExpenseClaim.objects.create(volunteer=volunteer, purpose="Induction training, Stafford")
            ExpenseItem.objects.create(
                claim=claim, kind=ExpenseItem.Kind.MILEAGE, miles=12 + number, amount_pence=(12 + number) * 45
            )
            if number % 3 == 0:
                claim.state, claim.decided_by, claim.decided_at = (
                    ExpenseClaim.State.APPROVED,
                    coordinator,
                    now - timedelta(days=90),
                )
                claim.save()


def _session(module, starts):
    session, _ = TrainingSession.objects.get_or_create(
        module=module,
        starts_at=starts.replace(hour=10, minute=0, second=0, microsecond=0),
        defaults={
            "ends_at": starts.replace(hour=13, minute=0, second=0, microsecond=0),
            "venue": "OPCC offices, Block 9, Weston Road, Stafford",
            "capacity": 12,
            "trainer": "Priya Shah",
        },
    )
    return session
