"""The arithmetic of the indices and grades (PermenPANRB 14/2017)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from mitra.surveys.results import display, grade_of, index_of, to_decimal


@pytest.mark.parametrize(
    ("index", "grade"),
    [
        ("100", "A"),
        ("88.31", "A"),
        ("88.305", "A"),  # rounds to 88.31
        ("88.304", "B"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.995", "C"),  # rounds to 65.00
        ("64.99", "D"),
        ("25", "D"),
    ],
)
def test_grades_read_the_index_rounded_to_two_decimals(index, grade):
    assert grade_of(Decimal(index)) == grade


def test_no_index_no_grade():
    assert grade_of(None) == ""
    assert index_of([]) is None
    assert index_of([Fraction(3), None]) is None


def test_the_weights_are_exactly_one_ninth():
    means = [Fraction(n, 7) for n in (23, 22, 19, 21, 24, 25, 26, 20, 21)]
    assert index_of(means) == Fraction(5025, 63)
    assert display(to_decimal(index_of(means))) == Decimal("79.76")


def test_the_extremes_of_the_scale_give_25_and_100():
    assert index_of([Fraction(1)] * 9) == 25
    assert index_of([Fraction(4)] * 9) == 100


def test_display_rounds_half_up():
    assert display(Decimal("2.345")) == Decimal("2.35")
    assert display(Decimal("71.428571"), 1) == Decimal("71.4")
    assert display(None) is None
