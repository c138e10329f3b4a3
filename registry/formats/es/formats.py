# Input formats: ISO 8601 only (registry/formats/__init__.py). Everything else is Django's.
from registry.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: F401
