"""The agreement figures checked against published worked examples."""

import pytest

from reports.agreement import agreement, from_table


def test_cohens_kappa_matches_the_worked_example_of_50_applications():
    # Wikipedia, "Cohen's kappa", simple example: 50 grant proposals read by A and B; both said yes
    # to 20, both no to 15, A yes and B no to 5, A no and B yes to 10: po = 0.7, pe = 0.5, kappa = 0.4.
    result = from_table([[20, 5], [10, 15]], ["Yes", "No"])
    assert result.n == 50
    assert result.raw == pytest.approx(0.7)
    assert result.kappa == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("table", "kappa"),
    [
        # Wikipedia, "Cohen's kappa", same agreement (60 of 100) but different kappa as the
        # margins change: 0.1304 for [[45, 15], [25, 15]] and 0.2593 for [[25, 35], [5, 35]].
        ([[45, 15], [25, 15]], 0.1304),
        ([[25, 35], [5, 35]], 0.2593),
    ],
)
def test_cohens_kappa_follows_the_margins_as_published(table, kappa):
    result = from_table(table, ["Yes", "No"])
    assert result.raw == pytest.approx(0.6)
    assert result.kappa == pytest.approx(kappa, abs=5e-5)


def test_gwets_ac1_and_kappa_match_wongpakaran_2013():
    # Wongpakaran, Wongpakaran, Wedding & Gwet (2013), BMC Medical Research Methodology 13:61,
    # schizoid personality disorder, two raters over 19 patients: both no 13, first no and second
    # yes 2, first yes and second no 1, both yes 3. Published: kappa 0.565, AC1 0.752.
    result = from_table([[13, 2], [1, 3]], ["No", "Yes"])
    assert result.n == 19
    assert result.raw == pytest.approx(16 / 19)
    assert result.kappa == pytest.approx(0.565, abs=5e-4)
    assert result.ac1 == pytest.approx(0.752, abs=1e-3)


def test_ac1_stays_high_where_kappa_collapses_on_skewed_answers():
    # The "high agreement, low kappa" paradox (Feinstein and Cicchetti 1990): 118 of 125 agree.
    result = from_table([[118, 5], [2, 0]], ["Yes", "No"])
    assert result.raw == pytest.approx(118 / 125)
    assert result.kappa < 0
    assert result.ac1 > 0.9


def test_full_agreement_on_one_answer_has_no_kappa_but_full_ac1():
    result = agreement([("Yes", "Yes")] * 5, ["Yes", "No"])
    assert result.raw == 1
    assert result.kappa is None
    assert result.ac1 == 1


def test_choose_any_answers_agree_whatever_the_order():
    result = agreement([(["a", "b"], ["b", "a"]), (["a"], ["b"])])
    assert result.raw == 0.5


def test_no_pairs_gives_no_figures():
    assert agreement([]).n == 0
    assert agreement([]).kappa is None
