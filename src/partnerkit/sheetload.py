"""Reading spreadsheets to import: .xlsx and .csv files to rows of cells that remember sheet, row and column.

The only reader of import files. It never interprets a cell beyond what the file format says (text, number,
date, formula, error); importplan.py decides what a cell means. A workbook is streamed row by row (openpyxl's
read-only mode), so a sheet of 100,000 rows never sits in memory as a whole; a CSV file is decoded as Finnish
exports really are: UTF-8 with or without a byte order mark, or Windows-1252, fields separated by ';' or ','.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from .messages import LocalizedError

# Larger files are refused before they are opened: a partner list of 100,000 rows is a few megabytes.
MAX_FILE_BYTES = 100 * 1024 * 1024
# An .xlsx is a zip archive: parts that would unpack beyond these sizes are refused before they are read
# (openpyxl keeps the shared strings in memory; a small archive can claim to unpack to gigabytes).
MAX_PART_BYTES = 512 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024
# Rows after the header row; a larger file is refused at this row, so the time and memory it takes stay bounded.
MAX_ROWS = 100_000
_ZIP_MAGIC = b"PK\x03\x04"
# Office's own encryption (and the old binary .xls) keeps the workbook in an OLE compound file, not a zip.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


class SheetError(LocalizedError):
    """A spreadsheet that cannot be read at all; the message names the file and what to do."""


@dataclass(frozen=True)
class RawCell:
    """One non-empty cell as the file stores it: kind s (text), n (number), b (truth value), d (date), f (formula),
    e (error such as #N/A)."""

    column: int  # 1-based
    value: Any
    kind: str


@dataclass(frozen=True)
class SheetRow:
    """One row of the sheet (1-based number as the spreadsheet program shows it) and its non-empty cells."""

    number: int
    cells: tuple[RawCell, ...]


@dataclass
class Table:
    """An opened spreadsheet: its kind, shown name, sheet, and its rows (streamed once)."""

    kind: str  # "xlsx" or "csv"
    shown: str  # the file as messages name it
    sheet: str  # the sheet's name ("" for CSV)
    rows: Iterator[SheetRow]
    other_sheets: tuple[str, ...] = ()
    # Filled once rows are exhausted: merged cell ranges ("B3:B5"), and whether reading stopped at MAX_ROWS.
    merged: list[str] = field(default_factory=list)
    truncated: bool = False
    encoding: str = ""
    delimiter: str = ""

    def where(self, row: int | None = None, column: int | None = None) -> str:
        """Return the location prefix of a message: file.xlsx:Sheet:row:column (CSV: file.csv:row:column)."""
        parts = [self.shown] + ([self.sheet] if self.kind == "xlsx" else [])
        if row is not None:
            parts.append(str(row))
            if column is not None:
                parts.append(get_column_letter(column))
        return ":".join(parts)


def open_table(path: Path, shown: str, sheet: str | None = None) -> Table:
    """Open an .xlsx or .csv file for reading; raise SheetError naming the file when it cannot be read at all."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise SheetError("import_not_file", path=shown)
    except OSError as error:
        raise SheetError("import_cannot_read", path=shown, detail=error.strerror or str(error)) from error
    if size > MAX_FILE_BYTES:
        raise SheetError("import_file_too_large", path=shown, size=size, limit=MAX_FILE_BYTES)
    suffix = path.suffix.lower()
    with path.open("rb") as stream:
        head = stream.read(8)
    if suffix == ".csv":
        return _open_csv(path, shown)
    if suffix in (".xlsx", ".xlsm"):
        if head.startswith(_OLE_MAGIC):
            raise SheetError("import_xlsx_encrypted" if _is_encrypted(path) else "import_xlsx_not_zip", path=shown)
        if not head.startswith(_ZIP_MAGIC):
            raise SheetError("import_xlsx_corrupt", path=shown)
        return _open_xlsx(path, shown, sheet)
    raise SheetError("import_unknown_format", path=shown, suffix=suffix or "-")


def _is_encrypted(path: Path) -> bool:
    # The compound file's directory names its streams in UTF-16; an encrypted workbook has "EncryptedPackage".
    with path.open("rb") as stream:
        return _ENCRYPTED_STREAM in stream.read(4 * 1024 * 1024)


def _open_xlsx(path: Path, shown: str, sheet: str | None) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                limit = MAX_SHARED_STRINGS_BYTES if info.filename.endswith("sharedStrings.xml") else MAX_PART_BYTES
                if info.file_size > limit:
                    raise SheetError("import_xlsx_too_big_part", path=shown, part=info.filename,
                                     size=info.file_size, limit=limit)
            bad = archive.testzip()
            if bad is not None:
                raise SheetError("import_xlsx_corrupt", path=shown)
        # Formulas come as formulas (data_only=False): importplan refuses them instead of taking a cached value
        # the file may not even have. Nothing in a workbook is ever run.
        workbook = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except SheetError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, EOFError,
            zipfile.LargeZipFile) as error:
        raise SheetError("import_xlsx_corrupt", path=shown) from error
    except Exception as error:  # noqa: BLE001 - a broken part raises whatever its XML parser raises
        raise SheetError("import_xlsx_corrupt", path=shown) from error
    names = [ws.title for ws in workbook.worksheets]
    if not names:
        raise SheetError("import_xlsx_corrupt", path=shown)
    if sheet is not None and sheet not in names:
        workbook.close()
        raise SheetError("import_no_such_sheet", path=shown, sheet=sheet, sheets=", ".join(names))
    chosen = sheet if sheet is not None else names[0]
    worksheet = workbook[chosen]
    table = Table("xlsx", shown, chosen, iter(()), tuple(n for n in names if n != chosen))
    table.rows = _xlsx_rows(workbook, worksheet, table)
    return table


def _xlsx_rows(workbook: Any, worksheet: Any, table: Table) -> Iterator[SheetRow]:
    # openpyxl 3.1 (pinned) streams a read-only sheet with its WorkSheetParser; it is used directly because the
    # read-only sheet does not expose the merged ranges, which come after the rows in the sheet's XML.
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        with worksheet._get_source() as source:
            parser = WorkSheetParser(source, worksheet._shared_strings, data_only=False, epoch=workbook.epoch,
                                     date_formats=workbook._date_formats,
                                     timedelta_formats=workbook._timedelta_formats)
            for number, cells in parser.parse():
                if number > MAX_ROWS + 1:
                    table.truncated = True
                    break
                found = tuple(RawCell(c["column"], c["value"], _xlsx_kind(c)) for c in cells
                              if c["value"] is not None and c["value"] != "")
                if found:
                    yield SheetRow(number, found)
            if parser.merged_cells is not None:
                table.merged = [str(cell.ref) for cell in parser.merged_cells.mergeCell]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as error:
        raise SheetError("import_xlsx_corrupt", path=table.shown) from error
    except Exception as error:  # noqa: BLE001 - the XML parser's own errors (expat, lxml) mean a broken part
        if isinstance(error, SheetError):
            raise
        raise SheetError("import_xlsx_corrupt", path=table.shown) from error
    finally:
        workbook.close()


def _xlsx_kind(cell: dict[str, Any]) -> str:
    kind = cell.get("data_type", "s")
    value = cell["value"]
    if kind == "f":
        return "f"  # also array and data-table formulas, whose value is an object, not a text
    if isinstance(value, (datetime, date, time)):
        return "d"
    if isinstance(value, bool):
        return "b"
    if isinstance(value, (int, float)):
        return "n"
    return "e" if kind == "e" else "s"


def _open_csv(path: Path, shown: str) -> Table:
    data = path.read_bytes()
    text, encoding = decode_csv(data, shown)
    first = text.split("\n", 1)[0]
    skip_sep_line = first.lower().startswith("sep=") and len(first.rstrip("\r")) == 5
    delimiter = first.rstrip("\r")[4] if skip_sep_line else sniff_delimiter(first)
    if skip_sep_line:
        text = text.split("\n", 1)[1] if "\n" in text else ""
    table = Table("csv", shown, "", iter(()), encoding=encoding, delimiter=delimiter)
    table.rows = _csv_rows(text, delimiter, table)
    return table


def decode_csv(data: bytes, shown: str) -> tuple[str, str]:
    """Return a CSV file's text and the encoding it was read in: UTF-8 (BOM or not), UTF-16 with BOM, Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        # Windows-1252 decodes nearly any bytes, so strict UTF-8 is tried first: a file that is valid UTF-8 is
        # almost never meant as Windows-1252 (it would need "Ã¤"-like pairs written on purpose).
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n"), encoding
        except UnicodeDecodeError as error:
            failure = error
    position = failure.start
    line = data.count(b"\n", 0, position) + 1
    raise SheetError("import_csv_encoding", path=shown, line=line, byte=f"0x{data[position]:02X}")


def sniff_delimiter(header_line: str) -> str:
    """Return the field separator of a CSV file from its header line: the most frequent of ';', ',' and tab."""
    counts = {sep: _count_outside_quotes(header_line, sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: (counts[sep], sep == ";"))
    return best if counts[best] else ";"


def _count_outside_quotes(line: str, sep: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == sep and not quoted:
            count += 1
    return count


def _csv_rows(text: str, delimiter: str, table: Table) -> Iterator[SheetRow]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                        strict=False)
    try:
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS + 1:
                table.truncated = True
                break
            cells = tuple(RawCell(column, value, "s") for column, value in enumerate(record, start=1)
                          if value.strip() != "")
            if cells:
                yield SheetRow(number, cells)
    except csv.Error as error:
        raise SheetError("import_csv_broken", path=table.shown, line=reader.line_num, detail=str(error)) from error
