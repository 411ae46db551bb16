"""Interoperability levels 0-4 for partner pairs, in the spirit of LISI (see docs/analysis.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from kg.analysis.model import Model, short

NAMES = ("isolated", "connected", "functional", "domain", "enterprise")


@dataclass(frozen=True)
class Level:
    """The level of one partner pair and the facts it rests on."""

    a: str
    b: str
    level: int
    facts: tuple[str, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        """Return the level's name."""
        return NAMES[self.level]


Uses = dict[tuple[str, str], set[tuple[str, str | None]]]
AS_THEY_ARE = ("same", "equivalent")  # data flows without a translator or an upgrade
CONNECTED = ("same", "equivalent", "family", "convertible")


def _all_uses(model: Model) -> dict[str, Uses]:
    """Return partner -> (direction, data type) -> (standard, role) uses, in one pass."""
    out: dict[str, Uses] = {}
    for i in model.interfaces:
        out.setdefault(i.partner, {}).setdefault((i.direction, i.data_type), set()).add(
            (i.standard, i.role)
        )
    return out


def _flows(model: Model, src: Uses, dst: Uses) -> set[str]:
    """Return data types one side produces and the other consumes as they are (same or
    parallel standards, compared in a shared role)."""
    return {
        d
        for (way, d), uses in src.items()
        if way == "produces"
        and model.best(uses, dst.get(("consumes", d), set()), d).kind in AS_THEY_ARE
    }


def _compatible(model: Model, ua: Uses, ub: Uses) -> tuple[set[str], set[str]]:
    """Return data types with the same or parallel standards, and those connected only by a
    family or a translator (either way)."""

    def by_type(uses: Uses) -> dict[str, set]:
        out: dict[str, set] = {}
        for (_, d), used in uses.items():
            out.setdefault(d, set()).update(used)
        return out

    ta, tb = by_type(ua), by_type(ub)
    exact, family = set(), set()
    for d in ta.keys() & tb.keys():
        kinds = {model.best(ta[d], tb[d], d).kind, model.best(tb[d], ta[d], d).kind}
        if kinds & set(AS_THEY_ARE):
            exact.add(d)
        elif kinds & set(CONNECTED):
            family.add(d)
    return exact, family


def interoperability_level(model: Model, a: str, b: str, uses: dict | None = None) -> Level:
    """Return the level of a partner pair with the facts behind it.

    `uses` is `_all_uses(model)` when the caller rates many pairs, so the interfaces are read
    once rather than once per pair.
    """
    uses = _all_uses(model) if uses is None else uses
    ua, ub = uses.get(a, {}), uses.get(b, {})
    shared = sorted(
        short(c)
        for c in model.coalitions.get(a, set()) & model.coalitions.get(b, set())
        | ({a, b} & (model.coalitions.get(a, set()) | model.coalitions.get(b, set())))
    )
    exact, family = _compatible(model, ua, ub)
    forward, backward = _flows(model, ua, ub), _flows(model, ub, ua)
    facts = [
        f"shared coalitions: {', '.join(shared) or 'none'}",
        f"identical or parallel standards for: {', '.join(sorted(map(short, exact))) or 'none'}",
        f"family or translator only for: {', '.join(sorted(map(short, family))) or 'none'}",
        f"{short(a)} -> {short(b)} flows: {', '.join(sorted(map(short, forward))) or 'none'}",
        f"{short(b)} -> {short(a)} flows: {', '.join(sorted(map(short, backward))) or 'none'}",
    ]
    if forward and backward and shared:
        level = 4
    elif forward or backward:
        level = 3
    elif exact or family:
        level = 2
    else:
        level = 1 if shared else 0
    return Level(short(a), short(b), level, tuple(facts))


def levels(model: Model) -> list[Level]:
    """Return the level of every pair of partners with active interfaces."""
    uses = _all_uses(model)
    return [interoperability_level(model, a, b, uses) for a, b in combinations(sorted(uses), 2)]
