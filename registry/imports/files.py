"""Reading an uploaded or given file as a table, before any row is imported: one implementation for
the admin's import and the ``import_records`` command.

A file that is not a well-formed table is refused as a whole with ``ImportFileError``, whose message
says what is wrong and where (row and line), so that nothing half-read is ever imported:

- CSV must be UTF-8 (with or without a byte order mark). UTF-16, Latin-1 / Windows-1252 bytes, NUL
  bytes and files that are really something else (PNG, ZIP or XLSX, PDF, ...) are named as such.
- A CSV row with fewer or more cells than the header (a file cut short in the middle of a row), a
  quoted cell never closed (a file cut short inside a quote), a badly quoted cell, or a cell longer
  than ``csv.field_size_limit()`` is refused; tablib alone would pad a short row with empty cells
  and import it.
- XLSX must be a real workbook (a ZIP archive holding a sheet), whose cells hold values, not
  formulas (the library would import the value last computed, or nothing).
- A file that would be too big once read is refused before it is parsed, and while it is read
  (``ImportLimits``, from settings: ``REGISTRY_IMPORT_MAX_UNCOMPRESSED_MB``, ``_MAX_ROWS``,
  ``_MAX_COLUMNS``, ``_MAX_CELL_CHARS``): a CSV's size; an XLSX's members as the ZIP archive
  declares them (which is all ``zipfile`` will ever inflate), before openpyxl opens it; then, streaming
  the sheet (openpyxl's read-only mode), its rows (empty ones too), the width of each row, each cell's
  length and the text of all cells together (a short shared string may be used by a million cells).
  A 1 MB workbook had held a 1 GB string, and a 500 KB one 2 million empty rows.

The formats are django-import-export formats, so the admin lists them as it lists its own; CSV is
read as bytes (``is_binary``) so that decoding errors are reported here and not as a server error.
"""

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass

import tablib
from django.conf import settings
from import_export.formats import base_formats

# What a file that is not text usually starts with.
SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an XLSX workbook is one: choose the XLSX format)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.xls or .doc): save it as CSV UTF-8 or XLSX"),
    (b"\x1f\x8b", "a gzip archive"),
)
SAVE_AS_UTF8 = 'Save it as "CSV UTF-8" and upload it again.'


class ImportFileError(ValueError):
    """The file cannot be read as a table; the message says what is wrong and where."""


