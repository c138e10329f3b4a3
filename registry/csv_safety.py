"""CSV injection (formula injection) defence, shared by the public API export and the admin export.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
as a formula. Following OWASP ("CSV Injection"), such a cell is prefixed with a single quote so it is
shown as text. Only strings are escaped: a negative number stays a number.
"""

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """Return ``value`` safe to write into a CSV cell (strings starting with a trigger get a ``'``)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
