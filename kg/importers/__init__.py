"""Import space objects from public catalogues' formats into a partner's submission file.

Nothing is fetched and the store is never written: the importer reads a catalogue file the
user has (CelesTrak's SATCAT CSV, the UCS Satellite Database's text export), matches its rows
with the partner's capabilities (COSPAR id first, NORAD number next, name last), and writes
the partner's submission with the matched ids filled in and the new rows added, for review
and a normal submission.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KGError
from kg.importers.current import Current
from kg.importers.output import fills, write_result
from kg.importers.plan import Options, Plan, Selection, plan_import
from kg.importers.satcat import read_satcat
from kg.importers.ucs import read_ucs

READERS = {"satcat": read_satcat, "ucs": read_ucs}
SOURCES = {
    "satcat": "https://celestrak.org/satcat/satcat-format.php",
    "ucs": "https://www.ucsusa.org/resources/satellite-database",
}


@dataclass
class Summary:
    """What an import did: the plan, where it was written, and the partner's current data."""

    catalogue: str
    plan: Plan
    current: Current
    options: Options
    written: Path | None = None

    def counts(self) -> dict[str, int]:
        """Return the number of matched, new, skipped and unselected rows."""
        plan = self.plan
        return {
            "matched": len(plan.matched),
            "new": len(plan.new),
            "skipped": len(plan.skipped),
            "not selected": plan.unselected,
        }

    def lines(self) -> list[str]:
        """Return the summary as lines for the command line."""
        out = [
            f"{self.catalogue}: "
            + ", ".join(f"{n} {k}" for k, n in self.counts().items())
            + f" (partner {self.options.partner}; current data from {self.current.origin})"
        ]
        for record, cap in self.plan.matched:
            cells, notes = fills(record, cap, self.options.as_of)
            filled = ", ".join(cells) or "nothing new"
            out.append(
                f"  matched  line {record.line}: {record.name} -> {cap.identifier} "
                f"(filled: {filled})" + "".join(f"; {n}" for n in notes)
            )
        for record, row in self.plan.new:
            member = f", member of {row['member_of']}" if row.get("member_of") else ""
            out.append(
                f"  new      line {record.line}: {record.name} -> {row['identifier']} "
                f"({row['mission_areas']}, {row['orbit_regime']}{member})"
            )
        reasons = Counter(reason for _, reason in self.plan.skipped)
        for record, reason in self.plan.skipped:
            out.append(f"  skipped  line {record.line}: {record.name}: {reason}")
        if reasons:
            out.append(
                "skipped, by reason: "
                + "; ".join(f"{reason} ({n})" for reason, n in reasons.items())
            )
        return out


def run_import(
    catalogue: str,
    path: Path,
    current: Current,
    options: Options,
    context,
    out: Path | None,
    changes_only: bool = False,
) -> Summary:
    """Read a catalogue file, plan the import and, when `out` is given, write the result.

    The result is the partner's whole submission, or with `changes_only` the new and matched
    capabilities only (for a merge submission).
    """
    records = READERS[catalogue](path)
    _check_constellation(current, options.member_of)
    plan = plan_import(records, current, options, context.lexicon)
    summary = Summary(catalogue, plan, current, options)
    if out is not None:
        summary.written = write_result(out, current, plan, options, context.catalogue, changes_only)
    return summary


def _check_constellation(current: Current, identifier: str) -> None:
    """Refuse a --member-of that does not name a known constellation."""
    if not identifier:
        return
    found = next(
        (
            c
            for c in (*current.capabilities.values(), *current.others.values())
            if c.identifier == identifier
        ),
        None,
    )
    if found is None:
        raise KGError(
            f"--member-of: no constellation {identifier!r} in {current.origin}; "
            "give the identifier of a capability of kind constellation"
        )
    if found.kind != "constellation":
        raise KGError(
            f"--member-of: {identifier} is a {found.kind or 'capability'}, not a constellation"
        )


__all__ = ["Options", "SOURCES", "Selection", "Summary", "run_import"]
