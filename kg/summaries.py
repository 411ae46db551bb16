"""Summaries of report rows: counts per partner pair, partner, mission area or data type."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The groupings a summary may use, best first: (columns, what one group is called). A report is
# summarised by the first grouping whose columns it has and that puts several rows in one
# group; failing that, by the first it has.
GROUPINGS = (
    (("producerPartner", "consumerPartner"), "partner pair"),
    (("partner",), "partner"),
    (("consumerPartner",), "consumer partner"),
    (("missionArea",), "mission area"),
    (("dataType",), "data type"),
    (("lineOfEffort",), "line of effort"),
    (("assessment",), "assessment"),
    (("risk",), "risk"),
)
# The column whose distinct values each group lists: the first of these the rows have.
DETAILS = (
    "dataType",
    "notation",
    "missionArea",
    "standards",
    "standard",
    "lineOfEffort",
    "capability",
    "threatens",
    "partner",
)
TITLES = {  # column -> the title people read
    "ier": "Exchange requirement",
    "dataType": "Data type",
    "producerPartner": "Producer",
    "consumerPartner": "Consumer",
    "pairs": "Capability pairs",
    "producer": "Producing capability",
    "consumer": "Consuming capability",
    "producerStandards": "Producer's standards",
    "consumerStandards": "Consumer's standards",
    "missionArea": "Mission area",
    "notation": "Code",
    "providers": "Providers",
    "families": "Standard families",
    "standards": "Standards",
    "capability": "Capability",
    "markingText": "Marking",
    "change": "Change that would release it",
    "kind": "Kind",
    "orbit": "Orbit",
    "partners": "Partners",
    "capabilities": "Capabilities",
    "assessment": "Assessment",
    "partner": "Partner",
    "statusAsOf": "Status as of",
    "ageDays": "Age in days",
    "lineOfEffort": "Line of effort",
    "standard": "Standard",
    "replacement": "Replacement",
    "risk": "Risk",
    "threatens": "Threatens",
    "explanation": "Finding",
    "evidence": "Evidence",
    "confirmed": "Confirmed",
    "severity": "Severity",
}
SHOWN = 12  # groups a text summary lists before "and N more"
DETAIL_KEPT = 8  # distinct values a group lists beside its count; `more` counts the rest


def title(column: str) -> str:
    """Return the title people read for a result column.

    >>> title("producerPartner"), title("someNewColumn")
    ('Producer', 'Some new column')
    """
    if column in TITLES:
        return TITLES[column]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", column.replace("_", " ")).lower()
    return words[:1].upper() + words[1:]


def short(value: str) -> str:
    """Return the last segment of an IRI (a code), or the value itself."""
    return value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@dataclass
class Group:
    """The rows of a report that share a key (a partner pair, a mission area...)."""

    key: list[str]
    count: int = 0
    severities: dict[str, int] = field(default_factory=dict)
    confirmed: int | None = None
    detail: list[str] = field(default_factory=list)
    more: int = 0

    @property
    def name(self) -> str:
        """Return the key as people read it: codes, a pair joined by an arrow."""
        return " → ".join(short(k) for k in self.key) or "(none)"


@dataclass
class Summary:
    """A report's rows counted per group, largest group first."""

    by: str
    columns: list[str]
    rows: int
    groups: list[Group] = field(default_factory=list)
    confirmed: int | None = None
    detail: str = ""

    def line(self) -> str:
        """Return the one-line summary shown above the rows."""
        if not self.rows:
            return "No findings."
        found = f"{self.rows} finding{'' if self.rows == 1 else 's'}"
        if not self.columns:
            return found + "."
        plural = self.by if len(self.groups) == 1 else plural_of(self.by)
        text = f"{found} in {len(self.groups)} {plural}"
        top = self.groups[0]
        if top.count > 1:
            text += f"; most in {top.name} ({top.count})"
        if self.confirmed is not None:
            text += f"; {self.confirmed} confirmed, {self.rows - self.confirmed} unconfirmed"
        return text + "."

    def as_dict(self) -> dict:
        """Return the summary as plain data, each group with the key that drills down to it."""
        return {
            "by": self.by,
            "columns": self.columns,
            "detail": self.detail,
            "rows": self.rows,
            "confirmed": self.confirmed,
            "line": self.line(),
            "groups": [
                {
                    "key": g.key,
                    "group": key_of(g),
                    "name": g.name,
                    "count": g.count,
                    "severities": g.severities,
                    "confirmed": g.confirmed,
                    "detail": g.detail,
                    "more": g.more,
                }
                for g in self.groups
            ],
        }


