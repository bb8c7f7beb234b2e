"""URL converters with bounds, so an address too long for any column is a 404, not an overflow."""

from django.urls import register_converter


class _Converter:
    regex = ""

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


class UnicodeSlugConverter(_Converter):
    # The built-in <slug:> converter rejects Arabic letters.
    regex = r"[-\w]+"


class IdConverter(_Converter):
    # A row id: at most 18 digits always fits a 64-bit column.
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)


class YearConverter(IdConverter):
    regex = "[0-9]{4}"


class MonthConverter(IdConverter):
    regex = "[0-9]{1,2}"


register_converter(UnicodeSlugConverter, "uslug")
register_converter(IdConverter, "id")
register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")
