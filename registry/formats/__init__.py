"""Dates are typed as ISO 8601 only, in every language of the site (settings.FORMAT_MODULE_PATH).

Django's own formats for English read 03/05/2024 as 5 March (month first), and its Spanish ones as
3 May: a date typed in a form (the admin's "accessed on", a filter) meant whatever the browser's
language said. Here every language accepts YYYY-MM-DD (and, for a date and time, YYYY-MM-DD HH:MM
with optional seconds) and nothing else; output formats stay Django's. A language added to
settings.LANGUAGES needs its module here (tests/test_refusals.py checks each).
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
