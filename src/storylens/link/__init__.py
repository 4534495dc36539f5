"""Cross-article actor canonicalisation and the actor registry."""
