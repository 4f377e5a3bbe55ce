import pytest

from pipeline import formatting as fmt

NBSP = "\u00a0"


def test_numbers_use_decimal_comma_and_no_break_space_thousands():
    assert fmt.number(79355) == f"79{NBSP}355"
    assert fmt.number(9.49, 2) == "9,49"
    assert fmt.number(1234567.25, 1) == f"1{NBSP}234{NBSP}567,3"


def test_percent_has_one_decimal_and_a_no_break_space_before_the_sign():
    assert fmt.percent(0.132) == f"13,2{NBSP}%"
    assert fmt.percent(4 / 26) == f"15,4{NBSP}%"
    assert fmt.percent(float("nan")) == "–"


def test_rounding_is_half_up_as_the_report_prints():
    assert fmt.round_half_up(0.05, 1) == 0.1
    assert fmt.round_half_up(4.35, 1) == 4.4
    assert fmt.round_half_up(2.25, 1) == 2.3  # Python's round() gives 2.2


def test_year_ranges_use_an_en_dash_without_spaces():
    assert fmt.year_range(2013, 2018) == "2013–2018"


def test_swedish_collation_puts_a_ring_a_umlaut_o_umlaut_last():
    names = ["Östermalm", "Älvsjö", "Bromma", "Skärholmen", "Skarpnäck", "Åre", "Zeta"]
    assert fmt.swedish_sorted(names) == ["Bromma", "Skarpnäck", "Skärholmen", "Zeta", "Åre", "Älvsjö", "Östermalm"]


def test_ratio_prints_a_turnover_cell_as_the_report_does():
    assert fmt.ratio(4, 26) == "4/26"


def test_a_change_in_points_is_taken_between_the_printed_percentages():
    # 138/499 = 27,655… % and 117/573 = 20,419… %: unrounded they differ by 7,24 points, but a reader
    # with a calculator takes 27,7 − 20,4 = 7,3 from the printed figures.
    assert fmt.percent(138 / 499) == f"27,7{NBSP}%" and fmt.percent(117 / 573) == f"20,4{NBSP}%"
    assert round((117 / 573 - 138 / 499) * 100, 1) == -7.2
    assert fmt.point_change(138 / 499, 117 / 573) == -7.3
    assert fmt.change_in_points(138 / 499, 117 / 573) == f"en minskning med 7,3{NBSP}procentenheter"
    # Bromma: 15/41 = 36,6 %, 14/38 = 36,8 %: 0,2 points, not the 0,3 of the unrounded rates
    assert fmt.change_in_points(15 / 41, 14 / 38) == f"en ökning med 0,2{NBSP}procentenheter"


def test_no_change_is_stated_when_both_percentages_print_alike():
    assert fmt.point_change(0.36581, 0.3662) == 0.0
    assert fmt.change_in_points(0.36581, 0.3662) == ""


def test_the_printed_percent_is_exact_and_rounded_half_up():
    assert str(fmt.printed_percent(0.27655)) == "27.7"
    assert str(fmt.printed_percent(0.0225)) == "2.3"
    assert str(fmt.printed_percent(1)) == "100.0"


def test_a_relative_change_is_whole_per_cent_of_the_first_count_rounded_half_up():
    assert fmt.relative_change(100, 34) == -66
    assert fmt.relative_change(88, 34) == -61      # 61,36 …
    assert fmt.relative_change(8, 9) == 13         # 12,5 rounds up
    assert fmt.relative_change(7, 7) == 0
    assert fmt.change_in_percent(100, 34) == "en minskning med 66 procent"
    assert fmt.change_in_percent(40, 50) == "en ökning med 25 procent"
    assert fmt.change_in_percent(7, 7) == ""


def test_a_relative_change_from_nothing_is_refused():
    with pytest.raises(ValueError):
        fmt.relative_change(0, 5)
