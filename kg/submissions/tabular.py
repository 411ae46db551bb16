"""Map template rows (CSV or XLSX) to the same RDF a Turtle submission would hold."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox

from kg.errors import KGError
from kg.namespaces import CSIG, ID, PREFIXES
from kg.submissions.literals import date_literal, number_literal
from kg.submissions.template import COLUMN_NAMES

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
XSD = PREFIXES["xsd"]
DCT = PREFIXES["dcterms"]
RDFS = PREFIXES["rdfs"]
MAX_ROWS = 20000


@dataclass
class Catalogue:
    """Codes a spreadsheet may use, mapped to IRIs: partners and classification levels."""

    partners: dict[str, str] = field(default_factory=dict)
    levels: dict[tuple[str, str], str] = field(default_factory=dict)
    level_labels: dict[str, str] = field(default_factory=dict)


def _p(local: str) -> ox.NamedNode:
    return ox.NamedNode(CSIG + local)


def segment(text: str) -> str:
    """Return text made safe as one IRI path segment; odd input stays visible to the report.

    >>> segment("SDA.CA")
    'SDA.CA'
    >>> segment("a b")
    'a%20b'
    """
    return quote(text.strip(), safe="-._~:")


def rows_of_csv(text: str, name: str) -> list[tuple[int, dict]]:
    """Return (line number, row) pairs, skipping '#' comment lines and blank rows."""
    # Blank out comment lines rather than dropping them, so line numbers stay true.
    lines = ["" if line.lstrip().startswith("#") else line for line in text.splitlines()]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    table, numbers, last = [], [], 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if any(c.strip() for c in cells):
                table.append(cells)
                numbers.append(start)
    except csv.Error as err:
        raise KGError(f"{name}: row {last + 1}: not valid CSV: {err}") from err
    if not table:
        raise KGError(f"{name}: empty file; expected a header row: {','.join(COLUMN_NAMES)}")
    return table_rows(table, numbers, name)


def table_rows(table: list[list[str]], numbers: list[int], name: str) -> list[tuple[int, dict]]:
    """Return (row number, row) pairs from a header row and data rows, checking the columns."""
    header = [h.strip().lower() for h in table[0]]
    unknown = [h for h in header if h and h not in COLUMN_NAMES]
    if unknown:
        raise KGError(
            f"{name}: row {numbers[0]}: unknown column(s) {', '.join(unknown)}; "
            f"the template's columns are {', '.join(COLUMN_NAMES)}"
        )
    if "identifier" not in header:
        raise KGError(f"{name}: row {numbers[0]}: the header has no 'identifier' column")
    if len(table) - 1 > MAX_ROWS:
        raise KGError(f"{name}: {len(table) - 1} rows; at most {MAX_ROWS} per submission")
    rows = []
    for number, cells in zip(numbers[1:], table[1:], strict=True):
        if len(cells) > len(header):
            raise KGError(
                f"{name}: row {number}: {len(cells)} cells but the header has {len(header)} columns"
            )
        rows.append((number, {h: c.strip() for h, c in zip(header, cells, strict=False) if h}))
    return rows


def _split(value: str, pattern: str = r"[;,]") -> list[str]:
    """Split a multi-valued cell at the template's separator ';' (and ',', which old files used)."""
    return [v.strip() for v in re.split(pattern, value or "") if v.strip()]


def capability_iri(identifier: str) -> str:
    """Return the IRI of a capability from its identifier.

    >>> capability_iri("skynet-5")
    'https://w3id.org/csig/id/capability/skynet-5'
    """
    return f"{ID}capability/{segment(identifier)}"


def notation_iri(namespace: str, notation: str) -> ox.NamedNode:
    """Return a concept IRI from its notation ('SDA.CA' -> ma:SDA-CA).

    >>> notation_iri("ma", "SDA.CA").value
    'https://w3id.org/csig/missionarea/SDA-CA'
    """
    local = notation.strip().removeprefix("DT.") if namespace == "dt" else notation.strip()
    return ox.NamedNode(PREFIXES[namespace] + segment(local.replace(".", "-")))


