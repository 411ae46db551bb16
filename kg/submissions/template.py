"""The spreadsheet template: one row per capability, columns a staff officer understands."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path

CLASSIFICATION_FILE = (
    Path(__file__).resolve().parents[2] / "ontology" / "vocab" / "classification.ttl"
)


@dataclass(frozen=True)
class Column:
    """A template column: its header, whether it is required, help and an example."""

    name: str
    required: bool
    help: str
    example: str


COLUMNS = (
    Column("identifier", True, "Short stable key: lower case letters, digits and '-'.", "skynet-5"),
    Column("name", True, "The capability's name.", "Skynet 5A-5D"),
    Column(
        "description",
        False,
        "One or two sentences, with dates.",
        "Four military communications satellites; 5A launched 11 Mar 2007.",
    ),
    Column(
        "provider",
        True,
        "ISO 3166 alpha-3 code of the providing nation, or the organisation's code (EU, NATO).",
        "GBR",
    ),
    Column(
        "kind",
        True,
        "One of: satellite, constellation, hosted-payload, ground-sensor, "
        "ground-station, launch-site, operations-centre, data-service, programme.",
        "constellation",
    ),
    Column("mission_areas", True, "Mission-area notations.", "SATCOM.WB; SATCOM.PR"),
    Column("orbit_regime", True, "LEO, MEO, GEO, HEO, NGEO, GND (ground) or NA.", "GEO"),
    Column(
        "status", True, "planned, development, operational, retired or cancelled.", "operational"
    ),
    Column(
        "status_as_of",
        True,
        "Date a source last confirmed the status: YYYY-MM-DD (not a "
        "launch or other event date: those have their own columns).",
        "2026-11-21",
    ),
    Column("contributing_nations", False, "Other nations taking part, ISO alpha-3.", "FRA; DEU"),
    Column(
        "operator",
        False,
        "Operating organisation as the source names it.",
        "MOD / Airbus (Paradigm)",
    ),
    Column("hosted_on", False, "Identifier of the capability this one is hosted on.", ""),
    Column(
        "marking_system",
        False,
        "Marking system of the classification: US (default), "
        "NATO, GBR, AUS, CAN, NZL, FRA, DEU, ITA, NOR.",
        "US",
    ),
    Column(
        "classification",
        True,
        "Classification level in that marking system, by its code or full name. Levels by system:",
        "U",
    ),
    Column("dissemination", False, "REL (releasable to the nations listed) or NOFORN.", ""),
    Column(
        "releasable_to",
        False,
        "With REL: nations (alpha-3) and coalitions (FVEY, NATO, ...). Must include the provider.",
        "GBR; FVEY",
    ),
    Column(
        "interfaces",
        False,
        "Each 'produces|consumes DATA-TYPE STANDARD [assumed]'.",
        "produces DT.TMTC ccsds-spp assumed",
    ),
    Column(
        "exercise",
        False,
        "'yes' for fictional exercise or test records; empty for real capabilities.",
        "",
    ),
    Column(
        "source_url",
        True,
        "Public source(s) of these facts.",
        "https://example.org/source",
    ),
    # Identity, orbit and membership of space objects (added after source_url, so that
    # templates written before they existed still read the same).
    Column(
        "member_of",
        False,
        "Identifier of the constellation this satellite belongs to "
        "(the constellation is counted once, with its members).",
        "skynet-5",
    ),
    Column(
        "funding_nations",
        False,
        "Nations (alpha-3) that paid for this capability of "
        "another partner, in return for its use.",
        "",
    ),
    Column(
        "cospar_id",
        False,
        "International designator (COSPAR ID), as in the SATCAT OBJECT_ID: YYYY-NNNA.",
        "2007-007B",
    ),
    Column(
        "norad_id", False, "NORAD catalogue number (SATCAT NORAD_CAT_ID), a whole number.", "30794"
    ),
    Column(
        "launch_date",
        False,
        "Launch date (UTC): YYYY-MM-DD, or YYYY-MM or YYYY when only "
        "that is public. For a constellation, its first launch.",
        "2007-03-11",
    ),
    Column(
        "operational_date",
        False,
        "Date it was declared operational or entered service: YYYY-MM-DD, YYYY-MM or YYYY.",
        "",
    ),
    Column("decay_date", False, "Date it re-entered (SATCAT DECAY_DATE): YYYY-MM-DD.", ""),
    Column("perigee_km", False, "Perigee altitude in km.", ""),
    Column("apogee_km", False, "Apogee altitude in km.", ""),
    Column("inclination_deg", False, "Inclination in degrees (0-180).", ""),
    Column("period_min", False, "Orbital period in minutes.", ""),
    Column(
        "orbit_as_of",
        False,
        "Date of the orbit figures (the source's epoch or edition): YYYY-MM-DD.",
        "",
    ),
)

COLUMN_NAMES = tuple(c.name for c in COLUMNS)
SEPARATOR = ";"  # between the values of every multi-valued cell
MULTI_VALUED = (
    "mission_areas",
    "contributing_nations",
    "releasable_to",
    "interfaces",
    "source_url",
    "funding_nations",
)
SEPARATOR_NOTE = (
    f"Several values in one cell are separated by '{SEPARATOR}' "
    f"(columns {', '.join(MULTI_VALUED)})."
)


def blank_csv() -> str:
    """Return a blank CSV template: a header row and one commented example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMN_NAMES)
    return out.getvalue()


