"""Write docs/schema.md from the JSON Schema (storylens.schema) and an example analysis.json.

    PYTHONPATH=src python scripts/schema_docs.py [--example demo-out/analysis.json]

Without --example the demo corpus is analysed into a scratch folder first. Descriptions come from
the model (comments on the fields in model.py, or storylens.schema.DESCRIPTIONS); examples are the
first value each field takes in the example file.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storylens.schema import SCHEMA_VERSION, json_schema  # noqa: E402
from storylens.store.db import DB_SCHEMA_VERSION  # noqa: E402

INTRO = f"""# analysis.json: the export schema (version {SCHEMA_VERSION})

`storylens analyze` writes `analysis.json`; the web API's JSON and the Python API's objects carry the
same fields. The file is described by a JSON Schema (draft 2020-12) that the package builds from its data
model (`storylens.model`) and ships: `storylens schema` prints it, `storylens schema --check FILE`
validates a file against it, and `storylens.json_schema()` returns it in Python.

- **Offsets are the truth.** Every extracted item carries `article_id` and `start`/`end`: character
  offsets (0-based, end exclusive, Python string indices) into that article's cleaned `text`. A removed
  span's offsets point into the raw text before cleaning instead.
- **Ids.** Article ids are stable hashes of the content; actor ids are stable slugs
  (`vladimir-putin`); quote and event ids are `<article_id>:Q<n>` / `<article_id>:V<n>`; story ids `S<n>`
  are never renumbered.
- **Every field is present** in every object (null when unknown); no other fields appear.
- **Versioning.** `schema_version` is `"{SCHEMA_VERSION}"`. The minor number grows when fields are added,
  the major number when a field changes meaning or disappears.
- **Fixed vocabularies** (enums below) live in `storylens.vocab`.
- The SQLite database records its own layout version in `PRAGMA user_version` (now {DB_SCHEMA_VERSION}) and in
  its `meta` table (`schema_version`, and the `storylens_version` that last wrote it). Its tables follow the
  export's (list-valued fields as JSON text) and declare their foreign keys (quotes.speaker → actors.id,
  mentions.article_id → articles.id, ...), so tools such as Datasette link rows to actors, articles and stories.

This page is generated: `PYTHONPATH=src python scripts/schema_docs.py` (after a change to the model).
"""

ORDER = ["Article", "Removed", "Actor", "Mention", "Quote", "Event", "Story", "SummarySentence", "Claim",
         "ClaimStance", "Contradiction", "Framing", "LoadedTerm", "CoverageGap"]


def type_of(s: dict) -> str:
    if "$ref" in s:
        name = s["$ref"].rsplit("/", 1)[1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in s:
        parts = [type_of(x) for x in s["anyOf"]]
        return " or ".join(parts)
    if "enum" in s:
        return "one of " + ", ".join(f"`{v}`" for v in s["enum"])
    if s.get("type") == "array":
        return "list of " + type_of(s.get("items", {}))
    if s.get("type") == "object":
        return "object"
    if "const" in s:
        return f"`{json.dumps(s['const'])}`"
    return s.get("type", "any")


def first_value(objs: list, field: str):
    for o in objs:
        v = o.get(field)
        if v not in (None, [], "", {}):
            return v
    return objs[0].get(field) if objs else None


def example_text(v) -> str:
    if isinstance(v, list):
        v = v[:1] + (["…"] if len(v) > 1 else [])
    text = json.dumps(v, ensure_ascii=False)
    if len(text) > 90:
        text = text[:87] + "…"
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def objects_of(data: dict) -> dict[str, list]:
    """Example objects per definition name, gathered by walking the file along the schema."""
    schema = json_schema()
    out: dict[str, list] = {}

    def walk(value, s):
        if "$ref" in s:
            name = s["$ref"].rsplit("/", 1)[1]
            if isinstance(value, dict):
                out.setdefault(name, []).append(value)
                for k, sub in schema["$defs"][name]["properties"].items():
                    walk(value.get(k), sub)
        elif "anyOf" in s:
            for sub in s["anyOf"]:
                walk(value, sub)
        elif s.get("type") == "array" and isinstance(value, list):
            for v in value[:200]:
                walk(v, s.get("items", {}))

    for k, sub in schema["properties"].items():
        walk(data.get(k), sub)
    return out


def markdown(data: dict) -> str:
    schema = json_schema()
    examples = objects_of(data)
    lines = [INTRO, "## Top level\n", "| key | type | what it holds |", "|---|---|---|"]
    for k, s in schema["properties"].items():
        lines.append(f"| `{k}` | {type_of(s)} | {s.get('description', '')} |")
    names = [n for n in ORDER if n in schema["$defs"]] + sorted(n for n in schema["$defs"] if n not in ORDER)
    for name in names:
        d = schema["$defs"][name]
        lines += ["", f"## {name}", ""]
        if d.get("description"):
            lines += [d["description"].replace("\n", " "), ""]
        lines += ["| field | type | meaning | example |", "|---|---|---|---|"]
        objs = examples.get(name, [])
        for field, s in d["properties"].items():
            ex = example_text(first_value(objs, field)) if objs else ""
            desc = (s.get("description") or "").replace("|", "\\|")
            lines.append(f"| `{field}` | {type_of(s)} | {desc} | {ex} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--example", type=Path, help="analysis.json to take examples from (default: analyse examples/demo)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "schema.md")
    args = ap.parse_args()
    if args.example is None:
        tmp = Path(tempfile.mkdtemp(prefix="storylens-schema-"))
        subprocess.run([sys.executable, "-m", "storylens.cli", "analyze", str(ROOT / "examples" / "demo"), "--out",
                        str(tmp), "--no-report", "--no-progress"], check=False, cwd=ROOT,
                       env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
        args.example = tmp / "analysis.json"
    data = json.loads(args.example.read_text(encoding="utf-8"))
    args.out.write_text(markdown(data), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
