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

The formats are django-import-export formats, so the admin lists them as it lists its own; CSV is
read as bytes (``is_binary``) so that decoding errors are reported here and not as a server error.
"""

import codecs
import csv
import io

import tablib
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


def _what_it_is(data: bytes) -> str | None:
    for signature, description in SIGNATURES:
        if data.startswith(signature):
            return description
    return None


def _line_of(data: bytes | str, offset: int) -> int:
    return data.count(b"\n" if isinstance(data, bytes) else "\n", 0, offset) + 1


def decode_csv(data: bytes) -> str:
    """The text of a CSV file in UTF-8, or ImportFileError saying which encoding it seems to be in."""
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


def read_csv(text: str) -> tablib.Dataset:
    """A CSV text as a Dataset: the first non-empty row is the header; every row must be as wide."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    headers, rows = None, []
    try:
        for cells in reader:
            if not cells or cells == [""]:
                continue  # a blank line
            if headers is None:
                headers = _header(cells)
                continue
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
            rows = read_xlsx_rows(in_stream)
        except ImportFileError:
            raise
        except Exception as error:  # openpyxl and zipfile raise many kinds on a damaged workbook
            raise ImportFileError(
                f"This XLSX workbook cannot be read ({type(error).__name__}: {error})."
            ) from None
        return rows


def read_xlsx_rows(data: bytes) -> tablib.Dataset:
    """The first sheet as a Dataset. A formula cell is refused: the library would import the value
    the spreadsheet last computed (or nothing), not what the curator sees in the cell."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False).active
    dataset = tablib.Dataset()
    for line, cells in enumerate(sheet.iter_rows(), 1):
        for column, cell in enumerate(cells, 1):
            if cell.data_type == "f":
                raise ImportFileError(
                    f"Cell {get_column_letter(column)}{line}: a formula ({str(cell.value)[:40]}), not a value. "
                    "Type the value, or the text, in the cell instead."
                )
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
