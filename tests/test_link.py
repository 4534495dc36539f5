"""Cross-article actor linking on hand-built entities (no spaCy): transliterations, surnames, shared first names."""
import json

from storylens.config import Config
from storylens.link.actors import link_actors
from storylens.link.names import name_key, translit_key
from storylens.model import Actor, Analysis, Article, Document, Entity, Event, Mention, Quote


def _doc(aid, *people, quotes=(), events=()):
    """people: (name, type, [(mention text, kind)], country)"""
    text_parts, ents = [], []
    pos = 0
    for n, (name, typ, mentions, country) in enumerate(people):
        ms = []
        for t, kind in mentions:
            ms.append(Mention(aid, pos, pos + len(t), t, kind))
            text_parts.append(t)
            pos += len(t) + 1
        ents.append(Entity(id=f"{aid}:E{n}", name=name, type=typ, mentions=ms, country=country))
    art = Article(id=aid, source_path=f"{aid}.txt", text=" ".join(text_parts))
    return Document(article=art, entities=ents, quotes=list(quotes), events=list(events))


def _person(name, *extra, country=None):
    return (name, "PERSON", [(name, "name"), *[(x, "surname") for x in extra]], country)


def _find(actors, name):
    hits = [a for a in actors if a.name == name]
    assert len(hits) == 1, [(a.name, a.aliases) for a in actors]
    return hits[0]


def test_translit_key_folds_romanisation_variants():
    for group in (["Zelensky", "Zelenskiy", "Zelenskyy", "Zelenski"], ["Yury", "Yuri", "Yuriy"],
                  ["Sergey", "Sergei"], ["Dmitry", "Dmitriy", "Dmitri"]):
        assert len({translit_key(w) for w in group}) == 1, group
    assert translit_key("Vladimir") != translit_key("Volodymyr")
    assert translit_key("Putin") != translit_key("Medinsky")
    assert name_key("Vladimir V. Putin") == name_key("Vladimir Putin")


def test_transliteration_variants_and_surname_only_are_one_actor():
    docs = [
        _doc("a1", _person("Volodymyr Zelensky", "Zelensky", country="UKR")),
        _doc("a2", _person("Volodymyr Zelenskyy", country="UKR")),
        _doc("a3", ("Zelenskiy", "PERSON", [("Zelenskiy", "surname")], None)),
        _doc("a4", _person("Yuri Ushakov"), _person("Sergei Lavrov")),
        _doc("a5", _person("Yury Ushakov"), _person("Sergey Lavrov")),
    ]
    actors = link_actors(docs, Config(registry=None))
    z = _find(actors, "Volodymyr Zelensky")
    assert {m.article_id for m in z.mentions} == {"a1", "a2", "a3"}
    assert {"Zelenskiy", "Volodymyr Zelenskyy"} <= set(z.aliases)
    assert z.id == "volodymyr-zelensky" and z.warnings == []
    assert len([a for a in actors if "ushakov" in a.id]) == 1
    assert len([a for a in actors if "lavrov" in a.id]) == 1


def test_first_name_mismatch_with_rare_surname_is_merged_with_warning():
    docs = [
        _doc("a1", _person("Volodymyr Zelensky", "Zelensky", country="UKR")),
        _doc("a2", _person("Volodymyr Zelensky", country="UKR")),
        _doc("a3", _person("Vladimir Zelenskiy", "Zelenskiy", country="UKR")),
    ]
    actors = link_actors(docs, Config(registry=None))
    z = _find(actors, "Volodymyr Zelensky")
    assert "Vladimir Zelenskiy" in z.aliases
    assert len(z.warnings) == 1 and "Vladimir Zelenskiy" in z.warnings[0]


def test_shared_first_name_never_merges_different_people():
    docs = [
        _doc("a1", _person("Vladimir Putin", "Putin", country="RUS"), _person("Vladimir Medinsky", "Medinsky")),
        _doc("a2", _person("Vladimir Zelenskiy", country="UKR"), _person("Vladimir Putin", country="RUS")),
        _doc("a3", ("Vladimir", "PERSON", [("Vladimir", "surname")], None)),
    ]
    actors = link_actors(docs, Config(registry=None))
    putin = _find(actors, "Vladimir Putin")
    assert {m.text for m in putin.mentions} == {"Vladimir Putin", "Putin"}
    assert _find(actors, "Vladimir Medinsky").id != putin.id
    assert _find(actors, "Vladimir Zelenskiy").id not in (putin.id,)


