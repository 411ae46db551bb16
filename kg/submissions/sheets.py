"""Write the XLSX template: the capabilities sheet with drop-down lists, the lists, the docs."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kg.submissions.vocabularies import COLUMN_LISTS, TITLES

ROWS = 2000  # data rows that carry the drop-down lists


def workbook(
    documentation: list[tuple[str, str, str, str]],
    lists: dict,
    several: tuple[str, ...],
    separator: str,
    rows: list[dict] = (),
) -> bytes:
    """Return the template workbook: capabilities (first), lists and documentation sheets.

    `documentation` holds (column, required, help, example) in column order; `several` names
    the columns that take several values, separated by `separator`; `rows` fill the sheet.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = "capabilities"
    where = _write_lists(book.create_sheet("lists"), lists)
    _write_header(sheet, [(row[0], row[2]) for row in documentation])
    for row in rows:
        sheet.append([row.get(doc[0], "") for doc in documentation])
    for number, (name, *_rest) in enumerate(documentation, 1):
        listed = COLUMN_LISTS.get(name)
        if listed in where:
            prompt = (
                f"Several values: separate with '{separator}'."
                if name in several
                else "Pick from the list."
            )
            sheet.add_data_validation(
                _drop_down(name, listed, where[listed], number, name not in several, prompt)
            )
    note = f"Several values in one cell are separated by '{separator}' ({', '.join(several)})."
    _write_documentation(book.create_sheet("documentation"), documentation, note)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_header(sheet, helps: list[tuple[str, str]]) -> None:
    """Write the header row, bold and frozen, each cell's help in a comment."""
    sheet.append([name for name, _ in helps])
    for cell, (_, help_text) in zip(sheet[1], helps, strict=True):
        cell.font = Font(bold=True)
        cell.comment = Comment(help_text, "template", width=320, height=140)
        sheet.column_dimensions[cell.column_letter].width = max(14, len(cell.value) + 4)
    sheet.freeze_panes = "B2"


def _write_lists(sheet, lists: dict) -> dict[str, str]:
    """Write each list as a code column and a label column; return each list's code range."""
    where = {}
    names = [n for n in TITLES if lists.get(n)]
    for index, name in enumerate(names):
        code_col, label_col = 2 * index + 1, 2 * index + 2
        letter = get_column_letter(code_col)
        sheet.cell(1, code_col, TITLES[name]).font = Font(bold=True)
        sheet.cell(1, label_col, "label").font = Font(bold=True)
        for row, (code, label) in enumerate(lists[name], 2):
            sheet.cell(row, code_col, code)
            sheet.cell(row, label_col, label)
        sheet.column_dimensions[letter].width = 16
        sheet.column_dimensions[get_column_letter(label_col)].width = 28
        where[name] = f"lists!${letter}$2:${letter}${len(lists[name]) + 1}"
    return where


def _drop_down(
    column: str, listed: str, source: str, number: int, strict: bool, prompt: str
) -> DataValidation:
    """Return the drop-down of one column: strict for a single code, a guide for several."""
    check = DataValidation(
        type="list",
        formula1=f"={source}",
        allow_blank=True,
        showErrorMessage=strict,
        errorStyle="stop",
        errorTitle=f"Not a known {column}",
        error=f"Pick a value of the list ({TITLES[listed]}, sheet 'lists').",
        promptTitle=column,
        prompt=prompt,
        showInputMessage=True,
    )
    letter = get_column_letter(number)
    check.add(f"{letter}2:{letter}{ROWS + 1}")
    return check


def _write_documentation(sheet, documentation: list[tuple[str, str, str, str]], note: str) -> None:
    """Write the documentation sheet: the separator rule, then one row per column."""
    sheet.append([note])
    sheet.append([])
    sheet.append(["column", "required", "what to write", "example", "drop-down list"])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for column, required, help_text, example in documentation:
        listed = COLUMN_LISTS.get(column)
        sheet.append(
            [column, required, help_text, example, TITLES.get(listed, "") if listed else ""]
        )
    for letter, width in zip("ABCDE", (22, 10, 80, 30, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=4, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
