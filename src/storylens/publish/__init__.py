"""Publishing: the self-contained HTML report, the live web app and its JSON API (shared templates)."""
