"""Citable data releases: a dated, versioned copy of every published record (one CSV per table of
the API, a Frictionless data package, CITATION.cff, CHANGELOG.md and SHA256SUMS), written by
``manage.py make_release`` into ``REGISTRY_RELEASES_DIR`` and served at /releases/ (web/views.py)."""
