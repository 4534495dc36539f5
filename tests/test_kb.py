"""The actor knowledge base: lookup of actor phrases to country and CAMEO-style codes."""
import pytest

from storylens.link.kb import country_of, lookup, pick_code


@pytest.mark.parametrize("phrase,country,code,typ", [
    ("Russian President Vladimir Putin", "RUS", "RUSGOV", "PERSON"),
    ("the Kremlin", "RUS", "RUSGOV", "ORG"),
    ("Ukrainian troops", "UKR", "UKRMIL", "ORG"),
    ("Moscow", "RUS", "RUSGOV", "ORG"),
    ("French President Emmanuel Macron", "FRA", "FRAGOV", "PERSON"),
    ("the United Nations", None, "IGOUNO", "ORG"),
    ("protesters in Kenya", "KEN", "KENOPP", "ORG"),
    ("Kenyan police", "KEN", "KENCOP", "ORG"),
    ("the White House", "USA", "USAGOV", "ORG"),
    ("Israeli soldiers", "ISR", "ISRMIL", "ORG"),
    ("Ukraine", "UKR", "UKR", "GPE"),
])
def test_lookup_codes_actor_phrases(phrase, country, code, typ):
    r = lookup(phrase, "2025-06-01")
    assert r is not None
    assert (r["country"], r["code"], r["type"]) == (country, code, typ)


def test_lookup_keeps_roles_and_name():
    r = lookup("Finland's President Alexander Stubb", "2025-06-01")
    assert r["name"] == "Alexander Stubb" and r["roles"] == ["President of Finland"] and r["country"] == "FIN"
    r = lookup("Kremlin aide Yuri Ushakov")
    assert r["name"] == "Yuriy Ushakov" and r["roles"] == ["Kremlin aide"] and r["country"] == "RUS"


def test_lookup_is_date_aware():
    assert lookup("Vladimir Putin", "1995-01-01")["code"] == "RUSELI"
    assert lookup("Vladimir Putin", "2001-01-01")["code"] == "RUSGOV"
    assert pick_code([["XGOV", "2000-01-01", "2004-12-31"], ["XELI", None, None]], "2010-01-01") == "XELI"


def test_lookup_unknown_and_empty():
    assert lookup("") is None
    assert lookup("the weather on Tuesday") is None


def test_country_of_demonyms_and_cities():
    assert country_of("Ukrainian") == "UKR"
    assert country_of("U.S.") == "USA"
    assert country_of("Kharkiv") == "UKR"
    assert country_of("Atlantis") is None


def test_lookup_returns_copies():
    a = lookup("French President Emmanuel Macron")
    a["roles"].append("x")
    assert lookup("French President Emmanuel Macron")["roles"] == ["President of France"]
