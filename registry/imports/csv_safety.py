"""CSV injection (formula injection) defence, shared by the public API export and the admin export.

A spreadsheet treats a cell as a formula when it starts with ``=``, ``+``, ``-`` or ``@`` (or their
full-width forms ``＝ ＋ － ＠``, which spreadsheets also read as operators), possibly after leading
white space (`` =1+1``), or with a tab or a carriage return. Following OWASP ("CSV Injection"),
such a cell is prefixed with a single quote so it is shown as text. Only strings are escaped: a
negative number stays a number.

The rule is one regular expression, ``FORMULA_START``: ``escape_formula`` applies it in Python and
``formula_start_sql()`` gives it to PostgreSQL for the COPY export (api/copy_export.py), so both
paths escape the same cells.
"""

import re
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
# White space a spreadsheet may skip before the trigger: ASCII, no-break and the Unicode spaces.
LEADING_SPACE = " \t\n\r\x0b\x0c\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# A tab or CR first, or a trigger after any leading space ("-" last in its bracket: a literal).
_TRIGGER_CLASS = "".join(sorted(FORMULA_TRIGGERS, key=lambda trigger: trigger == "-"))
FORMULA_START = f"[\t\r]|[{LEADING_SPACE}]*[{_TRIGGER_CLASS}]"
_FORMULA = re.compile(f"^(?:{FORMULA_START})")


def is_formula(text: str) -> bool:
    return _FORMULA.match(text) is not None


def escape_formula(value: Any) -> Any:
    """Return ``value`` safe to write into a CSV cell (strings that start like a formula get a ``'``)."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def formula_start_sql() -> str:
    """``^(FORMULA_START)`` as the body of a PostgreSQL E'' string (control characters as \\xHH)."""
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 0x20 else c for c in f"^({FORMULA_START})")
