"""Link the local entities of all articles into canonical actors.

Identity rules, in order:
- the registry decides first (aliases join the named actor; split names stay apart);
- state actors and countries are one actor per CAMEO-style code ("Government of Russia");
- people: same (first, last) transliteration key → one actor; a surname-only entity joins
  the one full name with that surname; two full names with the same rare surname but
  different first names ("Vladimir Zelenskiy" / "Volodymyr Zelensky") are merged with a
  warning unless they appear side by side in one article; different surnames never merge,
  so people who share a first name stay apart;
- organisations and places: same normalised name (or knowledge-base name);
- a single word that some article shows to be an inferred state, capital or place (see
  inferred.py) is that everywhere it is nobody's surname ("Kessel"/PERSON in an article
  with no cue joins the place "Kessel"; a capital joins its state's government); roles of inferred states read "Foreign Minister of
  Aldoria" whatever the article wrote ("Aldorian Foreign Minister", "Aldoria's foreign minister").

Global ids are slugs of the canonical name, so a re-run over the same articles keeps them.
"""
from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import NamedTuple, Sequence

from ..config import Config
from ..model import Actor, Document, Entity
from . import inferred as INF
from . import kb as KB
from .names import name_key, slug
from .registry import RegActor, Registry, RegistryError, load_registry, norm

__all__ = ["link_actors", "resolve_references", "slug"]


class _UF:
    def __init__(self):
        self.p: dict = {}

    def find(self, x):
        self.p.setdefault(x, x)
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[rb] = ra


class _Note(NamedTuple):
    members: tuple        # indices of the entities the note is about
    text: str


class _Member(NamedTuple):
    """One article's entity as the linker sees it."""
    doc: Document
    entity: Entity        # the retyped copy the identity rules read (see _retype_inferred_places)
    original: Entity      # the article's own entity, which receives the actor id


@dataclass
class _Linking:
    """The state of one linking run: entities, the union-find over their indices, merge notes."""
    members: list[_Member]
    registry: Registry
    uf: _UF = field(default_factory=_UF)
    notes: list = field(default_factory=list)       # [_Note]: doubtful merges, for the actors' warnings
    fixed: set = field(default_factory=set)         # indices the registry split off
    by_key: dict = field(default_factory=lambda: defaultdict(list))
    merge_name: dict = field(default_factory=dict)  # union-find root → name a registry merge chose


def _key(e: Entity) -> tuple:
    if e.type == "PERSON":
        k = name_key(e.name)
        return ("person", k) if k else ("name", norm(e.name))
    if e.code and KB.iso_of_code(e.code) and (e.type == "GPE" and e.code == e.country or e.name.startswith(tuple(KB.SECTOR_NAMES.values()))):
        return ("code", e.code)
    return ("name", norm(re.sub(r"^the\s+", "", e.name, flags=re.I)))


def link_actors(documents: Sequence[Document], config: Config | None = None) -> list[Actor]:
    """Build the corpus's actors; set entity.actor_id everywhere and resolve the local references of
    quotes and events (``*_entity``) into their actor fields (see :func:`resolve_references`)."""
    run = _Linking(members=_members(documents), registry=_registry(config or Config()))
    _apply_registry_names(run)
    _join_same_keys(run)
    _join_name_forms(run)
    _apply_registry_merges(run)
    actors = _build_actors(run)
    resolve_references(documents)
    return sorted(actors.values(), key=lambda a: (-len(a.mentions), a.id))


def resolve_references(documents: Sequence[Document]) -> None:
    """Fill Quote.speaker and Event.source/target/reported_by with the global actor ids of the
    local entities the per-article stages named; the ``*_entity`` fields are left as they are.

    Documents stored by an earlier version (or made by a caller) may still hold a local id in the
    actor field itself; such an id is read as the local reference."""
    for doc in documents:
        local = {e.id: e.actor_id for e in doc.entities}

        def actor_of(ref: str | None, legacy: str | None) -> str | None:
            ref = ref or (legacy if legacy in local else None)
            return local.get(ref) if ref else legacy

        for q in doc.quotes:
            q.speaker = actor_of(q.speaker_entity, q.speaker)
            q.speakers = [actor_of(e, None) for e in q.speaker_entities] or q.speakers
        for v in doc.events:
            v.source = actor_of(v.source_entity, v.source)
            v.target = actor_of(v.target_entity, v.target)
            v.reported_by = actor_of(v.reported_by_entity, v.reported_by)


# ---- steps ---------------------------------------------------------------------------------------

