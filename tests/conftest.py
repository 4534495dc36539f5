import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEMO = ROOT / "examples" / "demo"


@pytest.fixture(scope="session")
def nlp():
    from storylens.annotate.nlp import load_nlp
    from storylens.config import Config

    return load_nlp(Config().spacy_model)


def shared_path(*parts) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not present")
    return p
