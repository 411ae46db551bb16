"""Decide, row by row, what an import does: match a capability, add a new one, or skip."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.importers.current import Capability, Current, names_index
from kg.importers.purposes import mission_areas
from kg.importers.records import Record, normalised


@dataclass(frozen=True)
class Selection:
    """Which catalogue rows to import: by owner, purpose, users or name (any given must hold)."""

    owners: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def takes(self, record: Record) -> bool:
        """Return whether a record is selected."""
        owners = {o.casefold() for o in record.owners}
        checks = (
            (self.owners, lambda v: v.casefold() in owners),
            (self.purposes, lambda v: v.casefold() in record.purpose.casefold()),
            (self.users, lambda v: v.casefold() in record.users.casefold()),
            (self.names, lambda v: any(v.casefold() in n.casefold() for n in record.names)),
        )
        return all(not wanted or any(test(v) for v in wanted) for wanted, test in checks)


@dataclass(frozen=True)
class Options:
    """How new rows are written: provider, constellation, mission areas, dates and source."""

    partner: str
    as_of: str
    source: str
    member_of: str = ""
    mission_areas: tuple[str, ...] = ()
    selection: Selection = Selection()


@dataclass
class Plan:
    """The outcome per row: matched capabilities, new rows, and skipped rows with reasons."""

    matched: list[tuple[Record, Capability]] = field(default_factory=list)
    new: list[tuple[Record, dict]] = field(default_factory=list)
    skipped: list[tuple[Record, str]] = field(default_factory=list)
    unselected: int = 0


def plan_import(records: list[Record], current: Current, options: Options, lexicon) -> Plan:
    """Match each selected record with a capability, or plan a new row, or skip it."""
    plan = Plan()
    matcher = Matcher(current)
    seen: dict[str, int] = {}
    for record in records:
        if not options.selection.takes(record):
            plan.unselected += 1
            continue
        reason = _not_importable(record)
        match = matcher.own(record) if not reason else None
        if match is not None:
            plan.matched.append((record, match))
            continue
        reason = reason or matcher.elsewhere(record) or _repeated(record, seen)
        row = None if reason else new_row(record, current, options, lexicon, plan)
        if isinstance(row, str) or reason:
            plan.skipped.append((record, reason or row))
        else:
            plan.new.append((record, row))
    return plan


def _not_importable(record: Record) -> str:
    """Return why a record is not a space object a partner could list, or ""."""
    if not record.payload:
        return f"not a payload (object type {record.extra.get('type', '?')})"
    if not record.earth:
        return "not in Earth orbit"
    return ""


def _repeated(record: Record, seen: dict[str, int]) -> str:
    """Return "" for the first row of an object, or which row it repeats."""
    key = (record.cospar or record.norad or normalised(record.name)).upper()
    if key in seen:
        return f"repeats line {seen[key]}"
    seen[key] = record.line
    return ""


class Matcher:
    """Find the capability a record describes: by COSPAR id, then NORAD number, then name."""

    def __init__(self, current: Current) -> None:
        self.cospar, self.norad = current.by_identity()
        self.names = names_index(current.capabilities)
        others = Current(current.partner, [], current.others)
        self.other_cospar, self.other_norad = others.by_identity()

    def own(self, record: Record) -> Capability | None:
        """Return the partner's capability the record describes, or None."""
        found = self.cospar.get(record.cospar.upper()) or self.norad.get(record.norad)
        if found is not None:
            return found
        for name in record.names:
            candidates = [c for c in self.names.get(normalised(name), []) if _compatible(c, record)]
            if len(candidates) == 1:
                return candidates[0]
        return None

    def elsewhere(self, record: Record) -> str:
        """Return why the record is another partner's object, or ""."""
        found = self.other_cospar.get(record.cospar.upper()) or self.other_norad.get(record.norad)
        if found is None:
            return ""
        return f"recorded by {found.provider.rsplit('/', 1)[-1]} as {found.identifier}"


def _compatible(cap: Capability, record: Record) -> bool:
    """Return whether a name match is not contradicted by a recorded id."""
    cospar, norad = cap.facts.get("cosparId", ""), cap.facts.get("noradId", "")
    return (not cospar or cospar.upper() == record.cospar.upper()) and (
        not norad or norad == record.norad
    )


def new_row(record: Record, current: Current, options: Options, lexicon, plan: Plan) -> dict | str:
    """Return the template row of a new capability, or why the record cannot become one."""
    if record.status != "operational":
        return {
            "decayed": f"decayed on {record.decay}" if record.decay else "decayed",
            "retired": "not operational (status nonoperational)",
        }.get(record.status, "operational status unknown")
    group = current.capabilities.get(_capability_iri(options.member_of))
    areas = (
        list(options.mission_areas)
        or mission_areas(record, lexicon)
        or (group.areas if group else [])
    )
    if not areas:
        return (
            f"no mission area for purpose {record.purpose!r}: give --mission-area or --member-of"
            if record.purpose
            else "no mission area: give --mission-area or --member-of"
        )
    orbit = record.orbit or (group.facts.get("orbitRegime", "").rsplit("/", 1)[-1] if group else "")
    if not orbit:
        return "no orbit data"
    return _row(record, options, areas, orbit, _identifier(record, current, plan))


def _capability_iri(identifier: str) -> str:
    from kg.submissions.tabular import capability_iri

    return capability_iri(identifier) if identifier else ""


def _identifier(record: Record, current: Current, plan: Plan) -> str:
    """Return a new, unused identifier made from the record's name."""
    base = re.sub(r"[^a-z0-9]+", "-", record.name.casefold()).strip("-") or "object"
    taken = {c.identifier for c in current.capabilities.values()}
    taken |= {row["identifier"] for _, row in plan.new}
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _row(record: Record, options: Options, areas: list[str], orbit: str, identifier: str) -> dict:
    """Return the template row of a new satellite from a catalogue record."""
    figures = {
        "perigee_km": record.perigee,
        "apogee_km": record.apogee,
        "inclination_deg": record.inclination,
        "period_min": record.period,
    }
    row = {
        "identifier": identifier,
        "name": record.name,
        "description": f"Imported from a public catalogue (line {record.line}); owner "
        f"{'/'.join(record.owners) or 'not given'}.",
        "provider": options.partner,
        "kind": "satellite",
        "mission_areas": "; ".join(areas),
        "orbit_regime": orbit,
        "status": "operational",
        "status_as_of": options.as_of,
        "operator": record.extra.get("operator", ""),
        "marking_system": "US",
        "classification": "U",
        "source_url": options.source,
        "member_of": options.member_of,
        "cospar_id": record.cospar,
        "norad_id": record.norad,
        "launch_date": record.launch,
        **figures,
        "orbit_as_of": options.as_of if any(figures.values()) else "",
    }
    return {k: v for k, v in row.items() if v}
