"""The actor knowledge base: countries, institutions, people and agents with CAMEO-style codes.

Built from the Phoenix dictionaries (``data/actors/kb.json.gz``, see scripts/build_actor_kb.py)
plus the hand-written ``data/actors/supplement.yaml`` (metonyms, title words, extra aliases).

:func:`lookup` codes an actor phrase ("Russian President Vladimir Putin", "the Kremlin",
"Ukrainian troops", "protesters in Kenya") as a dict with ``name``, ``type``, ``country``
(ISO-3166 alpha-3), ``code`` (CAMEO-style, e.g. RUSGOV, UKRMIL, KENOPP) and ``roles``.
Results are cached; the index is built once per version of its sources and read back from the
user's cache directory by every later process (storylens.filecache).
"""
from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml

from ..text import day
from .names import fold, name_key

__all__ = ["Code", "DATA", "Entry", "KB", "SECTOR_NAMES", "agent_suffix", "country_name", "country_of",
           "build_kb", "format_role", "is_country_name", "iso_of_code", "live", "load_kb", "lookup", "metonym_code",
           "norm_phrase", "person_entry", "pick_code", "state_actor", "title_of"]

DATA = Path(__file__).resolve().parents[1] / "data" / "actors"

SECTOR_NAMES = {
    "GOV": "Government", "MIL": "Military", "COP": "Police", "OPP": "Opposition", "REB": "Rebels",
    "LEG": "Legislature", "JUD": "Judiciary", "SPY": "Intelligence services", "MED": "Media",
    "CVL": "Civilians", "BUS": "Business", "EDU": "Education", "HLH": "Health", "REF": "Refugees",
    "ELI": "Elites", "UAF": "Armed groups", "GOVMED": "State media", "LAB": "Labour", "REL": "Religious groups",
    "AGR": "Agriculture", "CRM": "Criminals", "ENV": "Environmental groups", "HRI": "Human rights groups",
    "IGO": "International organisation", "NGO": "NGO", "PTY": "Political parties", "DEV": "Development",
}
_DETERMINERS = {"THE", "A", "AN", "HIS", "HER", "ITS", "THEIR", "OUR", "THIS", "THAT", "THESE", "THOSE", "SOME",
                "MANY", "SEVERAL", "TWO", "THREE", "ALL", "OTHER", "ANOTHER"}
_CONNECTORS = {"OF", "IN", "FROM", "AND", "FOR", "AT", "ON", "TO", "BY", "WITH"}


class Code(NamedTuple):
    """A CAMEO-style code with the dates (ISO, or None when open) between which it applies."""
    code: str
    start: str | None
    end: str | None


class Entry(NamedTuple):
    """One dictionary actor: its name, type, dated codes and the upper-case phrases that name it."""
    name: str
    type: str
    codes: list          # [Code]
    phrases: list


@dataclass
class KB:
    entries: list                                       # [Entry]
    phrases: dict = field(default_factory=dict)         # PHRASE -> [entry index]
    persons: dict = field(default_factory=dict)         # name_key -> [entry index]
    country_alias: dict = field(default_factory=dict)   # PHRASE -> ISO3
    country_names: dict = field(default_factory=dict)   # ISO3 -> display name
    metonyms: dict = field(default_factory=dict)        # PHRASE -> code
    agents: dict = field(default_factory=dict)          # PHRASE -> suffix
    agent_stems: dict = field(default_factory=dict)
    titles: set = field(default_factory=set)            # lower-case title phrases
    title_equivalents: dict = field(default_factory=dict)
    honorifics: set = field(default_factory=set)
    title_modifiers: set = field(default_factory=set)
    glued_suffixes: list = field(default_factory=list)
    common_surnames: set = field(default_factory=set)
    max_title_len: int = 3
    country_words: set = field(default_factory=set)     # phrases that name a country itself
    surnames: dict = field(default_factory=dict)        # surname key -> {entry index}
    cameo_to_iso: dict = field(default_factory=dict)
    facility_words: set = field(default_factory=set)


def norm_phrase(text: str) -> str:
    """Upper-case, accent-folded, possessives and outer punctuation removed, single spaces."""
    t = fold(text).upper().replace("’", "'")
    t = re.sub(r"'S\b|(?<=S)'(?=\s|$)", "", t)
    t = re.sub(r"[\"“”(),;:!?]", " ", t)
    t = re.sub(r"\s+", " ", t).strip(" .-'")
    return t


