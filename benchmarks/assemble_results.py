"""Write benchmarks/RESULTS.md from the per-area sections in benchmarks/results/.

    .venv/bin/python benchmarks/assemble_results.py

Each section keeps its own command and date; here its headings are shifted so that every area is one
second-level section of RESULTS.md.
"""
from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ("ingest", "actors", "quotes", "events", "stance", "stories", "positions", "web", "scale")
HEADER = """# Benchmark results

Latest figures of every benchmark in `benchmarks/`, each section with the command that produced it.
Each section is kept in `benchmarks/results/<area>.md`; this file is assembled from them by
`benchmarks/assemble_results.py` (headings shifted so that each area is one `##` section).
Quality figures come from the product's own path (`storylens analyze` on files, reading `analysis.json`)
and are reported on a tune part and a score part split by a fixed hash.
Machine: 2 vCPU, shared; wall-clock figures are noisy, ratios are measured within one run.
"""


def shifted(text: str) -> str:
    """Headings so that the section's top heading is level 2."""
    levels = [len(m.group(1)) for m in re.finditer(r"^(#+) ", text, re.M)]
    if not levels:
        return text
    shift = 2 - min(levels)
    return re.sub(r"^(#+) ", lambda m: "#" * max(1, len(m.group(1)) + shift) + " ", text, flags=re.M)


def main() -> None:
    names = list(ORDER) + sorted(p.stem for p in (HERE / "results").glob("*.md") if p.stem not in ORDER)
    parts = [HEADER]
    for name in names:
        path = HERE / "results" / f"{name}.md"
        if path.exists():
            parts.append(shifted(path.read_text(encoding="utf-8")).strip() + "\n")
    (HERE / "RESULTS.md").write_text("\n---\n\n".join(parts), encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'} from {len(parts) - 1} sections")


if __name__ == "__main__":
    main()
