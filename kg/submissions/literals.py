"""Typed literals from spreadsheet cells: dates, whole numbers and decimals, checked first.

A cell that is not a well-formed value of its type becomes a plain text literal holding
exactly what the partner wrote, so the shapes report it (with the value as written) and no
library ever has to parse, and complain about, an ill-typed literal.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
import rdflib
from rdflib.term import XSDToPython

XSD = "http://www.w3.org/2001/XMLSchema#"
# A spreadsheet date cell reads back as "YYYY-MM-DD 00:00:00".
MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00$")
CHECKS = {
    "date": re.compile(r"^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$"),
    "gYearMonth": re.compile(r"^-?\d{4,}-\d{2}(Z|[+-]\d{2}:\d{2})?$"),
    "gYear": re.compile(r"^-?\d{4,}(Z|[+-]\d{2}:\d{2})?$"),
    "dateTime": re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$"),
    "integer": re.compile(r"^[+-]?\d+$"),
    "positiveInteger": re.compile(r"^\+?0*[1-9]\d*$"),
    "nonNegativeInteger": re.compile(r"^(\+?\d+|-0+)$"),
    "double": re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$"),
    "float": re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$"),
    "decimal": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    "boolean": re.compile(r"^(true|false|1|0)$"),
}


def well_formed(text: str, datatype: str) -> bool:
    """Return whether `text` is a valid lexical form of an XSD datatype we check.

    >>> well_formed("2026-02-29", XSD + "date"), well_formed("2028-02-29", XSD + "date")
    (False, True)
    >>> well_formed("25544A", XSD + "integer")
    False
    """
    local = datatype.removeprefix(XSD)
    check = CHECKS.get(local)
    if check is None or not datatype.startswith(XSD):
        return True
    if not check.match(text):
        return False
    if local in ("date", "gYearMonth", "dateTime"):
        year, month, *day = text.lstrip("-")[:10].split("-")
        try:
            dt.date(int(year) or 1, int(month), int(day[0][:2]) if day else 1)
        except ValueError:
            return False
    return True


def date_literal(cell: str, vague: bool = False) -> ox.Literal:
    """Return a date cell as xsd:date (or, when `vague`, xsd:gYearMonth / xsd:gYear).

    >>> date_literal("2013-08-08 00:00:00").value, date_literal("2017-08", vague=True).datatype
    ('2013-08-08', <NamedNode value=http://www.w3.org/2001/XMLSchema#gYearMonth>)
    >>> date_literal("soon").datatype
    <NamedNode value=http://www.w3.org/2001/XMLSchema#string>
    """
    text = cell.strip()
    text = MIDNIGHT.sub(r"\1", text)
    kinds = ("date", "gYearMonth", "gYear") if vague else ("date",)
    for kind in kinds:
        if well_formed(text, XSD + kind):
            return ox.Literal(text, datatype=ox.NamedNode(XSD + kind))
    return ox.Literal(text)


def number_literal(cell: str, whole: bool = False) -> ox.Literal:
    """Return a number cell as xsd:integer (`whole`) or xsd:decimal; odd text stays text.

    >>> number_literal("025544", whole=True).value, number_literal("1436.1").datatype.value
    ('25544', 'http://www.w3.org/2001/XMLSchema#decimal')
    """
    text = cell.strip()
    kind = "integer" if whole else "decimal"
    if not well_formed(text, XSD + kind):
        return ox.Literal(text)
    try:
        value = int(text) if whole else Decimal(text)
    except (ValueError, InvalidOperation):
        return ox.Literal(text)
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + kind))


def well_typed(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Return `triples` with every ill-typed literal turned into plain text.

    Ill-typed: not matching our check of its type, or refused by the converter rdflib would
    run (which logs a traceback when it fails; called here directly, it only raises).
    """
    out = []
    for t in triples:
        o = t.object
        if isinstance(o, ox.Literal) and not o.language and not _convertible(o):
            t = ox.Triple(t.subject, t.predicate, ox.Literal(o.value))
        out.append(t)
    return out


def _convertible(literal: ox.Literal) -> bool:
    datatype = literal.datatype.value
    if not well_formed(literal.value, datatype):
        return False
    convert = XSDToPython.get(rdflib.URIRef(datatype))
    if convert is None:
        return True
    try:
        convert(literal.value)
    except Exception:  # converters raise many types; any of them means ill-typed
        return False
    return True
