"""The cells a spreadsheet would run as formulas: every export test writes these and reads them back
escaped (registry/imports/csv_safety.py)."""

FORMULA_PAYLOADS = [
    "=1+1",
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    # White space before the trigger, which spreadsheets skip.
    " =1+1",
    "  +1",
    "\n=1",
    "\u00a0=1+1",
    "\u3000@SUM(1)",
    # The full-width forms, which spreadsheets read as the operators.
    "＝1+1",
    "＋1",
    "－2+3",
    "＠SUM(1)",
    " ＝cmd|' /C calc'!A0",
]
