"""Link local entities of all articles into canonical actors."""
from __future__ import annotations

import re
from typing import Sequence

from ..config import Config
from ..model import Actor, Document


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "actor"


def link_actors(documents: Sequence[Document], config: Config | None = None) -> list[Actor]:
    """Assign entity.actor_id everywhere, rewrite quote speakers and event actors to actor ids."""
    actors: dict[str, Actor] = {}
    for doc in documents:
        for e in doc.entities:
            aid = slug(e.name)
            a = actors.setdefault(aid, Actor(id=aid, name=e.name, type=e.type, country=e.country, code=e.code))
            a.mentions.extend(e.mentions)
            for r in e.roles:
                if r not in a.roles:
                    a.roles.append(r)
            e.actor_id = aid
        local = {e.id: e.actor_id for e in doc.entities}
        for q in doc.quotes:
            q.speaker = local.get(q.speaker, q.speaker) if q.speaker else None
        for v in doc.events:
            v.source = local.get(v.source, v.source) if v.source else None
            v.target = local.get(v.target, v.target) if v.target else None
    for a in actors.values():
        a.aliases = sorted({m.text for m in a.mentions} - {a.name})
    return sorted(actors.values(), key=lambda a: (-len(a.mentions), a.id))