def levels_by_system(source=CLASSIFICATION_FILE) -> dict[str, list[str]]:
    """Return each marking system's levels, lowest first, as 'CODE (Full name)'.

    `source` is the classification vocabulary file, or a graph that holds it.
    """
    import rdflib
    from rdflib.namespace import RDF, SKOS

    graph = source if isinstance(source, rdflib.Graph) else rdflib.Graph().parse(source)
    csig = "https://w3id.org/csig/ont#"
    ranked = []
    for level in graph.subjects(RDF.type, rdflib.URIRef(csig + "ClassificationLevel")):
        system = graph.value(graph.value(level, SKOS.inScheme), SKOS.notation)
        code, name = graph.value(level, SKOS.notation), graph.value(level, SKOS.prefLabel)
        rank = graph.value(level, rdflib.URIRef(csig + "rank"))
        text = f"{code} ({name})" if name and str(name) != str(code) else str(code)
        ranked.append((str(system).upper(), int(rank or 0), text))
    found: dict[str, list[str]] = {}
    for system, _rank, text in sorted(ranked):
        found.setdefault(system, []).append(text)
    return found


def documented_columns(path: Path = CLASSIFICATION_FILE) -> list[Column]:
    """Return the columns, the classification column listing the levels of every system."""
    levels = "; ".join(
        f"{system}: {', '.join(names)}" for system, names in levels_by_system(path).items()
    )
    return [_documented(c, levels) for c in COLUMNS]


def _documented(column: Column, levels: str) -> Column:
    """Return a column whose help lists the levels, or states the separator of its values."""
    if column.name == "classification":
        return replace(column, help=f"{column.help} {levels}.")
    if column.name in MULTI_VALUED:
        return replace(column, help=f"{column.help} Several: separate with '{SEPARATOR}'.")
    return column


def documentation_rows(path: Path = CLASSIFICATION_FILE) -> list[tuple[str, str, str, str]]:
    """Return (column, required, help, example) rows for the documentation sheet."""
    return [
        (c.name, "yes" if c.required else "no", c.help, c.example) for c in documented_columns(path)
    ]


def write_template(
    path: Path, classification: Path = CLASSIFICATION_FILE, lists: dict | None = None
) -> Path:
    """Write a blank template: `.csv` (documented header) or `.xlsx` (drop-downs, documentation).

    `classification` is the classification vocabulary whose levels the template lists; `lists`
    the codes of the coded columns (`kg.submissions.vocabularies`; default: the bundled files).
    """
    if path.suffix == ".xlsx":
        path.write_bytes(xlsx_template(classification, lists))
    else:
        path.write_text(csv_template(classification), encoding="utf-8")
    return path


def csv_template(classification: Path = CLASSIFICATION_FILE) -> str:
    """Return the CSV template: '#' lines documenting each column, then the header row."""
    lines = [f"# {SEPARATOR_NOTE}"] + [
        f"# {c.name}: {'required' if c.required else 'optional'}. {c.help}"
        for c in documented_columns(classification)
    ]
    return "\n".join(lines) + "\n" + blank_csv()


def xlsx_template(
    classification: Path = CLASSIFICATION_FILE, lists: dict | None = None, rows: list = ()
) -> bytes:
    """Return the XLSX template: drop-down lists for coded columns and a documentation sheet.

    `rows` (dicts by column name) fill the capabilities sheet, for an importer's result.
    """
    from kg.submissions.sheets import workbook
    from kg.submissions.vocabularies import content_lists

    return workbook(
        documentation_rows(classification),
        lists or content_lists(),
        MULTI_VALUED,
        SEPARATOR,
        list(rows),
    )
