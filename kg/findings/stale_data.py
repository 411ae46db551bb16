"""stale-data in steps: capabilities whose status is older than an age, or undated.

The published definition is kg/queries/stale-data.rq; this gives the same rows. The query
here is the report's join without its date arithmetic, which Python does by the same rule:
both dates as YYYY-MM-DD text, each turned into a day number counted from 1 March of year 0.
Virtuoso refuses the `.rq` at 1M on its cost estimate of the arithmetic.
"""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from kg.findings.inputs import Select, after, integer, is_string, literal, objects
from kg.namespaces import CSIG, PREFIXES, sparql_prefixes

SKOS = PREFIXES["skos"]
COLUMNS = ["capability", "partner", "statusAsOf", "ageDays", "explanation"]
DATED = (
    sparql_prefixes(("csig", "skos"))
    + """
SELECT ?capability ?partner ?statusAsOf ?code WHERE {
  ?capability a csig:Capability ; csig:providedBy ?partner .
  OPTIONAL { ?capability csig:statusAsOf ?statusAsOf }
  ?partner skos:notation ?code .
}"""
)
TYPED = sparql_prefixes(("csig",)) + "SELECT ?capability WHERE { ?capability a csig:Capability }"


def dated(select: Select) -> list[dict]:
    """Return the capabilities, their partners' codes and status dates: the solutions of
    DATED (on the embedded store joined from scans, kg/findings/inputs.py)."""
    if not select.scans:
        return select(DATED)
    partners, codes = objects(select, CSIG + "providedBy"), objects(select, SKOS + "notation")
    since = objects(select, CSIG + "statusAsOf")
    out = []
    for row in select(TYPED):
        capability = row["capability"]
        for partner in partners.get(capability, ()):
            for when in since.get(capability) or [None]:
                head = {"capability": capability, "partner": partner}
                head |= {} if when is None else {"statusAsOf": when}
                out.extend(head | {"code": code} for code in codes.get(partner, ()))
    return out


def rows(select: Select, values: dict) -> tuple[list[str], list[dict]]:
    """Return the report's columns and rows for the bound parameters (`_name` keys)."""
    wanted, days = values.get("_partner"), values.get("_days")
    as_of = values.get("_as_of")
    today = as_of.value if as_of is not None else _now()
    today_day = day_number(today)
    out = []
    for row in dated(select):
        if wanted is not None and row["partner"] != wanted:
            continue
        since = row.get("statusAsOf")
        age = None
        if since is not None:
            start = None if isinstance(since, ox.BlankNode) else day_number(since.value)
            if start is None or today_day is None or days is None:
                continue
            age = today_day - start
            if age <= int(days.value):
                continue
        out.append(_row(row, since, age, today, days))
    out.sort(key=lambda r: (r["partner"].value, r["capability"].value))
    return COLUMNS, out


def _now() -> str:
    """Return today's date as SUBSTR(STR(NOW()), 1, 10) gives it (UTC)."""
    return dt.datetime.now(dt.UTC).date().isoformat()


def day_number(text: str) -> int | None:
    """Return the day number of a YYYY-MM-DD prefix, or None where the .rq's casts fail.

    >>> day_number("2024-03-01") - day_number("2024-02-28"), day_number("2024-3-1")
    (2, None)
    """
    date = text[:10]
    parts = [_integer(date[0:4]), _integer(date[5:7]), _integer(date[8:10])]
    if None in parts:
        return None
    year, month, day = parts
    year -= 1 if month <= 2 else 0
    march = month + 9 if month <= 2 else month - 3
    return 365 * year + year // 4 - year // 100 + year // 400 + (153 * march + 2) // 5 + day


def _integer(text: str) -> int | None:
    """Return xsd:integer(text) as the casts give it: optional sign and ASCII digits."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not (digits.isascii() and digits.isdigit()):
        return None
    return int(text)


def _row(row: dict, since, age: int | None, today: str, days) -> dict:
    """Return one output row, its explanation as the .rq's CONCAT builds it."""
    capability, partner, code = row["capability"], row["partner"], row["code"]
    out = {"capability": capability, "partner": partner}
    if since is not None:
        out["statusAsOf"], out["ageDays"] = since, integer(age)
    if is_string(code):
        name = after(capability.value, "/capability/")
        if since is None:
            text = f"{name} ({code.value}): no csig:statusAsOf"
        else:
            text = (
                f"{name} ({code.value}): status as of {since.value}, {age} days before "
                f"{today} (more than {days.value})"
            )
        out["explanation"] = literal(text)
    return out
