"""The stages shipped with storylens. Every module of this package is imported on first use of the
registry, so a new stage here is one new module (registering itself with ``@stage``) plus its name
in ``Config.stages`` or ``Config.corpus_stages``."""
from __future__ import annotations

import importlib
import pkgutil

for _m in sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")):
    importlib.import_module(f"{__name__}.{_m}")
