"""The first draft of redacted text: identifying details masked, everything else exactly as written."""

import pytest

from visits.redaction import mask


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("Email me at jo.bloggs+ms@example.co.uk please", "Email me at [removed] please"),
        ("Call 07700 900123 or +44 7700 900456.", "Call [removed] or [removed]."),
        ("The station number is 0121 496 0000", "The station number is [removed]"),
        ("I rang 101 and waited, not 999.", "I rang 101 and waited, not 999."),
        ("PC Smith was kind", "PC [removed] was kind"),
        ("Sergeant Jones and PC 1234 spoke to us", "Sergeant [removed] and PC [removed] spoke to us"),
        ("Mrs Anita Patel at the desk", "Mrs [removed] at the desk"),
        ("The officer was helpful and polite.", "The officer was helpful and polite."),
        ("Waited 25 minutes, 3 people, at 14:05 on 12/03/2026", "Waited 25 minutes, 3 people, at 14:05 on 12/03/2026"),
        ("", ""),
    ],
)
def test_identifying_details_are_masked_and_nothing_else_changes(written, masked):
    assert mask(written) == masked


def test_the_volunteers_names_are_masked_as_whole_words_in_any_case():
    names = ["Margaret", "Hughes", "Ann"]
    assert mask("margaret and I (Ann HUGHES) went; Annie was not there", names) == (
        "[removed] and I ([removed] [removed]) went; Annie was not there"
    )


def test_text_with_nothing_to_mask_is_returned_exactly():
    text = "Waited 5 minutes.\nThe leaflets were out of date — see photo 2."
    assert mask(text, ["Margaret"]) == text
