"""The user-editable actor registry (YAML): aliases, merges and splits applied on the next run.

Format (see docs/registry.md and examples/registry.yaml)::

    actors:                      # declare an actor or correct one the linker builds
      - name: Volodymyr Zelensky
        id: volodymyr-zelensky   # optional; default: slug of the name
        type: PERSON             # optional
        aliases: [Zelenskyy, "Ukraine's president"]
        country: UKR             # optional overrides
        code: UKRGOV
        roles: [President of Ukraine]
    merge:                       # each item: actor ids or names that are one actor (first one wins)
      - [vladimir-putin, putin]
    split:                       # keep these names apart from any automatic merge
      - name: Vladimir Zelenskiy
        id: vladimir-zelenskiy   # optional
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .names import fold, slug

__all__ = ["RegActor", "Registry", "RegistryError", "load_registry", "norm", "parse_registry"]


def norm(text: str) -> str:
    return " ".join(fold(text).lower().replace("’", "'").split())


@dataclass
class RegActor:
    name: str
    id: str
    type: str | None = None
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    code: str | None = None
    roles: list[str] = field(default_factory=list)


@dataclass
class Registry:
    actors: list[RegActor] = field(default_factory=list)
    merges: list[list[str]] = field(default_factory=list)
    splits: list[dict] = field(default_factory=list)

    def alias_index(self) -> dict[str, int]:
        """normalised alias or name → index into `actors`."""
        out = {}
        for i, a in enumerate(self.actors):
            for t in [a.name, *a.aliases]:
                out.setdefault(norm(t), i)
        return out

    def split_index(self) -> dict[str, str]:
        """normalised name → actor id for split-off names."""
        return {norm(s["name"]): s.get("id") or slug(s["name"]) for s in self.splits}


class RegistryError(ValueError):
    pass


def load_registry(path: str | Path | None) -> Registry:
    """Read a registry file; a missing path gives an empty registry, a malformed one raises RegistryError."""
    if not path:
        return Registry()
    p = Path(path)
    if not p.exists():
        raise RegistryError(f"registry file not found: {p}")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RegistryError(f"registry {p} is not valid YAML: {exc}") from exc
    return parse_registry(data, str(p))


def parse_registry(data: dict, where: str = "registry") -> Registry:
    if not isinstance(data, dict):
        raise RegistryError(f"{where}: top level must be a mapping with actors/merge/split")
    reg = Registry()
    for i, a in enumerate(data.get("actors") or []):
        if not isinstance(a, dict) or not a.get("name"):
            raise RegistryError(f"{where}: actors[{i}] needs a name")
        aliases = a.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [aliases]
        roles = a.get("roles") or []
        if isinstance(roles, str):
            roles = [roles]
        reg.actors.append(RegActor(name=str(a["name"]), id=str(a.get("id") or slug(str(a["name"])))
                                   , type=a.get("type"), aliases=[str(x) for x in aliases],
                                   country=a.get("country"), code=a.get("code"), roles=[str(r) for r in roles]))
    for i, m in enumerate(data.get("merge") or []):
        if isinstance(m, dict):
            m = [m.get("into"), *(m.get("from") or [])]
        if not isinstance(m, list) or len([x for x in m if x]) < 2:
            raise RegistryError(f"{where}: merge[{i}] must list at least two actor ids or names")
        reg.merges.append([str(x) for x in m if x])
    for i, s in enumerate(data.get("split") or []):
        if isinstance(s, str):
            s = {"name": s}
        if not isinstance(s, dict) or not s.get("name"):
            raise RegistryError(f"{where}: split[{i}] needs a name")
        reg.splits.append({"name": str(s["name"]), "id": s.get("id")})
    return reg
