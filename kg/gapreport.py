"""The whole gap report as data: its sections, network findings and adoptions, and their
plain form (JSON-ready), in which a computed report is kept per store state (kg/kept.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from kg import kept
from kg.analysis import Adoption, NetworkFindings
from kg.catalogue import SEVERITIES
from kg.summaries import Group, Summary


@dataclass
class Section:
    """One report of the catalogue and the rows it found."""

    name: str
    summary: str
    severity: str
    rows: list[dict] = field(default_factory=list)
    severities: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    overview: Summary | None = None
    evidence: str = ""


@dataclass
class GapReport:
    """Every gap report, the network findings and the recommended adoptions."""

    params: dict
    as_of: str | None = None
    sections: list[Section] = field(default_factory=list)
    network: NetworkFindings | None = None
    adoptions: list[Adoption] = field(default_factory=list)
    levels: dict[int, int] = field(default_factory=dict)
    confirmed_only: bool = False
    inputs: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Return the number of findings per severity, network findings as warnings."""
        out = dict.fromkeys(SEVERITIES, 0)
        for section in self.sections:
            for severity in section.severities:
                out[severity] += 1
        if self.network:
            out["warning"] += len(self.network_findings())
        return out

    def network_findings(self) -> list[str]:
        """Return the network's weak points as sentences."""
        net = self.network
        found = [
            f"island cut off from the main network: {', '.join(island)}"
            for island in net.islands[1:]
        ]
        found += [
            f"single point of failure: {p} holds parts of the network together"
            for p in net.articulation_points
        ]
        found += [
            f"bridge: the only link between two parts of the network is {a} - {b}"
            for a, b in net.bridges
        ]
        return found

    def summary(self) -> str:
        """Return the one-line summary of counts per severity."""
        counts = self.counts()
        return f"{sum(counts.values())} findings: " + ", ".join(
            f"{counts[s]} {s}" for s in reversed(SEVERITIES)
        )

    def input_summary(self) -> str:
        """Return how much of the interface data the reports read is sourced and assumed."""
        total, assumed = self.inputs.get("interfaces", 0), self.inputs.get("assumed", 0)
        return (
            f"input: {total - assumed} sourced and {assumed} assumed interface(s) "
            "(csig:assumed true: an analyst's assumption no public source states)"
            + ("; confirmed findings only" if self.confirmed_only else "")
        )


def plain_report(rep: GapReport) -> dict:
    """Return a report as plain data that `report_from` turns back into the same report.

    Each section's rows are packed (`kept.pack_rows`: each value once, rows as indexes) and
    its severities are one code per row: at 10M over-classification alone has 2M rows.
    """
    body = {k: v for k, v in vars(rep).items() if k not in ("sections", "network", "adoptions")}
    return {
        **body,
        "sections": [_plain_section(s) for s in rep.sections],
        "network": asdict(rep.network) if rep.network is not None else None,
        "adoptions": [asdict(a) for a in rep.adoptions],
    }


def _plain_section(section: Section) -> dict:
    names = list(dict.fromkeys(k for row in section.rows for k in row))  # in the rows' order
    severities = sorted(set(section.severities))
    codes = {severity: chr(48 + at) for at, severity in enumerate(severities)}  # "0", "1"...
    return {
        **{k: v for k, v in vars(section).items() if k not in ("rows", "severities")},
        "overview": asdict(section.overview) if section.overview is not None else None,
        "rows": {"names": names, **kept.pack_rows(names, section.rows)},
        "severities": {"names": severities, "codes": "".join(map(codes.get, section.severities))},
    }


def report_from(body: dict) -> GapReport:
    """Return the report `plain_report` made plain data of.

    >>> rep = GapReport({"k": "3"}, levels={2: 1}, network=NetworkFindings(bridges=[("A", "B")]))
    >>> rep.sections.append(Section("s", "sum", "info", overview=Summary("partner", ["p"], 1)))
    >>> report_from(plain_report(rep)) == rep
    True
    """
    network = body["network"]
    return GapReport(
        body["params"],
        body["as_of"],
        [_section(s) for s in body["sections"]],
        _network(network) if network is not None else None,
        [Adoption(**a) for a in body["adoptions"]],
        {int(level): count for level, count in body["levels"].items()},
        body["confirmed_only"],
        body["inputs"],
    )


def _section(body: dict) -> Section:
    overview = body["overview"]
    if overview is not None:
        groups = [Group(**g) for g in overview["groups"]]
        overview = Summary(**{**overview, "groups": groups})
    rows, severities = body["rows"], body["severities"]
    named = {chr(48 + at): name for at, name in enumerate(severities["names"])}
    return Section(
        **{k: v for k, v in body.items() if k not in ("rows", "severities", "overview")},
        overview=overview,
        rows=kept.unpack_rows(rows["names"], rows),
        severities=list(map(named.__getitem__, severities["codes"])),
    )


def _network(body: dict) -> NetworkFindings:
    pairs = ("bridges", "version_mismatch_links")
    return NetworkFindings(**{**body, **{k: [tuple(p) for p in body[k]] for k in pairs}})
