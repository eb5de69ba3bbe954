"""The volunteer list as a spreadsheet: as searched, every person, for coordinators only, recorded."""

import csv
import io

from django.urls import reverse
from django.utils import timezone

from mysteryshop.models import AuditAction, AuditEvent
from volunteers.models import Status
from volunteers.tests.factories import VolunteerFactory

EXPORT = reverse("volunteers:volunteer-list-export")


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_list_downloads_as_searched_with_contact_details(client_for, coordinator):
    VolunteerFactory(first_name="Olwen", last_name="Price", status=Status.ACTIVE, needs="Step-free access")
    VolunteerFactory(first_name="Bryn", last_name="Hughes", status=Status.APPLIED)
    VolunteerFactory(first_name="Gone", last_name="Away", status=Status.LEFT, anonymised_at=timezone.now())
    client = client_for(coordinator)
    rows = rows_of(client.get(EXPORT))
    assert rows[0] == ["First name", "Last name", "Status", "Email", "Phone", "Postcode", "Applied",
                       "Accessibility or other needs"]  # fmt: skip
    names = [row[:3] for row in rows[1:]]
    assert ["Olwen", "Price", "Active"] in names and ["Bryn", "Hughes", "Applied"] in names
    assert not any(row[0] == "Gone" for row in rows), "an erased person's record is not exported"
    olwen = next(row for row in rows if row[0] == "Olwen")
    assert olwen[4] == "07911 123456" and olwen[7] == "Step-free access"
    assert [row[0] for row in rows_of(client.get(EXPORT, {"status": Status.APPLIED}))[1:]] == ["Bryn"]
    assert [row[0] for row in rows_of(client.get(EXPORT, {"q": "price"}))[1:]] == ["Olwen"]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORTED, description="volunteer list CSV").count() == 3


def test_only_coordinators_download_people_s_contact_details(client_for, commissioner, force_liaison, volunteer):
    VolunteerFactory(first_name="Olwen")
    for user in (commissioner, force_liaison, volunteer):
        response = client_for(user).get(EXPORT)
        assert response.status_code == 403 and b"Olwen" not in response.content
