"""Build the actor knowledge base (src/storylens/data/actors/kb.json.gz) from the Phoenix dictionaries.

Source: ../shared/data/petrarch2/dictionaries/ (PETRARCH2, github.com/openeventdata/petrarch2,
commit 676801c; MIT licence, Copyright (c) 2014 Open Event Data Alliance):
  Phoenix.Countries.actors.txt      countries (with aliases, demonyms, cities), national
                                    institutions and people with dated CAMEO role codes
  Phoenix.International.actors.txt  intergovernmental organisations, NGOs and their officers
  Phoenix.MilNonState.actors.txt    non-state armed groups
  Phoenix.agents.txt                generic agents (police, troops, protesters...) → code suffix

Output (gzip JSON):
  entries:  [[display name, type, [[code, start, end], ...], [phrase, ...]], ...]
            start/end are ISO dates or null; phrases are upper-case, space separated.
  agents:   {phrase: suffix}  e.g. "TROOP": "MIL"; stems (e.g. "DEFENSE MINIST") in `agent_stems`.
  countries: {alpha-3: display name} for country blocks.

Run:  .venv/bin/python scripts/build_actor_kb.py
"""
from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DICTS = ROOT.parent / "shared" / "data" / "petrarch2" / "dictionaries"
OUT = ROOT / "src" / "storylens" / "data" / "actors" / "kb.json.gz"

CODE_RE = re.compile(r"\[([^\]\s]+)(?:\s+([<>]?[0-9]{6,8}(?:-[0-9]{6,8})?))?\s*\]")


def _date(s: str) -> str | None:
    if len(s) == 6:
        yy = int(s[:2])
        year = 2000 + yy if yy <= 30 else 1900 + yy
        mm, dd = s[2:4], s[4:6]
    elif len(s) == 8:
        year, mm, dd = int(s[:4]), s[4:6], s[6:8]
    else:
        return None
    if not ("01" <= mm <= "12" and "01" <= dd <= "31"):
        return None
    return f"{year:04d}-{mm}-{dd}"


def parse_codes(text: str) -> list[list]:
    out = []
    for code, rng in CODE_RE.findall(text):
        if code.startswith("-") or not re.fullmatch(r"[A-Z0-9~]+", code):
            continue
        start = end = None
        if rng:
            if rng.startswith(">"):
                start = _date(rng[1:])
            elif rng.startswith("<"):
                end = _date(rng[1:])
            elif "-" in rng:
                a, b = rng.split("-", 1)
                start, end = _date(a), _date(b)
        out.append([code, start, end])
    return out


def phrase(raw: str) -> str:
    p = raw.strip().strip("+").split("#", 1)[0]
    p = CODE_RE.sub("", p).strip()
    p = p.replace("_", " ").replace("  ", " ").strip()
    return re.sub(r"\s+", " ", p).upper()


def display(p: str) -> str:
    words = []
    for w in p.split():
        if "." in w and len(w) <= 6 or w in {"UN", "US", "USA", "NATO", "EU", "IAEA"}:
            words.append(w)
        elif w in {"OF", "THE", "AND", "FOR", "DE", "DI", "VAN", "VON", "BIN", "AL"}:
            words.append(w.lower())
        else:
            words.append("-".join(x[:1] + x[1:].lower() for x in w.split("-")))
    s = " ".join(words)
    return s[:1].upper() + s[1:]


def parse_actor_file(path: Path, kind_hint: str) -> list[dict]:
    """TABARI/PETRARCH actor blocks: a header phrase, `+alias` lines, and `[CODE dates]` anywhere."""
    blocks: list[dict] = []
    cur = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("+"):
            if cur is not None:
                p = phrase(line)
                if p:
                    cur["phrases"].append(p)
                cur["codes"] += parse_codes(line.split("#", 1)[0])
            continue
        if line[0] in " \t":
            if cur is not None:
                cur["codes"] += parse_codes(line.split("#", 1)[0])
            continue
        head = line.split("#", 1)
        p = phrase(line)
        if not p:
            continue
        comment = head[1] if len(head) > 1 else ""
        cur = {"name": p, "phrases": [p], "codes": parse_codes(head[0]),
               "person": bool(re.search(r"countryinfo|igorulers", comment, re.I)), "hint": kind_hint}
        blocks.append(cur)
    return [b for b in blocks if b["codes"]]


