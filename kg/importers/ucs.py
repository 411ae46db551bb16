"""Read the UCS Satellite Database's tab-separated text format (ucsusa.org)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from kg.errors import KGError
from kg.importers.records import Record, name_variants, number
from kg.importers.text import read_text

NAME = "Name of Satellite, Alternate Names"
REQUIRED = (
    NAME,
    "Country of Operator/Owner",
    "Operator/Owner",
    "Users",
    "Purpose",
    "Class of Orbit",
    "Date of Launch",
    "COSPAR Number",
    "NORAD Number",
)
# UCS "Class of Orbit" -> the orbit scheme's notation.
ORBITS = {"LEO": "LEO", "MEO": "MEO", "GEO": "GEO", "ELLIPTICAL": "HEO"}


def read_ucs(path: Path) -> list[Record]:
    """Read a UCS database text export into records (the database lists operating satellites)."""
    rows = list(csv.reader(io.StringIO(read_text(path)), delimiter="\t"))
    if not rows:
        raise KGError(f"{path}: empty file; expected the UCS header row")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise KGError(
            f"{path}: not a UCS Satellite Database text file: no column(s) "
            f"{', '.join(repr(c) for c in missing)} in its first, tab-separated row"
        )
    records = []
    for line, cells in enumerate(rows[1:], 2):
        row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header) if h}
        if row.get(NAME):
            records.append(_record(line, row))
    return records


def _record(line: int, row: dict[str, str]) -> Record:
    """Return one UCS row as a record."""
    names = name_variants(row[NAME])
    official = row.get("Current Official Name of Satellite", "")
    if official:
        names = tuple(dict.fromkeys((*names, official)))
    owners = tuple(
        p.strip()
        for key in ("Country of Operator/Owner", "Operator/Owner")
        for p in row.get(key, "").split("/")
        if p.strip()
    )
    return Record(
        line=line,
        name=row[NAME],
        names=names,
        cospar=row.get("COSPAR Number", ""),
        norad=row.get("NORAD Number", ""),
        owners=owners,
        users=row.get("Users", ""),
        purpose=row.get("Purpose", ""),
        launch=us_date(row.get("Date of Launch", "")),
        perigee=_figure(row.get("Perigee (km)", "")),
        apogee=_figure(row.get("Apogee (km)", "")),
        inclination=_figure(row.get("Inclination (degrees)", "")),
        period=_figure(row.get("Period (minutes)", "")),
        orbit=ORBITS.get(row.get("Class of Orbit", "").strip().upper(), ""),
        extra={
            "operator": row.get("Operator/Owner", ""),
            "detail": row.get("Detailed Purpose", ""),
            "type_of_orbit": row.get("Type of Orbit", ""),
        },
    )


def _figure(text: str) -> str:
    """Return a UCS figure without thousands separators, or "" when it is not a number."""
    return text.replace(",", "").strip() if number(text) is not None else ""


def us_date(text: str) -> str:
    """Return a UCS date (month/day/year, or already ISO) as YYYY-MM-DD, else as written.

    >>> us_date("3/11/2007"), us_date("2018-02-22"), us_date("")
    ('2007-03-11', '2018-02-22', '')
    """
    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        month, day, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return text[:10] if re.match(r"\d{4}-\d{2}-\d{2}", text) else text