def _singular(word: str) -> list[str]:
    out = []
    if word.endswith("IES") and len(word) > 4:
        out.append(word[:-3] + "Y")
    if word.endswith("ES") and len(word) > 4:
        out.append(word[:-2])
    if word.endswith("S") and len(word) > 3:
        out.append(word[:-1])
    if word.endswith("MEN"):
        out.append(word[:-3] + "MAN")
    return out


@lru_cache(maxsize=1)
def load_kb() -> KB:
    """The knowledge base, built once per set of sources: later processes read the built copy from the
    user's cache directory (storylens.filecache), a fifth of the build's CPU time."""
    from ..filecache import cached_build

    return cached_build("actor-kb", _kb_sources(), build_kb)


def _kb_sources() -> list[Path]:
    # everything the build reads: the data files, this module and the name normalisation it applies
    from . import names

    return [DATA / "kb.json.gz", DATA / "supplement.yaml", Path(__file__), Path(names.__file__)]


def build_kb() -> KB:
    raw = json.loads(gzip.open(DATA / "kb.json.gz").read())
    sup = yaml.safe_load((DATA / "supplement.yaml").read_text(encoding="utf-8"))
    kb = KB(entries=[Entry(name, typ, [Code(*c) for c in codes], phrases)
                     for name, typ, codes, phrases in raw["entries"]])
    kb.country_names = dict(raw["countries"])
    kb.country_names.update(sup.get("country_names") or {})
    sup_titles = {w.upper() for t in sup.get("titles") or [] for w in t.split()}
    sup_titles |= {h.upper().rstrip(".") for h in sup.get("honorifics") or []}
    for i, (name, typ, codes, phrases) in enumerate(kb.entries):
        for p in phrases:
            kb.phrases.setdefault(p, []).append(i)
            if p.endswith(".") and p.rstrip(".") not in kb.phrases:
                kb.phrases.setdefault(p.rstrip("."), []).append(i)
            # Index bare names only: "PRESIDENT VLADIMIR PUTIN" would make "President" a first name.
            if typ == "PERSON" and len(p.split()) >= 2 and not (set(p.replace(".", "").split()) & sup_titles):
                k = name_key(p)
                if len(k) == 2:
                    kb.persons.setdefault(k, []).append(i)
                    kb.surnames.setdefault(k[1], set()).add(i)
        if typ == "GPE" and codes and re.fullmatch(r"[A-Z]{3}", codes[-1].code) and codes[-1].end is None:
            iso = codes[-1].code
            for p in phrases:
                kb.country_alias.setdefault(p, iso)
    kb.metonyms = {norm_phrase(k): v for k, v in (sup.get("metonyms") or {}).items()}
    for iso, aliases in (sup.get("country_aliases") or {}).items():
        for a in aliases or []:
            kb.country_alias[norm_phrase(a)] = iso
            if norm_phrase(a) not in kb.metonyms:
                kb.country_words.add(norm_phrase(a))
    for iso, nm in kb.country_names.items():
        kb.country_alias.setdefault(norm_phrase(nm), iso)
        kb.country_words.add(norm_phrase(nm))
    kb.agents = dict(raw["agents"])
    kb.agents.update({norm_phrase(k): v for k, v in (sup.get("agents") or {}).items()})
    kb.agent_stems = dict(raw["agent_stems"])
    kb.titles = {t.lower() for t in sup.get("titles") or []}
    kb.max_title_len = max(len(t.split()) for t in kb.titles)
    kb.title_equivalents = {k.lower(): [x.lower() for x in v] for k, v in (sup.get("title_equivalents") or {}).items()}
    kb.honorifics = {h.lower() for h in sup.get("honorifics") or []}
    kb.title_modifiers = {h.lower() for h in sup.get("title_modifiers") or []}
    kb.glued_suffixes = sorted(sup.get("glued_suffixes") or [], key=len, reverse=True)
    kb.common_surnames = {s.lower() for s in sup.get("common_surnames") or []}
    kb.cameo_to_iso = dict(sup.get("cameo_to_iso") or {})
    kb.facility_words = {w.lower() for w in sup.get("facility_words") or []}
    for old_code, iso in kb.cameo_to_iso.items():
        if old_code in kb.country_names:
            kb.country_names.setdefault(iso, kb.country_names[old_code])
        for p, c in list(kb.country_alias.items()):
            if c == old_code:
                kb.country_alias[p] = iso
    return kb


# ---- small helpers used by the entity stage -------------------------------------------------

