from decimal import Decimal

import pytest

from reports.rounding import as_number, change, grouped_table_percents, percent, table_percents


def test_percent_rounds_half_up_not_to_even():
    assert percent(1, 8, 0) == Decimal("13")  # 12.5 → 13 (banker's rounding would give 12)
    assert percent(1, 40, 1) == Decimal("2.5")
    assert percent(1, 16, 1) == Decimal("6.3")  # 6.25 → 6.3
    assert percent(5, 200, 0) == Decimal("3")  # 2.5 → 3


def test_percent_at_precision_zero_and_one():
    assert percent(170, 210, 0) == Decimal("81")
    assert percent(170, 210, 1) == Decimal("81.0")
    assert percent(201, 210, 1) == Decimal("95.7")


def test_percent_of_nothing_is_none_not_a_division_by_zero():
    assert percent(0, 0, 0) is None
    assert percent(0, 0, 1) is None


def test_categories_add_up_to_100_where_half_up_each_would_give_101():
    counts = [37, 88, 31, 54]
    assert [percent(c, 210, 0) for c in counts] == [18, 42, 15, 26]  # 101
    assert table_percents(counts, 0) == [17, 42, 15, 26]


def test_table_at_precision_one_adds_up_to_100():
    shares = table_percents([1, 1, 1], 1)
    assert shares == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]
    assert sum(shares) == 100


def test_largest_remainder_ties_go_to_the_earlier_row():
    assert table_percents([1, 1, 1], 0) == [34, 33, 33]
    assert table_percents([1, 2, 1, 2], 0) == [17, 33, 17, 33]  # 16.67×2 and 33.33×2: the two .67 get a unit


def test_zero_rows_are_kept_at_zero():
    assert table_percents([166, 26, 3, 0], 0) == [85, 13, 2, 0]


def test_a_table_of_nothing_has_no_percents():
    assert table_percents([0, 0, 0], 0) == [None, None, None]
    assert grouped_table_percents([0, 0], [True, False], 1) == [None, None]


def test_outcome_table_agrees_with_the_resolution_rate():
    assert grouped_table_percents([170, 15, 25], [True, False, False], 0) == [81, 7, 12]


def test_outcome_groups_can_differ_from_plain_largest_remainder():
    # 2, 2 and 3 of 7 are 28.57, 28.57 and 42.86: plain largest remainder gives 29/28/43,
    # but if the first and last rows count as resolved the text quotes 5/7 = 71.43 → 71,
    # so those rows share 71 (28 + 43) and the middle row gets the rest (29).
    counts, resolved = [2, 2, 3], [True, False, True]
    assert table_percents(counts, 0) == [29, 28, 43]
    assert percent(5, 7, 0) == 71
    assert grouped_table_percents(counts, resolved, 0) == [28, 29, 43]


def test_change_is_displayed_minus_displayed():
    assert change(Decimal("82.3"), Decimal("78.1")) == Decimal("4.2")
    assert change(Decimal("81"), None) is None


def test_json_numbers_follow_the_precision():
    assert as_number(Decimal("81"), 0) == 81 and isinstance(as_number(Decimal("81"), 0), int)
    assert as_number(Decimal("80.9"), 1) == 80.9
    assert as_number(None, 1) is None


def test_an_unsupported_precision_is_refused():
    with pytest.raises(ValueError):
        percent(1, 3, 2)
