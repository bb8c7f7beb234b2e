from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation
from django.utils.dateformat import format as date_format

MOROCCAN = ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"]


@pytest.mark.parametrize("month, name", list(enumerate(MOROCCAN, start=1)))
def test_every_month_has_its_moroccan_name(month, name):
    day = date(2024, month, 5)
    assert formats.date_format(day).split()[2] == name
    assert date_format(day, "F") == name
    assert date_format(day, "E") == name  # the "alternative" month form some locales use
    assert date_format(day, "N") == name
    assert date_format(day, "b") == name


def test_seed_date_reads_like_a_moroccan_newspaper():
    published = datetime(2024, 12, 5, 11, 30, tzinfo=ZoneInfo("Africa/Casablanca"))
    assert formats.date_format(published.date()) == "الخميس 5 دجنبر 2024"


def test_digits_are_western():
    assert formats.date_format(date(2025, 8, 23), "SHORT_DATE_FORMAT") == "23/08/2025"
    assert formats.number_format(1234567, force_grouping=True) == "1.234.567"


def test_moroccan_names_hold_even_inside_a_translation_override():
    with translation.override("ar-ma"):
        assert formats.date_format(date(2024, 7, 1)) == "الاثنين 1 يوليوز 2024"