def triples_of_rows(rows: list[tuple[int, dict]], cat: Catalogue):
    """Return the triples of every row, the row of each capability IRI, and the cell text
    each code's IRI was made from (so a report shows values as the partner wrote them)."""
    triples: list[ox.Triple] = []
    row_of: dict[str, int] = {}
    written: dict[str, str] = {}
    for number, row in rows:
        ident = row.get("identifier", "")
        if not ident:
            ident = f"row-{number}"
        cap = ox.NamedNode(capability_iri(ident))
        if cap.value in row_of:
            raise KGError(f"row {number}: identifier {ident!r} repeats row {row_of[cap.value]}")
        row_of[cap.value] = number
        triples += _capability(cap, ident, row, cat, written)
    return triples + _members(triples, row_of), row_of, written


def _members(triples: list[ox.Triple], row_of: dict[str, int]) -> list[ox.Triple]:
    """State each membership both ways when the constellation is in the same file."""
    return [
        ox.Triple(t.object, _p("hasMember"), t.subject)
        for t in triples
        if t.predicate == _p("memberOf") and t.object.value in row_of
    ]


def _capability(
    cap: ox.NamedNode, ident: str, row: dict, cat: Catalogue, written: dict[str, str]
) -> list[ox.Triple]:
    out = [
        ox.Triple(cap, RDF_TYPE, _p("Capability")),
        ox.Triple(cap, ox.NamedNode(DCT + "identifier"), ox.Literal(ident)),
    ]

    def add(pred: ox.NamedNode, obj, cell: str | None = None) -> None:
        out.append(ox.Triple(cap, pred, obj))
        if cell is not None and isinstance(obj, ox.NamedNode):
            written.setdefault(obj.value, cell.strip())

    if row.get("name"):
        add(ox.NamedNode(RDFS + "label"), ox.Literal(row["name"], language="en"))
    if row.get("description"):
        add(ox.NamedNode(DCT + "description"), ox.Literal(row["description"], language="en"))
    if row.get("provider"):
        add(_p("providedBy"), _partner(row["provider"], cat), row["provider"])
    for column, pred, ns in (
        ("kind", "kind", "kind"),
        ("orbit_regime", "orbitRegime", "orbit"),
        ("status", "status", "status"),
    ):
        if row.get(column):
            add(_p(pred), notation_iri(ns, row[column]), row[column])
    for notation in _split(row.get("mission_areas", "")):
        add(_p("missionArea"), notation_iri("ma", notation), notation)
    if row.get("status_as_of"):
        add(_p("statusAsOf"), date_literal(row["status_as_of"]))
    for column, pred in (
        ("contributing_nations", "contributingNation"),
        ("funding_nations", "fundingNation"),
    ):
        for code in _split(row.get(column, "")):
            add(_p(pred), _nation(code), code)
            if pred == "fundingNation":  # a funding nation is a contributing nation
                add(_p("contributingNation"), _nation(code), code)
    if row.get("operator"):
        add(_p("operator"), ox.Literal(row["operator"]))
    for column, pred in (("hosted_on", "hostedOn"), ("member_of", "memberOf")):
        if row.get(column):
            add(_p(pred), ox.NamedNode(capability_iri(row[column])), row[column])
    out += [ox.Triple(cap, _p(pred), value) for pred, value in identity_literals(row)]
    if row.get("exercise", "").strip().lower() in ("yes", "true", "y", "1"):
        add(_p("exerciseData"), ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")))
    for url in _split(row.get("source_url", ""), r"[;\s]+"):  # old files: spaces
        add(ox.NamedNode(DCT + "source"), _iri_or_literal(url))
    out += _marking(cap, row, cat, written)
    out += _interfaces(cap, row.get("interfaces", ""))
    return out


IDENTITY = (
    ("launch_date", "launchDate"),
    ("operational_date", "operationalDate"),
    ("decay_date", "decayDate"),
    ("orbit_as_of", "orbitAsOf"),
    ("cospar_id", "cosparId"),
    ("norad_id", "noradId"),
    ("perigee_km", "perigeeKm"),
    ("apogee_km", "apogeeKm"),
    ("inclination_deg", "inclinationDeg"),
    ("period_min", "periodMin"),
)


def identity_literals(row: dict) -> list[tuple[str, ox.Literal]]:
    """Return (property, literal) for the identity, event-date and orbit cells of a row."""
    found = []
    for column, pred in IDENTITY:
        cell = row.get(column, "").strip()
        if not cell:
            continue
        if pred in ("launchDate", "operationalDate"):
            value = date_literal(cell, vague=True)
        elif pred in ("decayDate", "orbitAsOf"):
            value = date_literal(cell)
        elif pred == "cosparId":
            value = ox.Literal(cell)
        else:
            value = number_literal(cell, whole=pred == "noradId")
        found.append((pred, value))
    return found


def _nation(code: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}nation/{segment(code.upper())}")


def _iri_or_literal(value: str):
    try:
        return (
            ox.NamedNode(value)
            if re.match(r"^[a-z][a-z0-9+.-]*:\S+$", value)
            else (ox.Literal(value))
        )
    except ValueError:
        return ox.Literal(value)


def _partner(code: str, cat: Catalogue) -> ox.NamedNode:
    code = code.strip()
    iri = cat.partners.get(code.upper()) or cat.partners.get(code)
    return ox.NamedNode(iri or f"{ID}nation/{segment(code.upper())}")


def _marking(
    cap: ox.NamedNode, row: dict, cat: Catalogue, written: dict[str, str]
) -> list[ox.Triple]:
    mark = ox.NamedNode(cap.value + "/marking")
    system = (row.get("marking_system") or "US").strip().upper()
    level = (row.get("classification") or "").strip()
    level_iri = cat.levels.get((system, level.upper())) or (
        f"{PREFIXES['cls']}{segment(system)}-{segment(level)}"
    )
    dissem = (row.get("dissemination") or "").strip().upper()
    rel = _split(row.get("releasable_to", ""))
    out = [
        ox.Triple(cap, _p("hasMarking"), mark),
        ox.Triple(mark, RDF_TYPE, _p("Marking")),
        ox.Triple(mark, _p("markingSystem"), ox.NamedNode(PREFIXES["cls"] + segment(system))),
        ox.Triple(mark, _p("classification"), ox.NamedNode(level_iri)),
        ox.Triple(
            mark,
            _p("markingText"),
            ox.Literal(banner(cat.level_labels.get(level_iri, level), dissem, rel)),
        ),
    ]
    if dissem:
        name = {"NF": "NOFORN"}.get(dissem, dissem)
        out.append(
            ox.Triple(
                mark, _p("disseminationControl"), ox.NamedNode(PREFIXES["dissem"] + segment(name))
            )
        )
    for code in rel:
        out.append(ox.Triple(mark, _p("releasableTo"), _partner(code, cat)))
    written.setdefault(level_iri, level)
    for code in rel:
        written.setdefault(_partner(code, cat).value, code)
    return out


def banner(level: str, dissem: str, releasable: list[str]) -> str:
    """Return the banner line of a marking.

    >>> banner("SECRET", "REL", ["USA", "FVEY"])
    'SECRET//REL TO USA, FVEY'
    """
    text = level.upper()
    if dissem in ("NOFORN", "NF"):
        return text + "//NOFORN"
    if dissem == "REL":
        return f"{text}//REL TO {', '.join(c.upper() for c in releasable)}"
    return text


def _interfaces(cap: ox.NamedNode, value: str) -> list[ox.Triple]:
    out = []
    for n, spec in enumerate(_split(value, r";"), 1):
        words = spec.split()
        node = ox.NamedNode(f"{cap.value}/interface/{n}")
        direction = words[0].lower() if words else ""
        pred = {"produces": "produces", "consumes": "consumes"}.get(direction, "hasInterface")
        out += [ox.Triple(cap, _p(pred), node), ox.Triple(node, RDF_TYPE, _p("Interface"))]
        if len(words) > 1:
            out.append(ox.Triple(node, _p("dataType"), notation_iri("dt", words[1])))
        if len(words) > 2:
            out.append(
                ox.Triple(node, _p("standard"), ox.NamedNode(f"{ID}standard/{segment(words[2])}"))
            )
        assumed = "assumed" in (w.lower() for w in words[3:])
        out.append(
            ox.Triple(
                node,
                _p("assumed"),
                ox.Literal("true" if assumed else "false", datatype=ox.NamedNode(XSD + "boolean")),
            )
        )
    return out