# Words that mark an institution rather than a person in an undocumented block header.
_ORG_WORDS = {"GOVERNMENT", "MINISTRY", "PARTY", "COUNCIL", "ARMY", "FORCES", "FORCE", "OFFICE", "DEPARTMENT",
              "COMMITTEE", "ASSEMBLY", "PRESIDENT", "MINISTER", "SOVIET", "UNION", "REPUBLIC", "FRONT", "MOVEMENT",
              "CONGRESS", "SENATE", "COURT", "POLICE", "BANK", "AGENCY", "COMMISSION", "BRIGADE", "GROUP", "OF",
              "NATIONAL", "PEOPLE'S", "STATE", "KINGDOM", "FEDERATION", "ORGANIZATION", "ORGANISATION", "ISLANDS"}


def _looks_like_person(b: dict) -> bool:
    words = b["name"].split()
    dated = any(c[1] or c[2] for c in b["codes"])
    return (dated and 2 <= len(words) <= 4 and not (set(words) & _ORG_WORDS)
            and all(re.fullmatch(r"[A-Z][A-Z.'\-]*", w) for w in words))


def block_type(b: dict) -> str:
    codes = [c[0] for c in b["codes"]]
    # Country blocks carry a bare alpha-3 code, sometimes after dated predecessor codes (USRUKR → UKR).
    if not b["person"] and b["hint"] == "country" and codes and re.fullmatch(r"[A-Z]{3}", codes[-1]):
        return "GPE"
    if b["person"] or (b["hint"] != "nonstate" and _looks_like_person(b)):
        return "PERSON"
    return "ORG"


def parse_agents(path: Path) -> tuple[dict, dict]:
    subs: dict[str, list[str]] = {}
    agents: dict[str, str] = {}
    stems: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        s = line.split("#", 1)[0].strip()
        if not s:
            continue
        m = re.match(r"^(![A-Z]+!)\s*=\s*(.+)$", s)
        if m:
            subs[m.group(1)] = [w.strip() for w in m.group(2).split(",")]
            continue
        m = re.match(r"^(.+?)\s*(?:\{[^}]*\})?\s*\[~([A-Z]+)\]", s)
        if not m:
            continue
        raw, suffix = m.group(1).strip(), m.group(2)
        variants = [raw]
        for key, opts in subs.items():
            if key in raw:
                variants = [v.replace(key, o) for v in variants for o in opts]
        for v in variants:
            stemmed = not v.endswith("_")
            p = re.sub(r"\s+", " ", v.replace("_", " ")).strip().upper()
            if not p or "!" in p:
                continue
            if stemmed and p.endswith("MINIST"):
                stems[p] = suffix
            else:
                agents.setdefault(p, suffix)
    return agents, stems


def main() -> int:
    if not DICTS.exists():
        print(f"missing {DICTS}", file=sys.stderr)
        return 2
    blocks = (parse_actor_file(DICTS / "Phoenix.Countries.actors.txt", "country")
              + parse_actor_file(DICTS / "Phoenix.International.actors.txt", "intl")
              + parse_actor_file(DICTS / "Phoenix.MilNonState.actors.txt", "nonstate"))
    entries, countries, best_size = [], {}, {}
    for b in blocks:
        t = block_type(b)
        phrases = list(dict.fromkeys(b["phrases"]))
        codes = [c for c in b["codes"] if c[0] not in {"ELI"} or len(b["codes"]) == 1]
        entries.append([display(b["name"]), t, codes, phrases])
        # The country's own block is the one with the most aliases (cities get small blocks of their own).
        if t == "GPE" and codes[-1][2] is None and len(phrases) > best_size.get(codes[-1][0], 0):
            countries[codes[-1][0]] = display(b["name"])
            best_size[codes[-1][0]] = len(phrases)
    agents, stems = parse_agents(DICTS / "Phoenix.agents.txt")
    data = {
        "source": "PETRARCH2 Phoenix dictionaries (github.com/openeventdata/petrarch2 @676801c), MIT licence, "
                  "Copyright (c) 2014 Open Event Data Alliance; converted by scripts/build_actor_kb.py",
        "entries": entries, "agents": agents, "agent_stems": stems, "countries": countries,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    with gzip.GzipFile(OUT, "wb", mtime=0) as f:
        f.write(raw)
    print(f"{len(entries)} entries ({sum(e[1] == 'PERSON' for e in entries)} people), {len(agents)} agents, "
          f"{len(countries)} countries → {OUT} ({OUT.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
