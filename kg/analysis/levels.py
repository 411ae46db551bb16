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


def _all_uses(model: Model) -> dict[str, dict[tuple[str, str], set[str]]]:
    """Return partner -> (direction, data type) -> standards, in one pass over the interfaces."""
    out: dict[str, dict[tuple[str, str], set[str]]] = {}
    for i in model.interfaces:
        out.setdefault(i.partner, {}).setdefault((i.direction, i.data_type), set()).add(i.standard)
    return out


def _flows(model: Model, src: dict, dst: dict) -> set[str]:
    """Return data types one side produces and the other consumes with the same standard."""
    return {
        d
        for (way, d), stds in src.items()
        if way == "produces" and stds & dst.get(("consumes", d), set())
    }


def _compatible(model: Model, ua: dict, ub: dict) -> tuple[set[str], set[str]]:
    """Return data types with an identical standard, and those compatible only by family."""

    def by_type(uses: dict) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for (_, d), stds in uses.items():
            out.setdefault(d, set()).update(stds)
        return out

    ta, tb = by_type(ua), by_type(ub)
    exact = {d for d in ta.keys() & tb.keys() if ta[d] & tb[d]}
    family = {
        d
        for d in ta.keys() & tb.keys() - exact
        if {model.family(s) for s in ta[d]} & {model.family(s) for s in tb[d]}
    }
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
        f"identical standards for: {', '.join(sorted(map(short, exact))) or 'none'}",
        f"family-compatible only for: {', '.join(sorted(map(short, family))) or 'none'}",
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
