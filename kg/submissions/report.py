"""Validation reports a partner can act on: findings grouped by capability, with hints."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

SEVERITIES = ("violation", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem: where it is, which field, the value, what is wrong and how to fix it."""

    severity: str
    message: str
    field: str = ""
    value: str = ""
    hint: str = ""
    capability: str = ""
    subject: str = ""
    row: int | None = None
    line: int | None = None
    shape: str = ""

    def location(self) -> str:
        """Return where the finding is, as a partner would look for it."""
        if self.row is not None:
            return f"row {self.row}, column {self.field or '-'}"
        if self.line is not None:
            return f"line {self.line}, subject <{self.subject}>"
        return f"subject <{self.subject}>" if self.subject else "file"


@dataclass
class Report:
    """The outcome of validating one submission."""

    source: str
    format: str
    findings: list[Finding] = field(default_factory=list)
    shacl_turtle: str = ""
    triples: int = 0
    capabilities: int = 0

    @property
    def conforms(self) -> bool:
        """Return whether nothing blocks acceptance."""
        return not any(f.severity == "violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        """Return the number of findings per severity."""
        counter = Counter(f.severity for f in self.findings)
        return {s: counter.get(s, 0) for s in SEVERITIES}

    def by_capability(self) -> dict[str, list[Finding]]:
        """Group the findings by capability identifier ('' for file-level findings)."""
        groups: dict[str, list[Finding]] = {}
        for f in sorted(self.findings, key=_order):
            groups.setdefault(f.capability, []).append(f)
        return groups

    def as_dict(self) -> dict:
        """Return the report as plain data for JSON."""
        return {
            "source": self.source,
            "format": self.format,
            "conforms": self.conforms,
            "counts": self.counts(),
            "triples": self.triples,
            "capabilities": self.capabilities,
            "by_capability": [
                {"capability": cap, "findings": [asdict(f) for f in items]}
                for cap, items in self.by_capability().items()
            ],
        }

    def to_json(self) -> str:
        """Return the report as JSON."""
        return json.dumps(self.as_dict(), indent=2)

    def to_text(self) -> str:
        """Return the report as text for the command line."""
        counts = self.counts()
        verdict = "conforms" if self.conforms else "does NOT conform"
        lines = [
            f"{self.source}: {verdict} ({counts['violation']} violation(s), "
            f"{counts['warning']} warning(s)); {self.capabilities} capabilities"
        ]
        for cap, items in self.by_capability().items():
            lines.append(f"\n  capability {cap or '(file)'}")
            for f in items:
                lines.append(f"    {f.severity.upper():9} {f.location()}: {f.message}")
                if f.value:
                    lines.append(f"              field {f.field}, value {f.value!r}")
                if f.hint:
                    lines.append(f"              hint: {f.hint}")
        return "\n".join(lines)


def _order(f: Finding) -> tuple:
    return (f.capability, SEVERITIES.index(f.severity), f.row or 0, f.line or 0, f.field)
