from storylens.model import Analysis, Article, Document, Removed
from storylens.store import Store


def _doc(i, text):
    return Document(article=Article(id=f"a{i}", source_path=f"f{i}.txt", text=text, raw=text,
                                    removed=[Removed(0, 1, "x", "test")], content_hash=f"h{i}"))


def test_documents_round_trip_and_rerun_adds_nothing(tmp_path):
    st = Store(tmp_path / "db.sqlite")
    assert st.add_documents([_doc(1, "one"), _doc(2, "two")]) == 2
    assert st.add_documents([_doc(1, "one")]) == 0
    docs = list(st.iter_documents())
    assert [d.article.id for d in docs] == ["a1", "a2"]
    assert docs[0].article.removed[0].reason == "test"


def test_replace_analysis_is_atomic(tmp_path):
    st = Store(tmp_path / "db.sqlite")
    st.add_documents([_doc(1, "one")])

    from storylens.model import Actor, Quote
    st.replace_analysis(Analysis(actors=[Actor(id="x", name="X", type="PERSON")]))
    q = Quote(id="q1", article_id="a1", text="t", kind="direct", start=0, end=1)
    try:  # duplicate primary key fails half-way through the rewrite
        st.replace_analysis(Analysis(actors=[], quotes=[q, q]))
    except Exception:
        pass
    assert [a.id for a in st.load_analysis().actors] == ["x"]


def test_near_duplicate_index_lives_in_the_store(tmp_path):
    from test_dedupe import BASE, EDITED, OTHER

    from storylens.clean.dedupe import Deduper

    st = Store(tmp_path / "db.sqlite")
    d = Deduper(0.8, store=st)
    d.add("a", BASE)
    d.add("b", OTHER)
    assert d.check(EDITED) == "a"          # found in memory before anything is stored
    d.flush({"a"})                         # only "a" was stored: "b" stays in memory, not in the index
    assert st.lsh_has("a") and not st.lsh_has("b") and list(d._mem) == ["b"]
    assert d.check(EDITED) == "a"          # now answered by the store
    fresh = Deduper(0.8, store=Store(tmp_path / "db.sqlite"))
    assert fresh.check(EDITED) == "a" and fresh.check(OTHER) is None
    fresh.remove("a")                      # a superseded version leaves the index
    assert Deduper(0.8, store=st).check(EDITED) is None


def test_articles_stored_without_index_are_indexed_on_start(tmp_path):
    from test_dedupe import BASE, EDITED

    from storylens.clean.dedupe import Deduper

    st = Store(tmp_path / "db.sqlite")
    st.add_documents([_doc(1, BASE)])      # e.g. a run killed between storing and indexing
    assert not st.lsh_has("a1")
    assert Deduper(0.8, store=st).check(EDITED) == "a1" and st.lsh_has("a1")


def test_embeddings_are_computed_once_and_read_back_from_the_store(tmp_path):
    import numpy as np

    from storylens.embeddings import get_encoder

    st = Store(tmp_path / "db.sqlite")
    cache = st.embedding_cache()
    enc = get_encoder()
    texts = ["Talks resumed in Geneva on Tuesday.", "The minister said nothing."]
    first = enc.embed(texts, cache=cache)
    stored = Store(tmp_path / "db.sqlite").embedding_cache().get_many(texts)
    assert set(stored) == set(texts) and np.allclose(stored[texts[0]], first[0])
    # a text found in the store is not encoded again: the stored vector is what comes back
    marker = np.zeros_like(first[0])
    marker[0] = 1.0
    cache.put_many({"An unseen sentence.": marker})
    assert np.array_equal(enc.embed(["An unseen sentence."], cache=cache)[0], marker)


def test_sentence_parses_are_kept_in_the_store_and_read_back_without_the_model(tmp_path):
    from storylens.compare.context import Parser
    from storylens.config import Config

    store = Store(tmp_path / "s.sqlite")
    cache = store.parse_cache(Config())
    texts = ["Putin refused to meet Zelensky in Istanbul on Monday.", "The talks in Geneva did not resume."]
    first = Parser(None, cache)
    first.parse_many(texts)
    assert first._nlp is not None
    later = Parser(None, store.parse_cache(Config()))
    later.parse_many(texts)
    assert later._nlp is None     # read from the store: no model loaded, nothing parsed
    for t in texts:
        a, b = first(t), later(t)
        assert b.text == a.text == t
        assert [(x.lemma_, x.pos_, x.dep_, x.head.i, x.ent_type_) for x in a] == \
               [(x.lemma_, x.pos_, x.dep_, x.head.i, x.ent_type_) for x in b]
    # another model's parses are not taken for this one's
    other = Parser(None, store.parse_cache(Config(spacy_model="another_model")))
    assert other.cache.get_many(texts) == {}


