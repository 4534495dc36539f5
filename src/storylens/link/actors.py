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
from dataclasses import replace
from collections import Counter, defaultdict
from typing import Sequence

from ..config import Config
from ..model import Actor, Document, Entity
from . import inferred as INF
from . import kb as KB
from .names import name_key, slug
from .registry import Registry, RegistryError, load_registry, norm

__all__ = ["link_actors", "slug"]


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


def _key(e: Entity) -> tuple:
    if e.type == "PERSON":
        k = name_key(e.name)
        return ("person", k) if k else ("name", norm(e.name))
    if e.code and KB.iso_of_code(e.code) and (e.type == "GPE" and e.code == e.country or e.name.startswith(tuple(KB.SECTOR_NAMES.values()))):
        return ("code", e.code)
    return ("name", norm(re.sub(r"^the\s+", "", e.name, flags=re.I)))


def link_actors(documents: Sequence[Document], config: Config | None = None) -> list[Actor]:
    """Assign entity.actor_id everywhere; rewrite quote speakers and event actors to actor ids."""
    config = config or Config()
    try:
        registry = load_registry(config.registry) if getattr(config, "registry", None) else Registry()
    except RegistryError as exc:
        # The CLI checks the registry before a run; a library caller still gets its actors.
        logging.getLogger(__name__).error("actor registry ignored: %s", exc)
        registry = Registry()
    originals = [e for d in documents for e in d.entities]
    # The linker reads retyped copies; the articles' own entities stay as the entity stage made them.
    retyped = _retype_inferred_places(originals)
    ents: list[tuple[Document, Entity]] = [(d, retyped.get(id(e), e)) for d in documents for e in d.entities]
    uf = _UF()
    warnings: dict = defaultdict(list)

    aliases = registry.alias_index()
    splits = registry.split_index()
    fixed: set[int] = set()
    for i, (d, e) in enumerate(ents):
        uf.find(i)
        texts = [e.name] + [m.text for m in e.mentions if m.kind in ("name", "surname")]
        sp = next((splits[norm(t)] for t in texts[:1] if norm(t) in splits), None)
        if sp:
            uf.union(("split", sp), i)
            fixed.add(i)
            continue
        hit = next((aliases[norm(t)] for t in texts if norm(t) in aliases), None)
        if hit is not None:
            uf.union(("reg", hit), i)

    # Same key → same actor.
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for i, (d, e) in enumerate(ents):
        if i not in fixed:
            by_key[_key(e)].append(i)
    for k, idx in by_key.items():
        for j in idx[1:]:
            uf.union(idx[0], j)
    # Registry actors also absorb entities keyed like their canonical name.
    for r, ra in enumerate(registry.actors):
        for k in (("person", name_key(ra.name)), ("name", norm(ra.name))):
            for j in by_key.get(k, []):
                uf.union(("reg", r), j)

    # People across name forms.
    full: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))   # surname → first → [i]
    surname_only: dict[str, list[int]] = defaultdict(list)
    for k, idx in by_key.items():
        if k[0] != "person":
            continue
        if len(k[1]) == 2:
            full[k[1][1]][k[1][0]].extend(idx)
        else:
            surname_only[k[1][0]].extend(idx)
    kbd = KB.load_kb()
    for sur, firsts in full.items():
        if len(firsts) < 2:
            continue
        names = list(firsts)
        for a in range(len(names)):
            for b in range(a + 1, len(names)):
                fa, fb = names[a], names[b]
                ia, ib = firsts[fa], firsts[fb]
                if uf.find(ia[0]) == uf.find(ib[0]):
                    continue
                if _compatible_first(fa, fb):
                    uf.union(ia[0], ib[0])
                    continue
                if sur in kbd.common_surnames or len(sur) < 5:
                    continue
                arts_a = {ents[i][0].article.id for i in ia}
                arts_b = {ents[i][0].article.id for i in ib}
                if arts_a & arts_b:
                    continue   # both in one article as different entities: two people
                ca = {ents[i][1].country for i in ia} - {None}
                cb = {ents[i][1].country for i in ib} - {None}
                if ca and cb and not (ca & cb):
                    continue
                uf.union(ia[0], ib[0])
                na = Counter(ents[i][1].name for i in ia).most_common(1)[0][0]
                nb = Counter(ents[i][1].name for i in ib).most_common(1)[0][0]
                warnings[("pair", ia[0], ib[0])].append(
                    f"merged \"{na}\" and \"{nb}\": same surname, different first name "
                    f"(articles {', '.join(sorted(arts_a))} / {', '.join(sorted(arts_b))}); split it in the registry if wrong")
    for sur, idx in surname_only.items():
        groups = {uf.find(i) for f in full.get(sur, {}).values() for i in f}
        if len(groups) == 1:
            g = next(iter(groups))
            for i in idx:
                uf.union(g, i)
        elif len(groups) > 1:
            for i in idx:
                warnings[("ambiguous", i)].append(
                    f"surname-only mention \"{ents[i][1].name}\" fits {len(groups)} different people; left apart")

    # Registry merges, by actor id (as it would be built) or by name.
    merge_name: dict = {}
    if registry.merges:
        labels: dict = defaultdict(set)
        for i, (d, e) in enumerate(ents):
            labels[uf.find(i)].update((slug(e.name), norm(e.name)))
        for m in registry.merges:
            targets = []
            for ref in m:
                for r, lab in labels.items():
                    if slug(ref) in lab or norm(ref) in lab:
                        targets.append(r)
                reg_i = next((j for j, a in enumerate(registry.actors) if a.id == ref or norm(a.name) == norm(ref)), None)
                if reg_i is not None:
                    targets.append(uf.find(("reg", reg_i)))
            if targets and isinstance(targets[0], int):
                first = [ents[i][1] for i in range(len(ents)) if uf.find(i) == targets[0]]
                merge_name[targets[0]] = _canonical_name(first)
            for t in targets[1:]:
                uf.union(targets[0], t)

    # Build actors.
    state_names = _placeholder_state_names([e for _, e in ents])
    groups: dict = defaultdict(list)
    for i in range(len(ents)):
        groups[uf.find(i)].append(i)
    reg_of_root = {uf.find(("reg", r)): r for r in range(len(registry.actors))}
    split_of_root = {uf.find(("split", sid)): sid for sid in splits.values()}
    actors: dict[str, Actor] = {}
    for root, idx in groups.items():
        members = [ents[i][1] for i in idx]
        ra = registry.actors[reg_of_root[root]] if root in reg_of_root else None
        pref = next((n for r, n in merge_name.items() if uf.find(r) == root), None)
        name = ra.name if ra else (pref or _canonical_name(members))
        if INF.is_placeholder(members[0].code) and members[0].type != "PERSON" and not ra and not pref:
            name = _state_name(name, members[0].code, state_names)
        aid = ra.id if ra else (split_of_root.get(root) or slug(name))
        base = aid
        n = 2
        while aid in actors:
            aid = f"{base}-{n}"
            n += 1
        typ = (ra.type if ra and ra.type else None) or Counter(e.type for e in members).most_common(1)[0][0]
        mentions = sorted((m for e in members for m in e.mentions), key=lambda m: (m.article_id, m.start))
        roles = [r for r, _ in Counter(r for e in members for r in e.roles).most_common()]
        country = _vote([e.country for e in members])
        if INF.is_placeholder(country) and country in state_names:
            roles = [_state_role(r, state_names[country]) for r in roles]
        roles = list({r.lower(): r for r in reversed(roles)}.values())[::-1]   # "Foreign Ministry spokeswoman" once
        # A bare title that a fuller role already says ("President" beside "President of Russia").
        roles = [r for r in roles if not any(o != r and o.lower().startswith(r.lower() + " ") for o in roles)]
        country = _vote([e.country for e in members])
        code = _vote([e.code for e in members if not country or KB.iso_of_code(e.code) in (None, country)])
        a = Actor(id=aid, name=name, type=typ, roles=roles, country=country, code=code, mentions=mentions)
        if ra:
            a.roles = list(dict.fromkeys(ra.roles + a.roles))
            a.country = ra.country or a.country
            a.code = ra.code or a.code
        a.aliases = sorted({m.text for m in mentions if m.text != name} | (set(ra.aliases) if ra else set()))
        if INF.is_placeholder(a.country) and not ra:
            a.warnings.append(f"country code {a.country} is a placeholder (ISO-3166 user-assigned range) for a "
                              f"state the knowledge base does not know, inferred from the text")
        for key, msgs in warnings.items():
            if any(k in idx for k in key[1:] if isinstance(k, int)):
                a.warnings.extend(msgs)
        actors[aid] = a
        for i in idx:
            ents[i][1].actor_id = originals[i].actor_id = aid

    for doc in documents:
        local = {e.id: e.actor_id for e in doc.entities}
        for q in doc.quotes:
            q.speaker = local.get(q.speaker, q.speaker) if q.speaker else None
            q.speakers = [local.get(s, s) for s in q.speakers]
        for v in doc.events:
            v.source = local.get(v.source, v.source) if v.source else None
            v.target = local.get(v.target, v.target) if v.target else None
            if v.reported_by:
                v.reported_by = local.get(v.reported_by, v.reported_by)
    return sorted(actors.values(), key=lambda a: (-len(a.mentions), a.id))


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
