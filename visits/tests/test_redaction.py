"""The first draft of redacted text: identifying details masked, everything else exactly as written."""

from types import SimpleNamespace

import pytest

from visits.redaction import mask, names_of


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
        ("Ring +44 121 496 0000 or (0121) 496 0000", "Ring [removed] or [removed]"),
        ("Text 07700900123 later", "Text [removed] later"),
        ("Call 101, or 111 for health, 999 in an emergency", "Call 101, or 111 for health, 999 in an emergency"),
        (
            "Officer Brown, Miss Brown, Dr Jones and Mr Li",
            "Officer [removed], Miss [removed], Dr [removed] and Mr [removed]",
        ),
        ("Sgt. Evans and PCSO 5678", "Sgt. [removed] and PCSO [removed]"),
        ("I asked for a PC. The desk was busy.", "I asked for a PC. The desk was busy."),
        ("the officer was kind; the sergeant was busy", "the officer was kind; the sergeant was busy"),
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


def test_names_are_whole_words_even_with_an_apostrophe_or_at_the_ends():
    assert mask("O'Brien said hello to o'brien", ["O'Brien"]) == "[removed] said hello to [removed]"
    assert mask("Jo", ["Jo"]) == "[removed]"


def test_a_one_letter_or_empty_name_is_not_masked():
    assert mask("A form, I think", ["A", " ", ""]) == "A form, I think"


def test_names_of_takes_each_word_from_the_volunteer_and_user_records():
    person = SimpleNamespace(
        first_name="Mary Ann",
        last_name="Hughes",
        user=SimpleNamespace(first_name="Polly", last_name="Hughes-Smith"),
    )
    assert names_of([person]) == ["Mary", "Ann", "Hughes", "Polly", "Hughes-Smith"]


def test_names_of_a_volunteer_with_no_account_any_more_takes_the_volunteer_record_only():
    erased_account = SimpleNamespace(first_name="Gwen", last_name="Price", user=None)
    assert names_of([erased_account]) == ["Gwen", "Price"]