def test_common_surname_or_same_article_blocks_first_name_merge():
    docs = [
        _doc("a1", _person("John Smith"), _person("David Harrowgate")),
        _doc("a2", _person("Jane Smith"), _person("Edward Harrowgate")),
        _doc("a3", _person("Edward Harrowgate"), _person("David Harrowgate")),
    ]
    actors = link_actors(docs, Config(registry=None))
    names = {a.name for a in actors}
    assert {"John Smith", "Jane Smith", "David Harrowgate", "Edward Harrowgate"} <= names


def test_two_actors_with_one_name_keep_apart_with_a_warning():
    docs = [_doc("a1", ("Mercury", "PERSON", [("Mercury", "surname")], None)),
            _doc("a2", ("Mercury", "ORG", [("Mercury", "name")], None))]
    actors = link_actors(docs, Config(registry=None))
    assert sorted(a.id for a in actors) == ["mercury", "mercury-2"]
    second = next(a for a in actors if a.id == "mercury-2")
    assert any("another actor has the id mercury" in w for w in second.warnings)
    assert not next(a for a in actors if a.id == "mercury").warnings


def test_state_actors_merge_by_code_and_ids_are_stable():
    def docs():
        gov = ("Government of Russia", "ORG", [("Kremlin", "metonym")], "RUS")
        gov2 = ("Government of Russia", "ORG", [("Moscow", "metonym")], "RUS")
        d1 = _doc("a1", gov)
        d2 = _doc("a2", gov2)
        for d in (d1, d2):
            d.entities[0].code = "RUSGOV"
        return [d1, d2]
    a1 = link_actors(docs(), Config(registry=None))
    a2 = link_actors(docs(), Config(registry=None))
    assert [a.id for a in a1] == [a.id for a in a2] == ["government-of-russia"]
    assert a1[0].code == "RUSGOV" and set(a1[0].aliases) == {"Kremlin", "Moscow"}


def test_local_references_are_resolved_into_the_actor_fields():
    q = Quote(id="a1:Q0", article_id="a1", text="x", kind="direct", start=0, end=1, speaker_entity="a1:E0")
    v = Event(id="a1:V0", article_id="a1", sentence="s", start=0, end=1, type="CONSULT",
              source_entity="a1:E0", target_entity="a1:E1", reported_by_entity="a1:E1")
    w = Event(id="a1:V1", article_id="a1", sentence="s", start=0, end=1, type="CONSULT",
              source_entity="a1:E1", reported_by="a foreign ministry source")
    d = _doc("a1", _person("Yury Ushakov"), _person("Sergey Lavrov"), quotes=[q], events=[v, w])
    link_actors([d], Config(registry=None))
    assert q.speaker == "yury-ushakov" and q.speaker_entity == "a1:E0"
    assert (v.source, v.target, v.reported_by) == ("yury-ushakov", "sergey-lavrov", "sergey-lavrov")
    assert (v.source_entity, v.target_entity, v.reported_by_entity) == ("a1:E0", "a1:E1", "a1:E1")
    assert (w.source, w.target, w.reported_by) == ("sergey-lavrov", None, "a foreign ministry source")
    assert d.entities[0].actor_id == "yury-ushakov"
    # Linking again (a re-analysis over stored documents) gives the same ids.
    link_actors([d], Config(registry=None))
    assert (q.speaker, v.source, v.target) == ("yury-ushakov", "yury-ushakov", "sergey-lavrov")