def _registry(config: Config) -> Registry:
    try:
        return load_registry(config.registry) if getattr(config, "registry", None) else Registry()
    except RegistryError as exc:
        # The CLI checks the registry before a run; a library caller still gets its actors.
        logging.getLogger(__name__).error("actor registry ignored: %s", exc)
        return Registry()


def _members(documents: Sequence[Document]) -> list[_Member]:
    originals = [(d, e) for d in documents for e in d.entities]
    # The linker reads retyped copies; the articles' own entities stay as the entity stage made them.
    retyped = _retype_inferred_places([e for _, e in originals])
    return [_Member(d, retyped.get(id(e), e), e) for d, e in originals]


def _apply_registry_names(run: _Linking) -> None:
    """The registry decides first: split names stay apart, aliases join the declared actor."""
    aliases = run.registry.alias_index()
    splits = run.registry.split_index()
    for i, m in enumerate(run.members):
        run.uf.find(i)
        e = m.entity
        texts = [e.name] + [x.text for x in e.mentions if x.kind in ("name", "surname")]
        sp = next((splits[norm(t)] for t in texts[:1] if norm(t) in splits), None)
        if sp:
            run.uf.union(("split", sp), i)
            run.fixed.add(i)
            continue
        hit = next((aliases[norm(t)] for t in texts if norm(t) in aliases), None)
        if hit is not None:
            run.uf.union(("reg", hit), i)


def _join_same_keys(run: _Linking) -> None:
    """Same key → same actor; registry actors also absorb entities keyed like their canonical name."""
    for i, m in enumerate(run.members):
        if i not in run.fixed:
            run.by_key[_key(m.entity)].append(i)
    for idx in run.by_key.values():
        for j in idx[1:]:
            run.uf.union(idx[0], j)
    for r, ra in enumerate(run.registry.actors):
        for k in (("person", name_key(ra.name)), ("name", norm(ra.name))):
            for j in run.by_key.get(k, []):
                run.uf.union(("reg", r), j)


def _join_name_forms(run: _Linking) -> None:
    """People across name forms: first names that fit, rare surnames, surname-only mentions."""
    full: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))   # surname → first → [i]
    surname_only: dict[str, list[int]] = defaultdict(list)
    for k, idx in run.by_key.items():
        if k[0] != "person":
            continue
        if len(k[1]) == 2:
            full[k[1][1]][k[1][0]].extend(idx)
        else:
            surname_only[k[1][0]].extend(idx)
    for sur, firsts in full.items():
        names = list(firsts)
        for a in range(len(names)):
            for b in range(a + 1, len(names)):
                _join_first_names(run, sur, names[a], names[b], firsts[names[a]], firsts[names[b]])
    for sur, idx in surname_only.items():
        groups = {run.uf.find(i) for f in full.get(sur, {}).values() for i in f}
        if len(groups) == 1:
            g = next(iter(groups))
            for i in idx:
                run.uf.union(g, i)
        elif len(groups) > 1:
            for i in idx:
                run.notes.append(_Note((i,), f"surname-only mention \"{run.members[i].entity.name}\" fits "
                                             f"{len(groups)} different people; left apart"))


def _join_first_names(run: _Linking, sur: str, fa: str, fb: str, ia: list[int], ib: list[int]) -> None:
    """Two full names with one surname: the same first name up to an initial joins; a rare surname with
    different first names joins with a warning unless one article shows both or their countries differ."""
    uf, members = run.uf, run.members
    if uf.find(ia[0]) == uf.find(ib[0]):
        return
    if _compatible_first(fa, fb):
        uf.union(ia[0], ib[0])
        return
    if sur in KB.load_kb().common_surnames or len(sur) < 5:
        return
    arts_a = {members[i].doc.article.id for i in ia}
    arts_b = {members[i].doc.article.id for i in ib}
    if arts_a & arts_b:
        return   # both in one article as different entities: two people
    ca = {members[i].entity.country for i in ia} - {None}
    cb = {members[i].entity.country for i in ib} - {None}
    if ca and cb and not (ca & cb):
        return
    uf.union(ia[0], ib[0])
    na = Counter(members[i].entity.name for i in ia).most_common(1)[0][0]
    nb = Counter(members[i].entity.name for i in ib).most_common(1)[0][0]
    run.notes.append(_Note((ia[0], ib[0]), f"merged \"{na}\" and \"{nb}\": same surname, different first name "
                           f"(articles {', '.join(sorted(arts_a))} / {', '.join(sorted(arts_b))}); "
                           "split it in the registry if wrong"))


