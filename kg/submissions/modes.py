"""Submission modes: replace the partner's whole set, merge some capabilities, withdraw some.

Each mode turns the partner's current statements and the submitted ones into the statements of
the next version, and names the capabilities that version would no longer hold, so that a
withdrawal is always shown before it happens.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import KGError
from kg.namespaces import ID
from kg.submissions.structure import Structure, identifier

MODES = ("replace", "merge", "withdraw")


@dataclass(frozen=True)
class Withdrawal:
    """A capability the next version would no longer hold."""

    capability: str
    identifier: str
    label: str


@dataclass(frozen=True)
class Composition:
    """The statements of the next version and the capabilities it withdraws."""

    triples: list[ox.Triple]
    withdrawn: tuple[Withdrawal, ...]
    submitted: frozenset  # the capabilities the submission itself describes


def check_mode(mode: str) -> str:
    """Return `mode` if it is a submission mode, else raise a clear error."""
    if mode not in MODES:
        raise KGError(f"unknown submission mode {mode!r}; use one of {', '.join(MODES)}")
    return mode


def compose(
    current: list[ox.Triple], submitted: list[ox.Triple], mode: str, names: Iterable[str] = ()
) -> Composition:
    """Return the next version's statements for `mode` (`names`: capabilities to withdraw)."""
    before = Structure.of(current)
    if check_mode(mode) == "withdraw":
        gone = {_capability(before, name) for name in names}
        if not gone:
            raise KGError("name the capabilities to withdraw (identifiers or IRIs)")
        keep = [c for c in before.capabilities if c not in gone]
        return Composition(before.statements(keep), _withdrawals(before, gone), frozenset())
    sent = Structure.of(submitted)
    if mode == "replace":
        gone = [c for c in before.capabilities if c not in sent.capabilities]
        return Composition(submitted, _withdrawals(before, gone), frozenset(sent.capabilities))
    keep = [c for c in before.capabilities if c not in sent.capabilities]
    kept = before.statements(keep)
    seen = {str(t) for t in kept}
    merged = kept + [t for t in submitted if str(t) not in seen]
    return Composition(merged, (), frozenset(sent.capabilities))


def _capability(structure: Structure, name: str) -> ox.NamedNode:
    """Return the current capability an identifier or IRI names."""
    wanted = name.strip()
    for cap in structure.capabilities:
        if wanted in (cap.value, identifier(cap), cap.value.removeprefix(ID)):
            return cap
    raise KGError(
        f"{wanted!r} is not one of this partner's current capabilities; "
        "see `kg history` or the partner's page for their identifiers"
    )


def _withdrawals(structure: Structure, capabilities: Iterable) -> tuple[Withdrawal, ...]:
    return tuple(
        sorted(
            (Withdrawal(c.value, identifier(c), structure.label(c)) for c in capabilities),
            key=lambda w: w.identifier,
        )
    )
