"""The actor registry: aliases, merges and splits applied by the linker."""
import pytest

from storylens.config import Config
from storylens.link.actors import link_actors
from storylens.link.registry import RegistryError, load_registry
from storylens.model import Article, Document, Entity, Mention


def _doc(aid, name, typ="PERSON", kind="name", country=None):
    art = Article(id=aid, source_path=f"{aid}.txt", text=name)
    return Document(article=art, entities=[Entity(id=f"{aid}:E0", name=name, type=typ, country=country,
                                                  mentions=[Mention(aid, 0, len(name), name, kind)])])


def _run(tmp_path, yaml_text, docs):
    p = tmp_path / "registry.yaml"
    p.write_text(yaml_text, encoding="utf-8")
    return {a.id: a for a in link_actors(docs, Config(registry=str(p)))}


def test_alias_joins_and_overrides(tmp_path):
    reg = """
actors:
  - name: Volodymyr Zelensky
    aliases: ["Ze", "Ukraine's president"]
    code: UKRGOV
    country: UKR
    roles: [President of Ukraine]
"""
    actors = _run(tmp_path, reg, [_doc("a1", "Volodymyr Zelenskyy"), _doc("a2", "Ze", kind="surname")])
    assert list(actors) == ["volodymyr-zelensky"]
    a = actors["volodymyr-zelensky"]
    assert a.name == "Volodymyr Zelensky" and a.code == "UKRGOV" and a.country == "UKR"
    assert a.roles == ["President of Ukraine"]
    assert {"Ze", "Volodymyr Zelenskyy"} <= set(a.aliases)


def test_merge_by_id_and_name(tmp_path):
    docs = [_doc("a1", "Alpha Group", "ORG"), _doc("a2", "The Alpha Collective", "ORG"), _doc("a3", "Beta Group", "ORG")]
    actors = _run(tmp_path, "merge:\n  - [alpha-group, The Alpha Collective]\n", docs)
    assert set(actors) == {"alpha-group", "beta-group"}
    assert len(actors["alpha-group"].mentions) == 2


def test_split_undoes_first_name_merge(tmp_path):
    docs = [_doc("a1", "Volodymyr Zelensky"), _doc("a2", "Volodymyr Zelensky"), _doc("a3", "Vladimir Zelenskiy")]
    merged = {a.id for a in link_actors(docs, Config(registry=None))}
    assert merged == {"volodymyr-zelensky"}
    actors = _run(tmp_path, "split:\n  - name: Vladimir Zelenskiy\n    id: vladimir-zelenskiy-other\n", docs)
    assert set(actors) == {"volodymyr-zelensky", "vladimir-zelenskiy-other"}
    assert actors["volodymyr-zelensky"].warnings == []


def test_malformed_registry_is_reported(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("actors:\n  - aliases: [x]\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="actors\\[0\\] needs a name"):
        load_registry(p)
    p.write_text("actors: [unclosed\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="not valid YAML"):
        load_registry(p)
    with pytest.raises(RegistryError, match="not found"):
        load_registry(tmp_path / "missing.yaml")


def test_example_registry_parses():
    from pathlib import Path

    reg = load_registry(Path(__file__).resolve().parents[1] / "examples" / "registry.yaml")
    assert reg.actors and reg.merges and reg.splits


def test_linker_survives_a_bad_registry(tmp_path, caplog):
    p = tmp_path / "bad.yaml"
    p.write_text("merge: [[only-one]]\n", encoding="utf-8")
    actors = link_actors([_doc("a1", "Tamsin Okafor")], Config(registry=str(p)))
    assert [a.id for a in actors] == ["tamsin-okafor"]
    assert "registry ignored" in caplog.text
