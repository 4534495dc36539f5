"""Per-article annotation: sentences and entities (spaCy), quotes, events."""