def test_a_parser_with_a_store_holds_a_bounded_number_of_parses_and_reads_the_rest_back(tmp_path):
    from storylens.compare.context import Parser
    from storylens.config import Config

    store = Store(tmp_path / "s.sqlite")
    texts = [f"Minister {n} refused to meet the envoy in Geneva on day {i}." for i, n in
             enumerate(["Ruiz", "Kell", "Okafor", "Lind", "Tanaka", "Moreau", "Silva", "Novak", "Haddad", "Berg"])]
    free = Parser(None)                     # no store: every parse is held
    free.parse_many(texts)
    first = Parser(None, store.parse_cache(Config()))
    first.parse_many(texts[:3])             # some parses are in the store before the bounded parser asks
    bounded = Parser(None, store.parse_cache(Config()), keep=4)
    bounded.READ = 3
    bounded.parse_many(texts)
    assert len(bounded._cache) == 0 and store.parse_cache(Config()).have_many(texts) == set(texts)
    for t in texts + texts[::-1]:
        a, b = free(t), bounded(t)
        assert len(bounded._cache) <= 4
        assert [(x.text, x.lemma_, x.pos_, x.dep_, x.head.i, x.ent_type_) for x in a] == \
               [(x.text, x.lemma_, x.pos_, x.dep_, x.head.i, x.ent_type_) for x in b]
    assert len(free._cache) == len(texts)


def test_a_parse_cut_from_the_middle_of_a_sentence_and_a_name_is_packed_as_a_valid_doc():
    from storylens.annotate.nlp import load_nlp
    from storylens.text.parses import pack_doc, unpack_doc

    doc = load_nlp()("Officials said that Vladimir Putin met Xi Jinping in Beijing on Monday.")
    cut = doc[4:]     # starts inside the name "Vladimir Putin", its head is outside the cut
    back = unpack_doc(pack_doc(cut))
    assert back.text == cut.text
    assert [t.text for t in back] == [t.text for t in cut]
    assert all(t.head.i < len(back) for t in back)
    assert [t for t in back if t.head.i == t.i]           # at least one root
    assert back[0].ent_iob_ in ("B", "O")


def test_documents_read_back_without_raw_text_share_repeated_strings(tmp_path):
    from storylens.model import Entity, Mention, Quote, Sentence, to_dict

    text = "Ruiz said the talks had stalled. Kell said nothing at all about the harbor today."
    s1, s2 = Sentence(0, 32, text[:32]), Sentence(33, len(text), text[33:])
    doc = _doc(1, text)
    doc.sentences = [s1, s2]
    doc.entities = [Entity(id="a1:E0", name="Ruiz", type="PERSON", mentions=[Mention("a1", 0, 4, "Ruiz", "surname")])]
    doc.quotes = [Quote(id="a1:Q1", article_id="a1", text=text[5:31], kind="indirect", start=5, end=31,
                        sentence=s1.text, speaker_entity="a1:E0", speaker_entities=["a1:E0"])]
    st = Store(tmp_path / "db.sqlite")
    st.add_documents([doc])
    full = next(st.iter_documents())
    light = next(st.iter_documents(raw=False))
    assert full.article.raw == text and light.article.raw == ""
    full.article.raw = ""
    assert to_dict(light) == to_dict(full)
    q, e = light.quotes[0], light.entities[0]
    assert q.sentence is light.sentences[0].text
    assert q.article_id is light.article.id and e.mentions[0].article_id is light.article.id
    assert q.speaker_entity is e.id


def test_analysis_json_is_written_item_by_item_as_the_whole_dict_would_be(tmp_path):
    import io
    import json

    from sample_data import sample_analysis
    from storylens.store.export import analysis_dict, write_json, write_json_lines

    an = sample_analysis()
    path = write_json(an, tmp_path / "analysis.json")
    whole = io.StringIO()
    write_json_lines(analysis_dict(an), whole)
    assert path.read_text(encoding="utf-8") == whole.getvalue()
    assert json.loads(whole.getvalue())["articles"] and "raw" not in json.loads(whole.getvalue())["articles"][0]
