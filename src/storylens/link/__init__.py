"""Cross-article actor canonicalisation, the actor knowledge base and the actor registry.

Other packages use only the public names of these modules (listed in each module's ``__all__``);
names with a leading underscore are private to ``link``:

- ``link.actors``: :func:`link_actors` (the link stage) and :func:`resolve_references` (local
  entity references of quotes and events → global actor ids);
- ``link.kb``: the knowledge base (:func:`lookup` codes an actor phrase; country, metonym, title
  and sector helpers);
- ``link.inferred``: states, capitals and places the knowledge base does not know, read from one
  article (:func:`infer` → :class:`Gazetteer`; placeholder country codes);
- ``link.names``: name keys shared by every stage that compares names (accent folding,
  transliteration keys, name particles, slugs);
- ``link.registry``: the user-editable registry (aliases, merges, splits).
"""
