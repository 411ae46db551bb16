"""Read the XLSX template: the archive checked first (no DTD, no zip bomb), then its first sheet."""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import iterparse

from kg.errors import KGError
from kg.submissions.tabular import table_rows
from kg.submissions.template import COLUMN_NAMES

MAX_SHEET_ROWS = 100_000  # rows read from a sheet, blank ones included
MAX_COLUMNS = 200
MAX_PARTS = 1000
MAX_UNPACKED = 200 * 2**20  # bytes a workbook may unpack to


def rows_of_xlsx(data: bytes, name: str) -> list[tuple[int, dict]]:
    """Return (row number, row) pairs from the first sheet of a workbook.

    The archive is checked first (`check_workbook`); openpyxl then reads at most
    `MAX_COLUMNS` columns and `MAX_SHEET_ROWS` rows, blank ones included.
    """
    from openpyxl import load_workbook

    check_workbook(data, name)
    table, numbers = [], []
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the sheet's own <dimension> may claim a million rows
        for number, values in enumerate(
            sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), 1
        ):
            if number > MAX_SHEET_ROWS:
                raise KGError(f"{name}: more than {MAX_SHEET_ROWS} rows in the first sheet")
            cells = ["" if v is None else str(v).strip() for v in values]
            if len(cells) > MAX_COLUMNS and cells[MAX_COLUMNS]:
                raise KGError(f"{name}: row {number}: more than {MAX_COLUMNS} columns")
            if any(cells):
                table.append(cells[:MAX_COLUMNS])
                numbers.append(number)
    except KGError:
        raise
    except Exception as err:  # openpyxl raises many types for a damaged file
        raise KGError(f"{name}: not a readable .xlsx workbook: {err}") from err
    if not table:
        raise KGError(
            f"{name}: the first sheet is empty; expected a header row: {','.join(COLUMN_NAMES)}"
        )
    return table_rows(table, numbers, name)


def check_workbook(data: bytes, name: str) -> None:
    """Refuse a workbook that is not a sound zip of XML parts: no DTD, no bomb.

    Every part that holds XML is read by defusedxml with DTDs forbidden (so no entity, local
    or external, is ever declared), and the archive may unpack to at most `MAX_UNPACKED`
    bytes; zipfile stops each part at its declared size and checks its CRC.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as err:
        raise KGError(f"{name}: not a readable .xlsx workbook (not a zip archive: {err})") from None
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED:
        raise KGError(
            f"{name}: the workbook unpacks to more than {MAX_UNPACKED // 2**20} MiB "
            f"or {MAX_PARTS} parts; it is refused as a possible zip bomb"
        )
    for part in parts:
        try:
            with archive.open(part) as stream:
                _check_xml(stream, f"{name}: {part.filename}")
        except KGError:
            raise
        except Exception as err:  # zipfile: bad CRC, unsupported compression, truncation
            raise KGError(f"{name}: {part.filename}: damaged part of the workbook: {err}") from None


def _check_xml(stream, where: str) -> None:
    """Parse one part with defusedxml when it holds XML; refuse any DTD or bad XML."""
    head = stream.peek(64)[:64] if hasattr(stream, "peek") else b""
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return  # not XML (an image, a binary part): openpyxl does not parse it as XML
    try:
        for _, element in iterparse(stream, forbid_dtd=True):
            element.clear()
    except DTDForbidden:
        raise KGError(
            f"{where}: a DOCTYPE (DTD) is not allowed in a workbook; save it "
            "again from a spreadsheet program"
        ) from None
    except (DefusedXmlException, ParseError) as err:
        raise KGError(f"{where}: not well-formed XML: {err}") from None
