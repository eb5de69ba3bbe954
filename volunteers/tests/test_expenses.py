"""Expense claims: mileage at the scheme rate, checked private receipts, decisions and the finance export."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import delivered_email
from volunteers import services
from volunteers.models import ExpenseClaim, ExpenseItem, Receipt, Volunteer

URL = reverse("volunteers:expense-create")


def jpeg_with_location() -> bytes:
    image = Image.new("RGB", (40, 40), "white")
    exif = Image.Exif()
    exif[0x8825] = {2: (52.0, 48.0, 0.0)}  # GPS latitude
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_mileage_claim_is_priced_at_the_scheme_rate(client_for, volunteer, settings):
    settings.MYSTERYSHOP_MILEAGE_PENCE = 45
    response = client_for(volunteer).post(URL, {"purpose": "Induction training", "miles": "10.5"})
    assert response.status_code == 302
    claim = ExpenseClaim.objects.get()
    assert claim.total_pence == 473  # 10.5 × 45p, rounded
    assert claim.volunteer.user == volunteer


def test_receipts_are_stored_without_location_metadata(client_for, volunteer):
    response = client_for(volunteer).post(
        URL, {"purpose": "Visit parking", "parking": "3.20", "receipts": [upload("receipt.jpg", jpeg_with_location())]}
    )
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    with receipt.file.open("rb") as handle, Image.open(handle) as image:
        assert not image.getexif()
    assert receipt.content_type == "image/jpeg"


def test_a_pdf_receipt_is_accepted(client_for, volunteer):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client_for(volunteer).post(
        URL, {"purpose": "Bus", "fares": "4.50", "receipts": [upload("ticket.pdf", pdf, "application/pdf")]}
    )
    assert response.status_code == 302
    assert Receipt.objects.get().content_type == "application/pdf"


PDF_WITH_SCRIPT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_a_pdf_receipt_is_only_ever_downloaded_and_runs_nothing(client_for, volunteer, coordinator):
    """A PDF is kept as it came (it may hold JavaScript or links): the browser must not open it in the site."""
    client_for(volunteer).post(
        URL, {"purpose": "Bus", "fares": "4.50", "receipts": [upload("ticket.pdf", PDF_WITH_SCRIPT, "application/pdf")]}
    )
    url = reverse("volunteers:receipt-download", args=[Receipt.objects.get().pk])
    for user in (volunteer, coordinator):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
        assert "sandbox" in policy and "default-src 'none'" in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]


def test_a_picture_receipt_may_be_shown_but_runs_nothing(client_for, volunteer):
    client = client_for(volunteer)
    client.post(URL, {"purpose": "Parking", "parking": "2", "receipts": [upload("r.jpg", jpeg_with_location())]})
    response = client.get(reverse("volunteers:receipt-download", args=[Receipt.objects.get().pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_fake_receipt_is_refused_with_a_message(client_for, volunteer):
    response = client_for(volunteer).post(
        URL, {"purpose": "Parking", "parking": "2", "receipts": [upload("receipt.jpg", b"MZ\x90\x00 not a picture")]}
    )
    assert response.status_code == 200
    assert "is not a photo or a PDF we can read" in response.content.decode()
    assert not ExpenseClaim.objects.exists()


def test_an_oversized_receipt_is_refused(client_for, volunteer, settings):
    settings.MYSTERYSHOP_RECEIPT_MAX_BYTES = 1024 * 1024
    big = b"%PDF-" + b"0" * (1024 * 1024 + 10)
    response = client_for(volunteer).post(
        URL, {"purpose": "Parking", "parking": "2", "receipts": [upload("big.pdf", big)]}
    )
    assert "is too big" in response.content.decode()
    assert not ExpenseClaim.objects.exists()


def test_fares_need_a_receipt_and_a_claim_needs_an_amount(client_for, volunteer):
    client = client_for(volunteer)
    assert "Attach a receipt" in client.post(URL, {"purpose": "Bus", "fares": "3"}).content.decode()
    assert "Enter at least one amount" in client.post(URL, {"purpose": "Nothing"}).content.decode()


@pytest.fixture
def claim(volunteer):
    own = Volunteer.objects.get(user=volunteer)
    return services.create_expense_claim(
        volunteer=own, purpose="Parking", items=[{"kind": "parking", "amount_pence": 250}],
        receipts=[_checked(upload("r.jpg", jpeg_with_location()))],
    )  # fmt: skip


def _checked(file):
    from volunteers.forms import check_receipt

    return check_receipt(file)


def test_receipts_are_served_only_to_their_owner_and_opcc_staff(
    client_for, volunteer, other_volunteer, coordinator, force_liaison, claim
):
    url = reverse("volunteers:receipt-download", args=[claim.receipts.get().pk])
    assert client_for(volunteer).get(url).status_code == 200
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(other_volunteer).get(url).status_code == 404
    assert client_for(force_liaison).get(url).status_code == 403


def test_another_volunteer_cannot_see_a_claim(client_for, other_volunteer, claim):
    assert client_for(other_volunteer).get(reverse("volunteers:expense-detail", args=[claim.pk])).status_code == 404


def test_coordinator_rejects_with_a_reason_and_approves(client_for, coordinator, claim):
    client = client_for(coordinator)
    decide = reverse("volunteers:expense-decide", args=[claim.pk])
    client.post(decide, {"decision": "reject", "reason": ""})
    claim.refresh_from_db()
    assert claim.state == ExpenseClaim.State.SUBMITTED, "a rejection needs a reason"
    client.post(decide, {"decision": "approve"})
    claim.refresh_from_db()
    assert claim.state == ExpenseClaim.State.APPROVED and claim.decided_by == coordinator


def test_a_volunteer_cannot_decide_their_own_claim(client_for, volunteer, claim):
    assert (
        client_for(volunteer)
        .post(reverse("volunteers:expense-decide", args=[claim.pk]), {"decision": "approve"})
        .status_code
        == 403
    )


def test_approved_claims_export_as_csv_with_monthly_totals(client_for, coordinator, claim):
    services.decide_expense_claim(claim=claim, by=coordinator, approve=True)
    response = client_for(coordinator).get(reverse("volunteers:expense-export"))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "Parking" in text and "2.50" in text
    assert "Month,Total (£)" in text


# --- Rejected claims corrected and sent again; a second claim for a visit warned (issue 22, item 10) -------


def rejected_claim(coordinator, person, callbacks):
    claim = services.create_expense_claim(
        volunteer=person,
        purpose="Bus to Hanley",
        items=[{"kind": ExpenseItem.Kind.FARE, "amount_pence": 4500}],
        receipts=[],
    )
    Receipt.objects.create(
        claim=claim, file=ContentFile(b"%PDF-1.4 ticket", name="t.pdf"), content_type="application/pdf",
        original_name="bus-ticket.pdf", size=15,
    )  # fmt: skip
    with callbacks(execute=True):
        services.decide_expense_claim(claim=claim, by=coordinator, approve=False, reason="The fare was £4.50, not £45.")
    return claim


def test_a_rejected_claim_is_emailed_with_the_reason_and_a_link_to_correct_it(
    coordinator, volunteer, django_capture_on_commit_callbacks
):
    claim = rejected_claim(coordinator, volunteer.volunteer, django_capture_on_commit_callbacks)
    (message,) = [m for m in delivered_email() if m.to == [volunteer.volunteer.email]]
    assert "not approved" in message.subject and "The fare was £4.50, not £45." in message.body
    assert f"http://127.0.0.1:8000{reverse('volunteers:expense-correct', args=[claim.pk])}" in message.body


def test_a_rejected_claim_is_corrected_and_sent_again_keeping_the_first(
    client_for, coordinator, volunteer, django_capture_on_commit_callbacks
):
    claim = rejected_claim(coordinator, volunteer.volunteer, django_capture_on_commit_callbacks)
    client = client_for(volunteer)
    assert "Correct it and send it again" in client.get(claim.get_absolute_url()).content.decode()
    form = client.get(reverse("volunteers:expense-correct", args=[claim.pk])).content.decode()
    assert 'value="Bus to Hanley"' in form and 'value="45.00"' in form and "bus-ticket.pdf" in form
    kept = claim.receipts.get()
    data = {"purpose": "Bus to Hanley", "fares": "4.50", "keep_receipts": [kept.pk]}
    response = client.post(reverse("volunteers:expense-correct", args=[claim.pk]), data)
    correction = ExpenseClaim.objects.get(corrects=claim)
    assert response.status_code == 302 and response["Location"] == correction.get_absolute_url()
    assert correction.state == ExpenseClaim.State.SUBMITTED and correction.total_pence == 450
    assert [r.original_name for r in correction.receipts.all()] == ["bus-ticket.pdf"]
    claim.refresh_from_db()
    assert claim.state == ExpenseClaim.State.REJECTED and claim.decision_reason == "The fare was £4.50, not £45."
    client.post(reverse("volunteers:expense-correct", args=[claim.pk]), data)  # sent twice: one correction
    assert ExpenseClaim.objects.filter(corrects=claim).count() == 1
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Corrected and sent again" in page and "Correct it and send it again" not in page


def test_only_the_owner_corrects_and_only_a_rejected_claim(client_for, coordinator, volunteer, other_volunteer):
    claim = services.create_expense_claim(
        volunteer=volunteer.volunteer, purpose="Parking", items=[{"kind": ExpenseItem.Kind.MILEAGE, "miles": 3}]
    )
    response = client_for(volunteer).get(reverse("volunteers:expense-correct", args=[claim.pk]))
    assert response.status_code == 302 and response["Location"] == claim.get_absolute_url()
    assert client_for(other_volunteer).get(reverse("volunteers:expense-correct", args=[claim.pk])).status_code == 404


def test_the_items_table_says_each_label_once(client_for, coordinator, volunteer):
    claim = services.create_expense_claim(
        volunteer=volunteer.volunteer, purpose="Driving", items=[{"kind": ExpenseItem.Kind.MILEAGE, "miles": 10}]
    )
    page = client_for(coordinator).get(claim.get_absolute_url()).content.decode()
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert row.count("Mileage") == 1 and "£4.50" in row