@dataclass(frozen=True)
class ImportLimits:
    """How big a file may be once read (see the module); ``from_settings()`` for the configured ones."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int

    @classmethod
    def from_settings(cls) -> "ImportLimits":
        return cls(
            max_bytes=int(settings.REGISTRY_IMPORT_MAX_UNCOMPRESSED_MB * 1024 * 1024),
            max_rows=settings.REGISTRY_IMPORT_MAX_ROWS,
            max_columns=settings.REGISTRY_IMPORT_MAX_COLUMNS,
            max_cell_chars=settings.REGISTRY_IMPORT_MAX_CELL_CHARS,
        )

    def check_size(self, size: int, what: str = "The file") -> None:
        if size > self.max_bytes:
            raise ImportFileError(
                f"{what} is {size / 1024 / 1024:.1f} MB once read; the limit is "
                f"{self.max_bytes / 1024 / 1024:g} MB (REGISTRY_IMPORT_MAX_UNCOMPRESSED_MB). Split it."
            )

    def check_rows(self, rows: int) -> None:
        """``rows``: the rows read so far under the header."""
        if rows > self.max_rows:
            raise ImportFileError(
                f"The file has more than {self.max_rows:,} rows (REGISTRY_IMPORT_MAX_ROWS), counting "
                "empty ones. Split it, or delete the empty rows at its end."
            )

    def check_columns(self, columns: int, where: str) -> None:
        if columns > self.max_columns:
            raise ImportFileError(
                f"{where} has {columns:,} columns; the limit is {self.max_columns} "
                "(REGISTRY_IMPORT_MAX_COLUMNS). Delete the columns right of the data."
            )

    def check_cell(self, length: int, where: str) -> None:
        if length > self.max_cell_chars:
            raise ImportFileError(
                f"{where}: a cell of {length:,} characters; the limit is {self.max_cell_chars:,} "
                "(REGISTRY_IMPORT_MAX_CELL_CHARS)."
            )


def _what_it_is(data: bytes) -> str | None:
    for signature, description in SIGNATURES:
        if data.startswith(signature):
            return description
    return None


def _line_of(data: bytes | str, offset: int) -> int:
    return data.count(b"\n" if isinstance(data, bytes) else "\n", 0, offset) + 1


def decode_csv(data: bytes, limits: ImportLimits | None = None) -> str:
    """The text of a CSV file in UTF-8, or ImportFileError saying which encoding it seems to be in."""
    (limits or ImportLimits.from_settings()).check_size(len(data))
    if not data.strip():
        raise ImportFileError("The file is empty: there is no header row.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(f"The file is in UTF-16, not UTF-8. {SAVE_AS_UTF8}")
    found = _what_it_is(data)
    if found:
        raise ImportFileError(f"This is {found}, not a CSV text file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"Line {_line_of(data, error.start)}: byte 0x{data[error.start]:02X} is not UTF-8 text: the "
            f"file is in another encoding (Latin-1 or Windows-1252?) or is not a text file. {SAVE_AS_UTF8}"
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise ImportFileError(
            f"Line {_line_of(text, nul)}: a NUL character: this is a binary file or UTF-16 text, "
            f"not a CSV UTF-8 file. {SAVE_AS_UTF8}"
        )
    return text


def _csv_problem(error: csv.Error) -> str:
    message = str(error)
    if "unexpected end of data" in message:
        return "the file ends inside a quoted cell (a quote is never closed): the file is cut short."
    if "field larger than field limit" in message:
        return f"a cell is longer than {csv.field_size_limit()} characters (a quote that is never closed?)."
    return f"badly quoted cell ({message})."


def read_csv(text: str, limits: ImportLimits | None = None) -> tablib.Dataset:
    """A CSV text as a Dataset: the first non-empty row is the header; every row must be as wide."""
    limits = limits or ImportLimits.from_settings()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    headers, rows = None, []
    try:
        for cells in reader:
            if not cells or cells == [""]:
                continue  # a blank line
            longest = max(map(len, cells))
            if longest > limits.max_cell_chars:
                where = f"Row {len(rows) + 1} (line {reader.line_num})" if headers else "The header row"
                limits.check_cell(longest, where)
            if headers is None:
                limits.check_columns(len(cells), "The header row")
                headers = _header(cells)
                continue
            limits.check_rows(len(rows) + 1)
            if len(cells) != len(headers):
                # Rows are numbered as the import reports them (1 = the first row under the header).
                raise ImportFileError(
                    _width_problem(len(rows) + 1, reader.line_num, len(cells), len(headers))
                )
            rows.append(cells)
    except csv.Error as error:
        where = f"Row {len(rows) + 1} (line {reader.line_num})" if headers else "The header row"
        raise ImportFileError(f"{where}: {_csv_problem(error)}") from None
    if headers is None:
        raise ImportFileError("The file is empty: there is no header row.")
    # Built at once: Dataset.append() checks each row's width again (0.4 s for 100,000 rows).
    return tablib.Dataset(*rows, headers=headers)


def _header(cells: list[str]) -> list[str]:
    names = [cell.strip() for cell in cells]
    seen = set()
    for name in names:
        if name and name in seen:
            raise ImportFileError(f"The header row names the column {name!r} twice.")
        seen.add(name)
    return names


def _width_problem(number: int, line: int, cells: int, columns: int) -> str:
    where = f"Row {number} (line {line})"
    if cells < columns:
        return (
            f"{where} has {cells} cell(s) where the header has {columns} columns: "
            "the row is cut short (a truncated file?)."
        )
    return f"{where} has {cells} cells where the header has {columns} columns: a cell too many."


class CheckedCSV(base_formats.CSV):
    """CSV read as bytes and checked (see the module): decoding errors are ImportFileError."""

    def is_binary(self):
        return True  # the admin then hands over the uploaded bytes undecoded

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text = decode_csv(in_stream) if isinstance(in_stream, bytes) else in_stream
        return read_csv(text)


class CheckedXLSX(base_formats.XLSX):
    """XLSX, refused clearly when the file is not a workbook or a cell holds a formula."""

    def create_dataset(self, in_stream):
        if not in_stream.startswith(b"PK\x03\x04"):
            found = _what_it_is(in_stream)
            raise ImportFileError(
                "This is not an XLSX workbook (an XLSX file is a ZIP archive)"
                f"{f': it is {found}' if found else ''}. "
                "Choose the format the file is in, or save it from the spreadsheet as XLSX."
            )
        try:
            limits = ImportLimits.from_settings()
            check_xlsx_members(in_stream, limits)
            rows = read_xlsx_rows(in_stream, limits)
        except ImportFileError:
            raise
        except Exception as error:  # openpyxl and zipfile raise many kinds on a damaged workbook
            raise ImportFileError(
                f"This XLSX workbook cannot be read ({type(error).__name__}: {error})."
            ) from None
        return rows


def check_xlsx_members(data: bytes, limits: ImportLimits) -> None:
    """Refuse a workbook whose members would inflate past the limit, before any is inflated (the
    sizes the archive declares are all that ``zipfile``, and so openpyxl, will ever read of them);
    then one whose sheets have too many rows, counted on the inflated XML without parsing it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise ImportFileError(
            f"This XLSX workbook cannot be read (a damaged ZIP archive: {error})."
        ) from None
    largest = max(members, key=lambda member: member.file_size, default=None)
    total = sum(member.file_size for member in members)
    if largest is not None and total > limits.max_bytes:
        limits.check_size(
            total,
            f"The workbook (its largest part, {largest.filename}, alone is "
            f"{largest.file_size / 1024 / 1024:.1f} MB)",
        )
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            with archive.open(member) as sheet:
                limits.check_rows(_rows_in_sheet(sheet) - 1)  # the header is not a row


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^<>]*)>")
_ROW_NUMBER = re.compile(rb"\br\s*=\s*[\"'](\d{1,12})")
_LONGEST_TAG_CARRIED = 64 * 1024


