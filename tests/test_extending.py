"""The examples of docs/extending.md, run as written: a new stage and a new reader, one module and one
line of configuration each."""
import re
import sys
from pathlib import Path

import pytest

from storylens.config import Config
from storylens.pipeline import ingest_and_store
from storylens.registry import PipelineError, check_pipeline
from storylens.store import Store

DOC = Path(__file__).resolve().parents[1] / "docs" / "extending.md"
ARTICLE = ("Senator Maria Okafor of Nigeria met Foreign Minister Anil Varma of India in Geneva on Tuesday. "
           "\u201cWe came to make progress,\u201d Okafor told reporters. Varma said India would not sign "
           "before the elections. The United Nations urged both governments to return to the table.")


@pytest.fixture
def doc_modules(tmp_path, monkeypatch):
    """Write every `# file:` code block of the document under tmp_path and put it on sys.path."""
    blocks = re.findall(r"```python\n# file: (\S+)\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    for name, code in blocks:
        f = tmp_path / "plugins" / name
        f.parent.mkdir(parents=True, exist_ok=True)
        (f.parent / "__init__.py").touch()
        f.write_text(code, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "plugins"))
    from storylens import ingest, registry  # noqa: F401  (built-in stages and readers registered first)

    registry.get_stage("entities")
    stages, readers = dict(registry.STAGES), dict(registry.READERS)
    yield
    registry.STAGES.clear()
    registry.STAGES.update(stages)
    registry.READERS.clear()
    registry.READERS.update(readers)
    for m in [m for m in sys.modules if m.startswith(("my_stages", "my_readers"))]:
        del sys.modules[m]


def test_example_stage_and_reader_run_in_the_pipeline(tmp_path, doc_modules, nlp):
    import csv

    folder = tmp_path / "in"
    folder.mkdir()
    with (folder / "items.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "text", "url"])
        w.writerow(["Talks in Geneva", ARTICLE, "https://example.org/geneva"])
        w.writerow(["Empty", "", ""])
    config = Config(plugins=["my_readers.csv_reader"],
                    stages=["entities", "quotes", "events", "my_stages.reading_time:reading_time"])
    store = Store(tmp_path / "db.sqlite")
    summary = ingest_and_store([str(folder)], store, config)
    assert summary.stored == 1 and [s.reason for s in summary.skipped] == ["no text column"]
    (doc,) = list(store.iter_documents())
    assert doc.article.kind == "csv" and doc.article.url == "https://example.org/geneva"
    assert doc.extras == {"reading_time": round(len(ARTICLE.split()) / 230, 1)} and doc.quotes


def test_requirements_are_checked_at_start_up(doc_modules):
    with pytest.raises(PipelineError, match="no registered stage provides 'sentiment'"):
        from storylens.registry import stage

        stage("needs_sentiment", requires=("sentiment",))(lambda doc: None)
        check_pipeline(["entities", "needs_sentiment"])
    with pytest.raises(PipelineError, match="works on the corpus"):
        check_pipeline(["entities", "link"])