def plural_of(noun: str) -> str:
    """Return the plural of a grouping's name.

    >>> plural_of("partner pair"), plural_of("line of effort"), plural_of("data type")
    ('partner pairs', 'lines of effort', 'data types')
    """
    if " of " in noun:
        head, _, rest = noun.partition(" of ")
        return f"{plural_of(head)} of {rest}"
    return noun + "s"


def grouping(columns: list[str], rows: list[dict], tops: dict) -> tuple[tuple[str, ...], str]:
    """Return the grouping for these columns: the first that groups rows, else the first fit."""
    fits = [g for g in GROUPINGS if all(c in columns for c in g[0])]
    for keys, name in fits:
        if len({tuple(tops.get(r.get(k, ""), r.get(k, "")) for k in keys) for r in rows}) < len(
            rows
        ):
            return keys, name
    return fits[0] if fits else ((), "")


def detail_of(columns: list[str], keys: tuple[str, ...]) -> str:
    """Return the column whose values a group lists beside its count."""
    keys = tuple(k for k in keys if k != "missionArea")  # narrower areas under a top one
    return next((c for c in DETAILS if c in columns and c not in keys), "")


def is_true(value: object) -> bool:
    """Return whether a cell holds the literal true."""
    return str(value).strip().lower() in ("true", "1")


def summarise(
    columns: list[str],
    rows: list[dict],
    severities: list[str],
    tops: dict[str, str] | None = None,
) -> Summary:
    """Count rows per group; `tops` maps a narrower mission area to its top-level one."""
    tops = tops or {}
    keys, name = grouping(columns, rows, tops)
    detail = detail_of(columns, keys)
    counted = "confirmed" in columns
    groups: dict[tuple, Group] = {}
    seen: dict[tuple, set[str]] = {}
    for row, severity in zip(rows, severities, strict=True):
        key = tuple(tops.get(row.get(k, ""), row.get(k, "")) for k in keys)
        group = groups.setdefault(key, Group(list(key), confirmed=0 if counted else None))
        group.count += 1
        group.severities[severity] = group.severities.get(severity, 0) + 1
        if counted and is_true(row.get("confirmed")):
            group.confirmed += 1
        value = short(row.get(detail, "") or "")
        if value and value not in seen.setdefault(key, set()):
            seen[key].add(value)
            if len(group.detail) < DETAIL_KEPT:
                group.detail.append(value)
            else:
                group.more += 1
    ordered = sorted(groups.values(), key=lambda g: (-g.count, g.name))
    confirmed = sum(g.confirmed for g in ordered) if counted else None
    return Summary(name, list(keys), len(rows), ordered, confirmed, detail)


def key_of(group: Group) -> str:
    """Return a group's key as one string, for a link that drills down to its rows."""
    return "|".join(group.key)


def rows_of(keys: list[str], rows: list[dict], group: str, tops: dict | None = None) -> list[int]:
    """Return the indexes of the rows in the group named by `group` (from `key_of`).

    >>> rows_of(["partner"], [{"partner": "GBR"}, {"partner": "USA"}], "USA")
    [1]
    """
    tops = tops or {}
    wanted = group.split("|")
    return [
        i
        for i, row in enumerate(rows)
        if [tops.get(row.get(k, ""), row.get(k, "")) for k in keys] == wanted
    ]