def country_of(text: str) -> str | None:
    """ISO3 for a country name, demonym, capital or city alias ("Ukrainian", "Kyiv", "U.S.")."""
    kb = load_kb()
    p = norm_phrase(text)
    if p.startswith("THE "):
        p = p[4:]
    iso = kb.country_alias.get(p)
    if iso is None:
        for s in _singular(p):
            iso = kb.country_alias.get(s)
            if iso:
                break
    return iso


def is_country_name(text: str) -> bool:
    """True for names of countries themselves (not cities): "Russia", "the United States", "Russians"."""
    kb = load_kb()
    iso = country_of(text)
    if iso is None:
        return False
    p = norm_phrase(text)
    if p.startswith("THE "):
        p = p[4:]
    if p in kb.country_words:
        return True
    return p not in kb.metonyms and not _is_city_alias(p, iso)


def _is_city_alias(p: str, iso: str) -> bool:
    # Phoenix lists cities among the country aliases; a capital or other city is not the country.
    kb = load_kb()
    name = norm_phrase(kb.country_names.get(iso, ""))
    if p == name or p.startswith(name[:5]) and len(name) >= 5:
        return False
    # Demonyms and variant spellings share a stem with the country name; city names do not.
    return not (p[:4] == name[:4] or p.endswith(("IAN", "IANS", "ESE", "ISH", "ICAN", "ICANS", "I", "IS")))


def metonym_code(text: str) -> str | None:
    p = norm_phrase(text)
    return load_kb().metonyms.get(p) or load_kb().metonyms.get(p[4:] if p.startswith("THE ") else "")


def country_name(iso: str | None) -> str | None:
    if not iso:
        return None
    return load_kb().country_names.get(iso, iso)


def iso_of_code(code: str | None) -> str | None:
    """Country part of a CAMEO-style code (RUSGOV → RUS); None for IGO/NGO/etc."""
    if not code or len(code) < 3:
        return None
    c = code[:3]
    c = load_kb().cameo_to_iso.get(c, c)
    if c not in load_kb().country_names and re.fullmatch(r"X[A-Z]{2}", c):
        return c   # placeholder code of a state the dictionaries do not know (see link/inferred.py)
    return c if c in load_kb().country_names else None


def state_actor(code: str) -> dict:
    """The actor a metonym or a country+sector code stands for, e.g. RUSGOV → Government of Russia."""
    iso = iso_of_code(code)
    if iso is None:
        return {"name": code, "type": "ORG", "country": None, "code": code, "roles": []}
    sector = code[3:]
    cname = country_name(iso)
    if not sector:
        return {"name": cname, "type": "GPE", "country": iso, "code": iso, "roles": []}
    label = SECTOR_NAMES.get(sector) or SECTOR_NAMES.get(sector[:3]) or sector.title()
    return {"name": f"{label} of {_with_article(cname)}", "type": "ORG", "country": iso, "code": code, "roles": []}


def _with_article(cname: str) -> str:
    return ("the " + cname) if re.match(r"(United|Republic|Democratic|Czech|Netherlands|Philippines|Bahamas)", cname) else cname


def title_of(words: str) -> str | None:
    """The lower-case title if `words` is one ("President", "foreign minister")."""
    w = re.sub(r"\s+", " ", fold(words).lower().strip(" .,"))
    if w in load_kb().titles:
        return w
    if w.endswith("s") and w[:-1] in load_kb().titles:
        return None   # plural: not one person
    return None


def agent_suffix(text: str) -> str | None:
    kb = load_kb()
    p = norm_phrase(text)
    for cand in [p] + _singular(p):
        if cand in kb.agents:
            return kb.agents[cand]
    for stem, suf in kb.agent_stems.items():
        if p.startswith(stem):
            return suf
    return None


def pick_code(codes: list, date: str | None) -> str | None:
    """The CAMEO code valid on `date` (ISO); the most recent role otherwise."""
    usable = [c for c in map(Code._make, codes) if c.code and not c.code.startswith("~")]
    if not usable:
        return None
    if date:
        d = day(date)
        live = [c for c in usable if (c.start is None or c.start <= d) and (c.end is None or d <= c.end)]
        if live:
            dated = [c for c in live if c.start or c.end]
            return max(dated or live, key=lambda c: c.start or "").code
    open_ended = [c for c in usable if c.end is None and c.start]
    if open_ended:
        return max(open_ended, key=lambda c: c.start).code
    return max(usable, key=lambda c: (c.end or "9999", c.start or "")).code