def _apply_registry_merges(run: _Linking) -> None:
    """Registry merges, by actor id (as it would be built) or by name; the first item names the actor."""
    if not run.registry.merges:
        return
    uf, members = run.uf, run.members
    labels: dict = defaultdict(set)
    for i, m in enumerate(members):
        labels[uf.find(i)].update((slug(m.entity.name), norm(m.entity.name)))
    for merge in run.registry.merges:
        targets = []
        for ref in merge:
            for r, lab in labels.items():
                if slug(ref) in lab or norm(ref) in lab:
                    targets.append(r)
            reg_i = next((j for j, a in enumerate(run.registry.actors) if a.id == ref or norm(a.name) == norm(ref)), None)
            if reg_i is not None:
                targets.append(uf.find(("reg", reg_i)))
        if targets and isinstance(targets[0], int):
            first = [members[i].entity for i in range(len(members)) if uf.find(i) == targets[0]]
            run.merge_name[targets[0]] = _canonical_name(first)
        for t in targets[1:]:
            uf.union(targets[0], t)


def _build_actors(run: _Linking) -> dict[str, Actor]:
    """One actor per union-find group; every member entity gets its actor id."""
    uf, members, registry = run.uf, run.members, run.registry
    state_names = _placeholder_state_names([m.entity for m in members])
    groups: dict = defaultdict(list)
    for i in range(len(members)):
        groups[uf.find(i)].append(i)
    reg_of_root = {uf.find(("reg", r)): r for r in range(len(registry.actors))}
    split_of_root = {uf.find(("split", sid)): sid for sid in registry.split_index().values()}
    actors: dict[str, Actor] = {}
    for root, idx in groups.items():
        ra = registry.actors[reg_of_root[root]] if root in reg_of_root else None
        pref = next((n for r, n in run.merge_name.items() if uf.find(r) == root), None)
        a = _make_actor([members[i].entity for i in idx], ra, pref, state_names)
        aid = ra.id if ra else (split_of_root.get(root) or slug(a.name))
        base, n = aid, 2
        while aid in actors:
            aid = f"{base}-{n}"
            n += 1
        if aid != base:
            # Two actors the rules keep apart share a name: say so rather than number one silently.
            a.warnings.append(f"another actor has the id {base} (same name, kept apart); this one is {aid}; "
                              "merge or split them in the registry")
        a.id = aid
        a.warnings.extend(note.text for note in run.notes if any(i in idx for i in note.members))
        actors[aid] = a
        for i in idx:
            members[i].entity.actor_id = members[i].original.actor_id = aid
    return actors


def _make_actor(members: list[Entity], ra: RegActor | None, pref: str | None, state_names: dict) -> Actor:
    """The actor of one group of entities (its id is set by the caller): name, type, roles, codes."""
    name = ra.name if ra else (pref or _canonical_name(members))
    if INF.is_placeholder(members[0].code) and members[0].type != "PERSON" and not ra and not pref:
        name = _state_name(name, members[0].code, state_names)
    typ = (ra.type if ra and ra.type else None) or Counter(e.type for e in members).most_common(1)[0][0]
    mentions = sorted((m for e in members for m in e.mentions), key=lambda m: (m.article_id, m.start))
    country = _vote([e.country for e in members])
    code = _vote([e.code for e in members if not country or KB.iso_of_code(e.code) in (None, country)])
    a = Actor(id="", name=name, type=typ, roles=_roles(members, country, state_names), country=country, code=code,
              mentions=mentions)
    if ra:
        a.roles = list(dict.fromkeys(ra.roles + a.roles))
        a.country = ra.country or a.country
        a.code = ra.code or a.code
    a.aliases = sorted({m.text for m in mentions if m.text != name} | (set(ra.aliases) if ra else set()))
    if INF.is_placeholder(a.country) and not ra:
        a.warnings.append(f"country code {a.country} is a placeholder (ISO-3166 user-assigned range) for a "
                          f"state the knowledge base does not know, inferred from the text")
    return a


def _roles(members: list[Entity], country: str | None, state_names: dict) -> list[str]:
    roles = [r for r, _ in Counter(r for e in members for r in e.roles).most_common()]
    if INF.is_placeholder(country) and country in state_names:
        roles = [_state_role(r, state_names[country]) for r in roles]
    roles = list({r.lower(): r for r in reversed(roles)}.values())[::-1]   # "Foreign Ministry spokeswoman" once
    # A bare title that a fuller role already says ("President" beside "President of Russia").
    return [r for r in roles if not any(o != r and o.lower().startswith(r.lower() + " ") for o in roles)]


def _vote(values):
    c = Counter(v for v in values if v)
    return c.most_common(1)[0][0] if c else None


def _compatible_first(a: str, b: str) -> bool:
    """Same first name up to an initial ("V." vs "Vladimir") or a short form that is a prefix."""
    return a == b or (min(len(a), len(b)) <= 1 and a[:1] == b[:1])


