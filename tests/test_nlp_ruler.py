"""The attribute ruler's own matcher sets exactly what spaCy's generic Matcher set."""
from pathlib import Path

import spacy

from storylens.annotate.nlp import fast_attribute_ruler, load_nlp
from storylens.config import Config

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo"
TRICKY = ("I ain't gonna do it, y'all. We can't. He 's   here\n\n  and  she ain't. Gotta go; wanna come? "
          "Dunno, 'cause it's 5 o'clock. The U.S. didn't say whether it'd sign — \"we won't,\" an aide said.")


def _attrs(doc):
    return [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in doc]


def test_same_attributes_as_the_generic_matcher():
    name = Config().spacy_model
    plain, fast = spacy.load(name), load_nlp(name)
    assert fast.get_pipe("attribute_ruler").match is not plain.get_pipe("attribute_ruler").match
    texts = [TRICKY] + [p.read_text(encoding="utf-8", errors="ignore")[:20000]
                        for p in sorted(DEMO.rglob("*")) if p.is_file() and p.suffix in (".txt", ".md", ".html")][:6]
    n = 0
    for a, b in zip(plain.pipe(texts), fast.pipe(texts)):
        assert _attrs(a) == _attrs(b)
        n += len(a)
    assert n > 200


def test_patterns_of_another_shape_keep_the_generic_matcher():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "a"}, {"LOWER": "b"}, {"LOWER": "c"}]], {"LEMMA": "abc"})
    before = ruler.match
    assert fast_attribute_ruler(ruler) is False and ruler.match == before
    ruler2 = spacy.blank("en").add_pipe("attribute_ruler")
    ruler2.add([[{"LOWER": "dr", "IS_PUNCT": False}]], {"LEMMA": "doctor"})
    assert fast_attribute_ruler(ruler2) is False


def test_two_token_and_set_patterns():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "go"})
    ruler.add([[{"LOWER": {"IN": ["x", "y"]}}]], {"LEMMA": "xy"})
    ruler.add([[{"LOWER": {"REGEX": "^n'?t$"}}]], {"LEMMA": "not"})
    text = "gon na gon x y z na n't nt"
    want = _lemmas(nlp, text)
    assert fast_attribute_ruler(ruler) is True
    assert want.count("go") == 1 and want.count("xy") == 2 and "not" in want   # every pattern is exercised
    assert _lemmas(nlp, text) == want


def _lemmas(nlp, text):
    return [t.lemma_ for t in nlp(text)]