def _entry_result(i: int, date: str | None) -> dict:
    name, typ, codes, _ = load_kb().entries[i]
    code = pick_code(codes, date)
    if code and code[:3] in load_kb().cameo_to_iso:
        code = load_kb().cameo_to_iso[code[:3]] + code[3:]
    if name.startswith("The "):
        name = name[4:]
    return {"name": name, "type": typ, "country": iso_of_code(code), "code": code, "roles": [], "kb": i}


def live(result: dict, date: str) -> bool:
    """Whether a knowledge-base result has a role whose date range covers `date`."""
    i = result.get("kb")
    if i is None:
        return True
    d = day(date)
    return any(c.code and (c.start or c.end) and (c.start is None or c.start <= d) and (c.end is None or d <= c.end)
               for c in load_kb().entries[i].codes)


def person_entry(name: str, date: str | None = None) -> dict | None:
    """A known person by full name, tolerant of transliteration ("Yury Ushakov" → Yuriy Ushakov)."""
    kb = load_kb()
    k = name_key(name)
    hits = kb.persons.get(k) if len(k) == 2 else None
    if not hits:
        p = norm_phrase(name)
        hits = [i for i in kb.phrases.get(p, []) if kb.entries[i].type == "PERSON"] if len(k) == 2 else None
    if not hits:
        return None
    # Several entries (e.g. the same minister listed twice): prefer the one with a role valid on the date.
    best = sorted(hits, key=lambda i: (pick_code(kb.entries[i].codes, date) is None, i))[0]
    return _entry_result(best, date)


# ---- lookup -------------------------------------------------------------------------------------

# Phrase tokens, not words (text.words): the dictionaries' phrases keep dots, ampersands and
# hyphens inside a token ("U.S.", "AT&T", "al-Assad"), so the text is cut the same way.
_TOKEN_RE = re.compile(r"[A-Za-zÀ-ÿĀ-ž0-9][\w.&'’\-]*")


def _tokens(text: str) -> list[str]:
    toks = []
    for t in _TOKEN_RE.findall(text):
        t = re.sub(r"['’]s$|['’]$", "", t)
        if t:
            toks.append(t)
    return toks


def lookup(text: str, date: str | None = None) -> dict | None:
    """Code an actor phrase; None when nothing in it is known. See the module docstring.

    `date` (ISO) picks the role valid then from the dictionaries' dated codes. When the phrase
    matched a dictionary entry the result also has "kb", that entry's index (for provenance)."""
    if not text or not text.strip():
        return None
    r = _lookup(text.strip(), day(date))
    return None if r is None else {k: (list(v) if isinstance(v, list) else v) for k, v in r.items()}


@dataclass
class _Scan:
    """What the words of one actor phrase were read as (see :func:`_scan_phrase`)."""
    toks: list[str]
    up: list[str]                                       # the tokens as dictionary phrases
    used: list[bool]
    person: dict | None = None
    person_span: tuple | None = None                    # token range of the person's name
    entry: int | None = None                            # a non-person dictionary entry
    countries: list = field(default_factory=list)
    metonym: str | None = None
    metonym_text: str | None = None
    agent: str | None = None                            # sector suffix (GOV, MIL, ...)
    titles: list = field(default_factory=list)

    def take(self, i: int, j: int) -> None:
        for k in range(i, j):
            self.used[k] = True


@lru_cache(maxsize=65536)
def _lookup(text: str, date: str | None) -> dict | None:
    kb = load_kb()
    toks = _tokens(text)
    while toks and toks[0].upper() in _DETERMINERS:
        toks = toks[1:]
    if not toks:
        return None
    up = [norm_phrase(t) for t in toks]
    full = " ".join(up)
    if full in kb.metonyms:
        return state_actor(kb.metonyms[full])
    exact = None
    if full in kb.phrases:
        exact = _exact_entry(kb.phrases[full], date)
        if exact["type"] != "PERSON" or len(toks) == 1:
            return exact
    scan = _Scan(toks, up, [False] * len(toks))
    _scan_person(scan, date)
    _scan_phrase(scan, date)
    iso = scan.countries[0] if scan.countries else None
    if scan.metonym and not iso:
        iso = iso_of_code(scan.metonym)
    roles = [_role(t, iso if not scan.metonym_text else None, metonym_text=scan.metonym_text) for t in scan.titles]
    if scan.person is None and exact is not None:
        scan.person = exact
    if scan.person is None:
        _scan_lone_surname(scan, iso, date)
    if scan.person:
        return _person_result(scan, iso, roles, date)
    return _other_result(scan, iso, roles, date)