def _rows_in_sheet(sheet) -> int:
    """How many rows a sheet's XML makes openpyxl read: its row elements, or the highest row number
    one of them gives (the rows missing before it are read as empty), whichever is more. A fast
    count (a regular expression over the bytes), not a parse; the parse checks again."""
    count = highest = 0
    carried = b""
    while chunk := sheet.read(1024 * 1024):
        data = carried + chunk
        cut = data.rfind(b"<")
        carried = b""
        if cut >= 0 and data.find(b">", cut) < 0 and len(data) - cut <= _LONGEST_TAG_CARRIED:
            data, carried = data[:cut], data[cut:]  # a tag cut in two is read whole with the next chunk
        for tag in _ROW_TAG.finditer(data):
            count += 1
            number = _ROW_NUMBER.search(tag.group(1))
            if number:
                highest = max(highest, int(number.group(1)))
    return max(count, highest)


def read_xlsx_rows(data: bytes, limits: ImportLimits | None = None) -> tablib.Dataset:
    """The first sheet as a Dataset, read as a stream within ``limits``. A formula cell is refused:
    the library would import the value the spreadsheet last computed (or nothing), not what the
    curator sees in the cell."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    limits = limits or ImportLimits.from_settings()
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False).active
    # The size the sheet declares is not used: every row would be padded to its width (A1:XFD1048576
    # is 16,384 cells a row) and empty rows added up to its height. A row is as wide as its last cell.
    sheet.reset_dimensions()
    dataset = tablib.Dataset()
    characters = 0
    for line, cells in enumerate(sheet.iter_rows(), 1):
        if line > limits.max_rows + 1:
            limits.check_rows(line - 1)
        if len(cells) > limits.max_columns:
            limits.check_columns(
                len(cells), f"Row {line - 1} (line {line})" if line > 1 else "The header row"
            )
        for column, cell in enumerate(cells, 1):
            if cell.data_type == "f":
                raise ImportFileError(
                    f"Cell {get_column_letter(column)}{line}: a formula ({str(cell.value)[:40]}), not a value. "
                    "Type the value, or the text, in the cell instead."
                )
            if isinstance(cell.value, str):
                limits.check_cell(len(cell.value), f"Cell {get_column_letter(column)}{line}")
                characters += len(cell.value)
        if characters > limits.max_bytes:
            limits.check_size(characters, f"The text of its cells (up to line {line})")
        values = [cell.value for cell in cells]
        if dataset.headers is None:
            dataset.headers = _header(["" if value is None else str(value) for value in values])
            continue
        width = len(dataset.headers)
        if any(value is not None for value in values[width:]):
            raise ImportFileError(f"Row {line - 1} (line {line}): a cell right of the last named column.")
        dataset.append((values + [None] * width)[:width])
    if dataset.headers is None:
        raise ImportFileError("The workbook's first sheet is empty: there is no header row.")
    return dataset


IMPORT_FORMATS = {"csv": CheckedCSV, "xlsx": CheckedXLSX}
