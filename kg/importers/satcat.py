"""Read CelesTrak's SATCAT CSV format (https://celestrak.org/satcat/satcat-format.php)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kg.errors import KGError
from kg.importers.records import Record, name_variants, orbit_class
from kg.importers.text import read_text

COLUMNS = (
    "OBJECT_NAME",
    "OBJECT_ID",
    "NORAD_CAT_ID",
    "OBJECT_TYPE",
    "OPS_STATUS_CODE",
    "OWNER",
    "LAUNCH_DATE",
    "LAUNCH_SITE",
    "DECAY_DATE",
    "PERIOD",
    "INCLINATION",
    "APOGEE",
    "PERIGEE",
    "RCS",
    "DATA_STATUS_CODE",
    "ORBIT_CENTER",
    "ORBIT_TYPE",
)
REQUIRED = ("OBJECT_NAME", "OBJECT_ID", "NORAD_CAT_ID", "OBJECT_TYPE", "OWNER")
# Operational status codes of the format documentation: + operational, P partially
# operational, B backup, S spare, X extended mission, - nonoperational, D decayed, ? unknown.
STATUS = {
    "+": "operational",
    "P": "operational",
    "B": "operational",
    "S": "operational",
    "X": "operational",
    "-": "retired",
    "D": "decayed",
    "?": "unknown",
    "": "unknown",
}


def read_satcat(path: Path) -> list[Record]:
    """Read a SATCAT CSV file into records, one per row, naming the file on a bad header."""
    reader = csv.DictReader(io.StringIO(read_text(path)))
    header = [h.strip().upper() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise KGError(
            f"{path}: not a SATCAT CSV file: no column(s) {', '.join(missing)}; "
            f"the format's header is {','.join(COLUMNS)}"
        )
    records = []
    try:
        for row in reader:
            cells = {k.strip().upper(): (v or "").strip() for k, v in row.items() if k}
            records.append(_record(reader.line_num, cells))
    except csv.Error as err:
        raise KGError(f"{path}: line {reader.line_num}: not valid CSV: {err}") from err
    return records


def _record(line: int, cells: dict[str, str]) -> Record:
    """Return one SATCAT row as a record."""
    status = STATUS.get(cells.get("OPS_STATUS_CODE", ""), "unknown")
    if cells.get("DECAY_DATE"):
        status = "decayed"
    elements = (cells.get("PERIOD", ""), cells.get("APOGEE", ""), cells.get("PERIGEE", ""))
    return Record(
        line=line,
        name=cells["OBJECT_NAME"],
        names=name_variants(cells["OBJECT_NAME"]),
        cospar=cells["OBJECT_ID"],
        norad=cells["NORAD_CAT_ID"],
        payload=cells["OBJECT_TYPE"] == "PAY",
        status=status,
        owners=(cells["OWNER"],),
        launch=cells.get("LAUNCH_DATE", "")[:10],
        decay=cells.get("DECAY_DATE", "")[:10],
        period=elements[0],
        apogee=elements[1],
        perigee=elements[2],
        inclination=cells.get("INCLINATION", ""),
        orbit=orbit_class(*elements),
        earth=cells.get("ORBIT_CENTER", "EA") in ("", "EA"),
        extra={"type": cells["OBJECT_TYPE"]},
    )