def _exact_entry(idx: list[int], date: str | None) -> dict:
    """The dictionary entry a whole phrase names: people first, then organisations, then places."""
    kb = load_kb()
    best = sorted(idx, key=lambda i: {"PERSON": 0, "ORG": 1, "GPE": 2}.get(kb.entries[i].type, 3))[0]
    exact = _entry_result(best, date)
    if exact["type"] == "GPE" and exact["code"]:
        exact["name"] = country_name(exact["code"][:3]) or exact["name"]
    return exact


def _scan_person(scan: _Scan, date: str | None) -> None:
    """A known person's name of three, else two, capitalised words."""
    kb = load_kb()
    toks, n = scan.toks, len(scan.toks)
    for L in (3, 2):
        for i in range(0, n - L + 1):
            if any(scan.used[i:i + L]) or not all(t[:1].isupper() for t in toks[i:i + L]):
                continue
            k = name_key(" ".join(toks[i:i + L]))
            hit = person_entry(" ".join(toks[i:i + L]), date) if k in kb.persons else None
            if hit:
                scan.person, scan.person_span = hit, (i, i + L)
                scan.take(i, i + L)
                return


def _scan_phrase(scan: _Scan, date: str | None) -> None:
    """Metonyms, countries, titles, agents and organisations, longest match first, left to right."""
    n = len(scan.toks)
    i = 0
    while i < n:
        if scan.used[i]:
            i += 1
            continue
        for L in range(min(6, n - i), 0, -1):
            if not any(scan.used[i:i + L]) and _read_words(scan, i, L, date):
                scan.take(i, i + L)
                i += L
                break
        else:
            i += 1


def _read_words(scan: _Scan, i: int, L: int, date: str | None) -> bool:
    """Read toks[i:i+L] as one thing the phrase says; False when it is none of them."""
    kb = load_kb()
    toks, n = scan.toks, len(scan.toks)
    ph = " ".join(scan.up[i:i + L])
    low = " ".join(t.lower() for t in toks[i:i + L])
    if ph in kb.metonyms:
        scan.metonym = kb.metonyms[ph]
        scan.metonym_text = " ".join(toks[i:i + L])
        return True
    if toks[i][:1].isupper() and (ph in kb.country_alias or L == 1 and any(x in kb.country_alias for x in _singular(ph))):
        scan.countries.append(kb.country_alias.get(ph) or next(kb.country_alias[x] for x in _singular(ph) if x in kb.country_alias))
        return True
    if low in kb.titles and (L > 1 or not (i + 1 < n and toks[i + 1][:1].islower() and toks[i + 1].upper() not in _CONNECTORS)):
        scan.titles.append(low)
        scan.agent = agent_suffix(ph) or scan.agent or "GOV"
        return True
    if agent_suffix(ph):
        scan.agent = agent_suffix(ph)
        return True
    if L > 1 and _org_entry(ph) is not None and toks[i][:1].isupper():
        scan.entry = _org_entry(ph)
        # "US President": an office entry still tells the title and the country.
        for a in range(i, i + L):
            for b in range(i + L, a, -1):
                low2 = " ".join(t.lower() for t in toks[a:b])
                if low2 in kb.titles:
                    scan.titles.append(low2)
                    break
        ecode = pick_code(kb.entries[scan.entry].codes, date)
        if iso_of_code(ecode):
            scan.countries.append(iso_of_code(ecode))
            scan.agent = scan.agent or (ecode[3:] or None)
        return True
    if L == 1 and _org_entry(ph) is not None and toks[i][:1].isupper() and ph not in _CONNECTORS \
            and (toks[i].isupper() or n <= 2):
        scan.entry = _org_entry(ph)
        return True
    return False


