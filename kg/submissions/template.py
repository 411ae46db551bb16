"""The spreadsheet template: one row per capability, columns a staff officer understands."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Column:
    """A template column: its header, whether it is required, help and an example."""

    name: str
    required: bool
    help: str
    example: str


COLUMNS = (
    Column("identifier", True, "Short stable key: lower case letters, digits and '-'.",
           "skynet-5"),
    Column("name", True, "The capability's name.", "Skynet 5A-5D"),
    Column("description", False, "One or two sentences, with dates.",
           "Four military communications satellites; 5A launched 11 Mar 2007."),
    Column("provider", True, "ISO 3166 alpha-3 code of the providing nation, or the "
           "organisation's code (EU, NATO).", "GBR"),
    Column("kind", True, "One of: satellite, constellation, hosted-payload, ground-sensor, "
           "ground-station, launch-site, operations-centre, data-service, programme.",
           "constellation"),
    Column("mission_areas", True, "Mission-area notations separated by ';'.",
           "SATCOM.WB; SATCOM.PR"),
    Column("orbit_regime", True, "LEO, MEO, GEO, HEO, NGEO, GND (ground) or NA.", "GEO"),
    Column("status", True, "planned, development, operational, retired or cancelled.",
           "operational"),
    Column("status_as_of", True, "Date the status is true as of: YYYY-MM-DD.", "2026-11-21"),
    Column("contributing_nations", False, "Other nations taking part, ISO alpha-3, ';'.",
           ""),
    Column("operator", False, "Operating organisation as the source names it.",
           "MOD / Airbus (Paradigm)"),
    Column("hosted_on", False, "Identifier of the capability this one is hosted on.", ""),
    Column("marking_system", False, "Marking system of the classification: US (default), "
           "NATO, GBR, AUS, CAN, NZL, FRA, DEU, ITA, NOR.", "US"),
    Column("classification", True, "Classification level in that system: U, C, S, TS "
           "(or the full name).", "U"),
    Column("dissemination", False, "REL (releasable to the nations listed) or NOFORN.", ""),
    Column("releasable_to", False, "With REL: nations (alpha-3) and coalitions (FVEY, "
           "NATO, ...) separated by ','. Must include the provider.", ""),
    Column("interfaces", False, "'produces|consumes DATA-TYPE STANDARD [assumed]' separated "
           "by ';'.", "produces DT.TMTC ccsds-spp assumed"),
    Column("exercise", False, "'yes' for fictional exercise or test records; empty for real "
           "capabilities.", ""),
    Column("source_url", True, "Public source(s) of these facts, separated by ' '.",
           "https://example.org/source"),
)

COLUMN_NAMES = tuple(c.name for c in COLUMNS)


def blank_csv() -> str:
    """Return a blank CSV template: a header row and one commented example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMN_NAMES)
    return out.getvalue()


def documentation_rows() -> list[tuple[str, str, str, str]]:
    """Return (column, required, help, example) rows for the documentation sheet."""
    return [(c.name, "yes" if c.required else "no", c.help, c.example) for c in COLUMNS]


def write_template(path: Path) -> Path:
    """Write a blank template: `.csv` (header row) or `.xlsx` (with a documentation sheet)."""
    if path.suffix == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = "capabilities"
        sheet.append(list(COLUMN_NAMES))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        docs = book.create_sheet("documentation")
        docs.append(["column", "required", "what to write", "example"])
        for row in documentation_rows():
            docs.append(list(row))
        book.save(path)
    else:
        lines = [f"# {c.name}: {'required' if c.required else 'optional'}. {c.help}"
                 for c in COLUMNS]
        path.write_text("\n".join(lines) + "\n" + blank_csv(), encoding="utf-8")
    return path
