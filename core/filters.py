"""Filters shared by the apps' filter sets."""
from django import forms
from django_filters import filters

MAX_ID = 2**63 - 1  # the largest key either database stores


class IntegerFilter(filters.NumberFilter):
    """A whole number within bounds: an id (the default) or a year. django-filter's NumberFilter takes any
    decimal, and a value beyond the database's integers (1e59) made SQLite fail instead of answering 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value=1, max_value=MAX_ID, **kwargs):
        kwargs.setdefault("min_value", min_value)
        kwargs.setdefault("max_value", max_value)
        super().__init__(*args, **kwargs)


def YearFilter(*args, **kwargs):  # noqa: N802 (a filter class's shape)
    return IntegerFilter(*args, min_value=1900, max_value=2999, **kwargs)
