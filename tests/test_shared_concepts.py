"""The shared definitions of sentence, word, date, outlet name, country and embedding."""
from types import SimpleNamespace

import numpy as np

from storylens import countries
from storylens.outlets import outlet_name
from storylens.text import day, iso_date, sentence_at, sentence_spans, sentences, to_date, word_keys, words


def test_sentences_end_at_terminal_punctuation_before_a_capital_and_at_line_breaks():
    text = ('Mr. Putin met Gen. Smith in the U.S. Capitol on Jan. 5. "We agreed," he said. Talks end?\n'
            "Next paragraph without a stop\nThird line… 2026 will tell.")
    assert sentences(text) == [
        "Mr. Putin met Gen. Smith in the U.S. Capitol on Jan. 5.", '"We agreed," he said.', "Talks end?",
        "Next paragraph without a stop", "Third line…", "2026 will tell."]
    for s in sentence_spans(text):
        assert text[s.start:s.end] == s.text
    assert sentences("Vladimir V. Putin spoke. it went on.") == ["Vladimir V. Putin spoke. it went on."]
    assert sentences("  \n ") == []


def test_sentence_at_finds_the_sentence_holding_an_offset():
    text = "One sentence. Another one here. Last."
    spans = sentence_spans(text)
    assert sentence_at(spans, text.index("Another") + 3) == 1
    assert sentence_at(spans, text.index("Last")) == 2
    assert sentence_at(spans, 0) == 0 and sentence_at([], 5) is None


def test_words_keep_inner_apostrophes_and_split_at_hyphens_and_underscores():
    assert words("The Kremlin’s envoy didn't meet O'Brien: pro-Russian_forces 2026") == [
        "The", "Kremlin’s", "envoy", "didn't", "meet", "O'Brien", "pro", "Russian", "forces", "2026"]
    assert word_keys("Kremlin’s Envoy") == ["kremlin's", "envoy"]


def test_dates_from_iso_numeric_rfc822_and_written_forms():
    assert iso_date("2026-03-01T10:00:00Z") == "2026-03-01"
    assert iso_date("3/4/2025") == "2025-03-04" and iso_date("3/4/2025", day_first=True) == "2025-04-03"
    assert iso_date("25/12/2025") == "2025-12-25"
    assert iso_date("Sun, 01 Mar 2026 08:00:00 GMT") == "2026-03-01"
    assert iso_date("March 4, 2025") == "2025-03-04"
    assert iso_date("not a date") is None and iso_date("2026-02-30") is None and iso_date(None) is None
    assert to_date("2025-03").isoformat() == "2025-03-01" and to_date("2025").isoformat() == "2025-01-01"
    assert to_date("soon") is None
    assert day("2026-03-01T10:00") == "2026-03-01" and day("") is None


def test_outlet_name_prefers_the_outlet_then_the_url_host_then_the_file():
    a = SimpleNamespace(id="x1", outlet=None, url="https://www.example-news.com/a/1", source_path="in/2026-03-01_batch.jsonl.gz",
                        record="7")
    assert outlet_name(a) == "example-news.com"
    a.url = None
    assert outlet_name(a) == "2026-03-01_batch#7"
    a.outlet = "Northern Ledger"
    assert outlet_name(a) == "Northern Ledger"


def test_one_country_table():
    assert countries.iso_of("Ukrainian") == "UKR" and countries.iso_of("Kyiv") == "UKR"
    assert countries.is_country_name("Russia") and not countries.is_country_name("Moscow")
    assert countries.country_name("RUS") == "Russia" and countries.iso_of_code("RUSGOV") == "RUS"
    assert countries.iso_of_code("IGOUNO") is None


def test_one_encoder_gives_unit_vectors_independent_of_the_batch():
    from storylens.embeddings import Encoder, default_model_path, default_tokenizer_path, embed

    texts = ["Putin said he would only talk to Trump.", "Talks stalled.", "Drones struck a refinery."]
    v = embed(texts)
    assert v.shape == (3, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert float(v[0] @ v[1]) < 0.99
    # Fresh encoders (no memo): a text's vector does not depend on the texts batched with it.
    alone = Encoder(default_model_path(), default_tokenizer_path(), 128).embed(["Talks stalled."])
    batched = Encoder(default_model_path(), default_tokenizer_path(), 128).embed(texts)
    assert np.allclose(alone[0], batched[1], atol=1e-5)
