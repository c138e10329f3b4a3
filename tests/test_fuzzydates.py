import datetime

import pytest
from django.core.exceptions import ValidationError

from registry.fuzzydates import format_fuzzy_date, fuzzy_date_precision, fuzzy_date_range, validate_fuzzy_date


@pytest.mark.parametrize(
    ("value", "shown", "precision"),
    [
        ("2017", "2017", "year"),
        ("2017-02", "Feb 2017", "month"),
        ("2018-12-07", "7 Dec 2018", "day"),
        ("", "", None),
    ],
)
def test_dates_show_as_the_source_gave_them(value, shown, precision):
    validate_fuzzy_date(value)
    assert format_fuzzy_date(value) == shown
    assert fuzzy_date_precision(value) == precision


@pytest.mark.parametrize(
    "value", ["17", "2017-2", "2017-13", "2017-00", "2017-02-30", "2019-02-29", "2017/02", "Feb 2017"]
)
def test_invalid_dates_are_refused_with_the_formats_to_use(value):
    with pytest.raises(ValidationError) as error:
        validate_fuzzy_date(value)
    assert value in error.value.messages[0]


def test_a_fuzzy_date_covers_its_whole_period():
    assert fuzzy_date_range("2020") == (datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    assert fuzzy_date_range("2020-02") == (datetime.date(2020, 2, 1), datetime.date(2020, 2, 29))
    assert fuzzy_date_range("2020-02-07") == (datetime.date(2020, 2, 7), datetime.date(2020, 2, 7))
