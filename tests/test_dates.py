"""Date phrases resolved against a publication date."""
import pytest

from storylens.annotate.dates import resolve_date

BASE = "2025-03-12"  # a Wednesday


@pytest.mark.parametrize("phrase,expected", [
    ("this week", "2025-03-10"),
    ("last week", "2025-03-03"),
    ("last year", "2024"),
    ("earlier this year", "2025"),
    ("in August alone", "2024-08"),      # the latest August before March 2025
    ("in February", "2025-02"),
    ("nearly three years ago", "2022"),
    ("two weeks ago", "2025-02-26"),
    ("on Tuesday", "2025-03-11"),
    ("Wednesday", "2025-03-12"),
    ("yesterday", "2025-03-11"),
    ("last month", "2025-02"),
    ("March 3", "2025-03-03"),
    ("5 June 2023", "2023-06-05"),
    ("2019", "2019"),
])
def test_relative_and_absolute(phrase, expected):
    assert resolve_date(phrase, BASE) == expected


@pytest.mark.parametrize("phrase", ["this week", "last year", "on Tuesday", "nearly three years ago"])
def test_relative_without_publication_date_is_unresolved(phrase):
    assert resolve_date(phrase, None) is None


def test_absolute_without_publication_date():
    assert resolve_date("14 August 2024", None) == "2024-08-14"


@pytest.mark.parametrize("phrase", ["the past few days", "recent months", "", "for years"])
def test_vague_phrases_stay_unresolved(phrase):
    assert resolve_date(phrase, BASE) is None
