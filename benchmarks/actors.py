"""Actor country/code accuracy on the PLOVER gold-standard records.

For every source/target actor of ../shared/data/plover-gsr (gold `actorText` with an ISO-3166
alpha-3 country or IGO code, and a sector such as GOV/MIL/REB for some), we run the entity
stage on the record's sentence and take the entity whose mention overlaps the actor span;
we score its country (and, where the gold has a sector, the sector part of its CAMEO-style
code). Spans where the entity stage finds nothing fall back to `kb.lookup(actorText)`, the
way the events stage codes actor phrases; `kb.lookup` alone is reported too.

Usage:  .venv/bin/python benchmarks/actors.py [--write]
(--write also writes benchmarks/results/actors.md)
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GSR = ROOT.parent / "shared" / "data" / "plover-gsr" / "gold_standard_records" / "PLOVER_GSR_CAMEO.txt"
sys.path.insert(0, str(ROOT / "src"))


def _gold_country(code: str | None) -> str | None:
    if not code:
        return None
    return "IGO" if code.startswith("IGO") else code[:3]


def _pred_country(country: str | None, code: str | None) -> str | None:
    if code and code.startswith("IGO"):
        return "IGO"
    return country


def _sector(code: str | None, country: str | None) -> str | None:
    if not code:
        return None
    if code.startswith("IGO"):
        return None
    return code[3:6] or None if country and code.startswith(country) else None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if not GSR.exists():
        print(f"missing {GSR}")
        return 2
    from storylens.annotate.entities import extract_entities
    from storylens.annotate.nlp import load_nlp
    from storylens.config import Config
    from storylens.link.kb import lookup
    from storylens.model import Article, Document

    nlp = load_nlp(Config().spacy_model)
    records = [r for r in json.loads(GSR.read_text(encoding="utf-8")) if r.get("event") != "DOCUMENT"]
    c = Counter()
    misses = []
    for r in records:
        text = r["text"]
        sdoc = nlp(text)
        doc = Document(article=Article(id=r["id"], source_path="gsr", text=text, published=r.get("date")), _spacy=sdoc)
        extract_entities(doc)
        for role in ("source", "target"):
            actors = r.get(role)
            if not isinstance(actors, list):
                continue
            for a in actors:
                gold = _gold_country(a.get("code"))
                if not gold or not a.get("actorText"):
                    continue
                c["spans"] += 1
                at = a["actorText"].strip()
                s = text.find(at)
                ent = None
                if s >= 0:
                    e = s + len(at)
                    hits = [(en, m) for en in doc.entities for m in en.mentions if m.start < e and s < m.end]
                    # Prefer people, then the longest overlap.
                    hits.sort(key=lambda h: (h[0].type != "PERSON" or h[0].country is None, -(min(e, h[1].end) - max(s, h[1].start))))
                    ent = hits[0][0] if hits else None
                kb = lookup(at, r.get("date"))
                kb_country = _pred_country(kb["country"], kb["code"]) if kb else None
                if ent is not None and (ent.country or ent.code):
                    pred, pcode, how = _pred_country(ent.country, ent.code), ent.code, "entity"
                else:
                    pred, pcode, how = kb_country, (kb or {}).get("code"), "kb"
                c[f"via_{how}"] += 1
                c["country_ok"] += pred == gold
                c["kb_only_ok"] += kb_country == gold
                c["answered"] += pred is not None
                c["answered_ok"] += pred is not None and pred == gold
                sector = (a.get("sector") or "").upper()[:3]
                if sector and sector != "***" and gold != "IGO":
                    c["sector_spans"] += 1
                    c["sector_ok"] += _sector(pcode, pred) == sector
                if pred != gold:
                    misses.append(f"{at!r}: gold {gold}, got {pred} ({how})")
    n = c["spans"]
    lines = [
        f"actor spans with a gold country/IGO code: {n} (in {len(records)} records)",
        f"country correct (entity stage, kb.lookup fallback): {c['country_ok']}/{n} = {c['country_ok'] / n:.1%}",
        f"  answered {c['answered']}/{n}; precision when answered {c['answered_ok'] / max(1, c['answered']):.1%}",
        f"  decided by the entity stage {c['via_entity']}, by kb.lookup {c['via_kb']}",
        f"country correct, kb.lookup(actorText) alone: {c['kb_only_ok']}/{n} = {c['kb_only_ok'] / n:.1%}",
        f"sector part of the code correct (spans whose gold has a sector): {c['sector_ok']}/{c['sector_spans']} = "
        f"{c['sector_ok'] / max(1, c['sector_spans']):.1%}",
    ]
    print("\n".join(lines))
    print("\nfirst misses:")
    for m in misses[:25]:
        print("  " + m)
    if args.write:
        out = ROOT / "benchmarks" / "results" / "actors.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            "# Actors: country and code of gold actor spans (PLOVER GSR)\n\n"
            f"Date: {dt.date.today().isoformat()}  \n"
            "Command: `.venv/bin/python benchmarks/actors.py --write`  \n"
            "Data: ../shared/data/plover-gsr/gold_standard_records/PLOVER_GSR_CAMEO.txt (development half, CC BY-SA 4.0)\n\n"
            "```\n" + "\n".join(lines) + "\n```\n\n"
            "Gold codes are ISO-3166 alpha-3 or IGO; a predicted code starting with IGO counts as IGO. "
            "The sector is the part of the CAMEO-style code after the country (GOV, MIL, REB, ...).\n\n"
            "Tuning note: these records are the development half. The first run gave 84.4% country and 42.8% "
            "sector; after reading its misses these general changes were made: dictionary names ending in a period "
            "indexed without it, old CAMEO country codes mapped to ISO (TMP → TLS), a title in the text overriding a "
            "stale or elite-only dictionary code, a lone surname with a title matched when only one known person "
            "carries it, and generic agent words (opposition, helicopter, tank, aircraft, administrator, inhabitant, "
            "youth, people, hacker, general, commander) added to data/actors/supplement.yaml. Expect somewhat lower "
            "figures on the held-out half.\n\n"
            "Misses (first 25):\n\n" + "\n".join(f"- {m}" for m in misses[:25]) + "\n",
            encoding="utf-8")
        print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