def _canonical_name(members: list[Entity]) -> str:
    """The most used full name; ties go to the longer name, then alphabetical order (deterministic)."""
    c: Counter = Counter()
    for e in members:
        for m in e.mentions:
            if m.kind == "name":
                c[re.sub(r"\s+", " ", m.text.strip())] += 1
    names = [e.name for e in members]
    if members[0].type != "PERSON" or not c:
        # Organisations, states, places: the entity-level name (knowledge-base or country name).
        return sorted(Counter(names).items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
    multi = {k: v for k, v in c.items() if len(k.split()) >= 2}
    pool = multi or c
    # Ties between spellings go to the surname spelling the outlets use most on its own.
    sur = Counter(m.text.strip() for e in members for m in e.mentions if m.kind == "surname")
    score = {k: v + 0.5 * sur.get(k.split()[-1], 0) for k, v in pool.items()}
    name = sorted(score.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
    if len(name.split()) == 1:
        longer = [n for n in names if len(n.split()) >= 2]
        if longer:
            name = Counter(longer).most_common(1)[0][0]
    return name


# ---- states and places the knowledge base does not know ------------------------------------------

def _placeholder_state_names(entities: list[Entity]) -> dict:
    """Placeholder code → the state's name as the corpus writes it most often ("Aldoria")."""
    c: dict = defaultdict(Counter)
    for e in entities:
        if e.type == "GPE" and e.code and e.code == e.country and INF.is_placeholder(e.code):
            c[e.code][e.name] += 1
    return {code: sorted(n.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for code, n in c.items()}


def _state_name(name: str, code: str, state_names: dict) -> str:
    """"Government of the Aldorian state" (an article that gave only the demonym) → "Government of Aldoria"."""
    full = state_names.get(code[:3])
    if not full:
        return name
    if len(code) == 3:
        return full
    return re.sub(r"\bthe \w+ state$", full, name)


def _retype_inferred_places(entities: list[Entity]) -> dict:
    """A single word that one article shows to be an inferred state, capital or place is that in every
    article: "Kessel"/PERSON in an article without a cue becomes the place other articles call "in Kessel".

    Only words that are nobody's surname in the corpus are retyped."""
    surnames = {name_key(e.name)[-1] for e in entities if e.type == "PERSON" and len(name_key(e.name)) == 2}
    states: dict = {}
    capitals: dict = {}
    places: dict = {}
    for e in entities:
        if e.type == "GPE" and e.code and e.code == e.country and INF.is_placeholder(e.code):
            states.setdefault(norm(e.name), (e.name, e.code))
        elif e.type == "ORG" and INF.is_placeholder(e.code) and len(e.code) > 3:
            for m in e.mentions:
                if m.kind == "metonym" and len(m.text.split()) == 1:
                    capitals.setdefault(norm(m.text), e.code[:3])
        elif e.type == "GPE" and not e.code and len(e.name.split()) == 1:
            places.setdefault(norm(e.name), e.country)
    state_name = {code: name for name, code in states.values()}
    out = {}
    for e in entities:
        k = norm(e.name)
        if k in capitals and e.type == "GPE" and not e.code and k not in states:
            # A capital that acts in an article which did not say it is one: its state's government.
            code = capitals[k]
            out[id(e)] = replace(e, type="ORG", name=f"Government of {state_name.get(code, e.name)}",
                                 country=code, code=code + "GOV")
            continue
        if e.type not in ("PERSON", "ORG") or len(e.name.split()) != 1 or e.code:
            continue
        k = norm(e.name)
        if e.type == "PERSON" and name_key(e.name) and name_key(e.name)[-1] in surnames:
            continue
        if k in states:
            out[id(e)] = replace(e, type="GPE", name=states[k][0], country=states[k][1], code=states[k][1])
        elif k in capitals:
            code = capitals[k]
            out[id(e)] = replace(e, type="ORG", name=f"Government of {state_name.get(code, e.name)}",
                                 country=code, code=code + "GOV")
        elif k in places:
            out[id(e)] = replace(e, type="GPE", country=places.get(k))
    return out


def _state_role(role: str, state: str) -> str:
    """"Aldorian Foreign Minister", "Aldoria's foreign minister", "Aldoria president" → "Foreign Minister of Aldoria"."""
    words = role.split()
    if len(words) < 2 or " of " in role:
        return role
    first = re.sub(r"['’]s$", "", words[0])
    if INF.key(first) != INF.key(state) and not (INF.demonym_stems(first) & INF.name_stems(state)):
        return role
    title = KB.title_of(" ".join(words[1:]))
    return KB.format_role(title) + f" of {state}" if title else role
