"""storylens: a sourced map of a developing political story from many outlets.

The Python API (see docs/python-api.md)::

    import storylens
    result = storylens.analyze(["folder/", "One more article as plain text ..."])
    result.quotes[0].speaker, result.to_pandas()["events"]
    store = storylens.open("out/storylens.sqlite")

``import storylens`` is cheap: the pipeline, spaCy and the models load on first use.
"""
from __future__ import annotations

__version__ = "0.2.0"

__all__ = ["__version__", "analyze", "open", "AnalysisResult", "SCHEMA_VERSION", "json_schema"]

_LAZY = {
    "analyze": ("storylens.api", "analyze"),
    "open": ("storylens.api", "open_store"),
    "AnalysisResult": ("storylens.api", "AnalysisResult"),
    "SCHEMA_VERSION": ("storylens.schema", "SCHEMA_VERSION"),
    "json_schema": ("storylens.schema", "json_schema"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'storylens' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
