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