def _scan_lone_surname(scan: _Scan, iso: str | None, date: str | None) -> None:
    kb = load_kb()
    toks, up, used, n = scan.toks, scan.up, scan.used, len(scan.toks)
    if n <= 3:
        # A lone surname the dictionaries list as an alias ("Putin", "President Obama").
        for i in range(n):
            hits = [j for j in kb.phrases.get(up[i], []) if kb.entries[j].type == "PERSON"] if not used[i] and toks[i][:1].isupper() else []
            if hits:
                cand = _entry_result(hits[0], date)
                if not iso or cand["country"] in (None, iso):
                    scan.person, scan.person_span = cand, (i, i + 1)
                    used[i] = True
                break
    if scan.person is None and (scan.titles or iso):
        # "President Kagame": a lone surname that only one known person (or one country's people) carries.
        for i in range(n):
            if used[i] or not toks[i][:1].isupper() or up[i] in _CONNECTORS:
                continue
            cands = kb.surnames.get(name_key(toks[i])[0] if name_key(toks[i]) else "", set())
            res = [_entry_result(j, date) for j in sorted(cands)]
            cs = {r["country"] for r in res}
            if res and len(cs) == 1 and (not iso or iso in cs):
                scan.person, scan.person_span = res[0], (i, i + 1)
                used[i] = True
                break


def _person_result(scan: _Scan, iso: str | None, roles: list, date: str | None) -> dict:
    kb = load_kb()
    toks, up, n = scan.toks, scan.up, len(scan.toks)
    r = dict(scan.person)
    r["roles"] = roles
    if not r["country"] and iso:
        r["country"] = iso
    after = [j for j in range(scan.person_span[1], n)] if scan.person_span else [n - 1]
    tail_agent = next((agent_suffix(up[j]) for j in after if agent_suffix(up[j])), None)
    if tail_agent and r["country"] and not any(toks[j].lower() in kb.titles for j in after):
        # "Bush administration", "Assad regime": the state actor, not the person.
        sa = state_actor(r["country"] + tail_agent)
        sa["name"] = _clean_phrase(toks)
        return sa
    if scan.titles and r["country"] and not any(t.lower() in {"former", "ex", "late"} for t in toks):
        code = r.get("code") or ""
        if r.get("kb") is None or not (date and live(r, date)) or code[3:6] in ("ELI", ""):
            # The dictionaries stop in 2014 and often list leaders as elites: a title in the text decides.
            r["code"] = r["country"] + (scan.agent or "GOV")
    return r


def _other_result(scan: _Scan, iso: str | None, roles: list, date: str | None) -> dict | None:
    toks, agent, metonym = scan.toks, scan.agent, scan.metonym
    # An unknown name next to a title or country: a person we can still place ("French President Emmanuel Macron").
    name_run = _trailing_name(toks, scan.used)
    if name_run and scan.titles:
        code = (iso + (agent or "")) if iso else (metonym if metonym and scan.titles else None)
        return {"name": name_run, "type": "PERSON", "country": iso, "code": code, "roles": roles}
    if scan.entry is not None:
        r = _entry_result(scan.entry, date)
        if r["type"] == "GPE" and r["country"] and agent:
            r = state_actor(r["country"] + agent)
            r["name"] = _clean_phrase(toks)
        return r
    if metonym:
        if agent and agent != "GOV":
            return state_actor((iso or metonym[:3]) + agent)
        return state_actor(metonym)
    if iso:
        if agent:
            r = state_actor(iso + agent)
            r["name"] = _clean_phrase(toks)
            r["roles"] = roles
            return r
        return state_actor(iso)
    return None


def _org_entry(ph: str) -> int | None:
    """First non-person entry for a phrase (people are matched by name key instead)."""
    for j in load_kb().phrases.get(ph, ()):
        if load_kb().entries[j].type != "PERSON":
            return j
    return None


def _trailing_name(toks: list[str], used: list[bool]) -> str | None:
    """The last run of capitalised words that nothing else explained (a name the KB does not know)."""
    runs, run = [], []
    for t, u in zip(toks, used):
        if not u and t[:1].isupper() and t.upper() not in _CONNECTORS and t.lower().rstrip(".") not in load_kb().honorifics:
            run.append(t)
        else:
            if run:
                runs.append(run)
            run = []
    if run:
        runs.append(run)
    return " ".join(runs[-1]) if runs else None


def _clean_phrase(toks: list[str]) -> str:
    return " ".join(toks)


def _role(title: str, iso: str | None, metonym_text: str | None = None) -> str:
    t = " ".join(w if w in {"of", "the", "and"} else (w.upper() if w in {"ceo", "mp"} else w.capitalize())
                 for w in title.split())
    if metonym_text:
        return f"{metonym_text} {title.lower()}"
    if iso:
        return f"{t} of {_with_article(country_name(iso))}"
    return t


def format_role(title: str, iso: str | None = None, qualifier: str | None = None) -> str:
    """Role text: "President of Finland", "Kremlin aide", "Foreign Minister"."""
    return _role(title, iso, qualifier)