def test_local_ids_left_in_the_actor_fields_by_older_documents_are_still_resolved():
    q = Quote(id="a1:Q0", article_id="a1", text="x", kind="direct", start=0, end=1, speaker="a1:E1")
    v = Event(id="a1:V0", article_id="a1", sentence="s", start=0, end=1, type="CONSULT", source="a1:E0")
    d = _doc("a1", _person("Yury Ushakov"), _person("Sergey Lavrov"), quotes=[q], events=[v])
    link_actors([d], Config(registry=None))
    assert (q.speaker, v.source, v.target) == ("sergey-lavrov", "yury-ushakov", None)


def test_actors_command_lists_from_store(tmp_path):
    from typer.testing import CliRunner

    from storylens.cli import app
    from storylens.store import Store

    db = tmp_path / "s.sqlite"
    st = Store(db)
    st.replace_analysis(Analysis(actors=[
        Actor(id="vladimir-putin", name="Vladimir Putin", type="PERSON", aliases=["Putin"], roles=["President of Russia"],
              country="RUS", code="RUSGOV", mentions=[Mention("a1", 0, 5, "Putin", "surname"), Mention("a2", 0, 5, "Putin", "surname")]),
        Actor(id="nato", name="NATO", type="ORG", code="IGOWSTNAT", mentions=[Mention("a1", 9, 13, "NATO")]),
    ]))
    st.close()
    r = CliRunner().invoke(app, ["actors", "--db", str(db), "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [x["id"] for x in rows] == ["vladimir-putin", "nato"]
    assert rows[0]["mentions"] == 2 and rows[0]["articles"] == 2 and rows[0]["code"] == "RUSGOV"
    r = CliRunner().invoke(app, ["actors", "--db", str(db), "--name", "putin", "--format", "csv"])
    assert r.exit_code == 0 and "vladimir-putin" in r.output and "nato" not in r.output
    r = CliRunner().invoke(app, ["actors", "--db", str(tmp_path / "missing.sqlite")])
    assert r.exit_code == 2


def test_surname_particles_and_arabic_article():
    assert name_key("von der Leyen") == (name_key("Ursula von der Leyen")[1],)
    assert name_key("Le Pen") == (name_key("Marine Le Pen")[1],)
    assert name_key("Assad") == (name_key("Bashar al-Assad")[1],)
    assert name_key("Al Gore") == ("al", "gore")
    docs = [_doc("a1", _person("Ursula von der Leyen")), _doc("a2", ("von der Leyen", "PERSON", [("von der Leyen", "surname")], None)),
            _doc("a3", _person("Bashar al-Assad")), _doc("a4", ("Assad", "PERSON", [("Assad", "surname")], None))]
    actors = link_actors(docs, Config(registry=None))
    assert sorted(a.name for a in actors) == ["Bashar al-Assad", "Ursula von der Leyen"]


def test_other_packages_use_only_the_public_names_of_link():
    import ast
    import importlib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "src" / "storylens"
    bad = []
    for path in root.rglob("*.py"):
        if path.parent.name == "link":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or "link" not in (node.module or "").split("."):
                continue
            modname = "storylens.link" + (node.module.split("link", 1)[1] if node.module.split("link", 1)[1] else "")
            for a in node.names:
                if (node.module or "").endswith("link"):          # from ..link import kb as KB
                    aliases[a.asname or a.name] = importlib.import_module(f"storylens.link.{a.name}")
                elif a.name not in importlib.import_module(modname).__all__:
                    bad.append(f"{path.name}: {node.module}.{a.name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
                if node.attr not in aliases[node.value.id].__all__:
                    bad.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert bad == []


def test_fold_of_ascii_text_is_the_text_and_keys_are_unchanged():
    import unicodedata

    from storylens.link.names import _SPECIAL, fold

    def full_fold(t):
        t = t.translate(_SPECIAL)
        return "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))

    for t in ["Vladimir Putin", "O'Brien Jr.", "  al-Assad ", "Łukasz Żuk", "José Ñúñez", "Zelens’kyy", "ß"]:
        assert fold(t) == full_fold(t)
    assert name_key("Volodymyr Zelenskyy") == name_key("Volodymyr Zelensky") == ("volodimir", "zelenski")
    assert name_key("Dmitriy Peskov") == ("dmitri", "peskov")
    assert translit_key("Alexander") == "alexandr" and translit_key("Tatyana") == "tatiana"
