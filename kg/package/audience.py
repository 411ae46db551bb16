"""Who a package is for: a nation, organisation or coalition at a clearance, as CODE@LEVEL.

`FRA@FRA-S` is France at FRA SECRET, `NATO@NATO-NS` NATO staff at NATO SECRET, `public` the
anonymous viewer. The viewer is the one kg.access decides for: the package holds exactly the
graphs of that viewer's dataset.
"""

from __future__ import annotations

import re

from kg.access import ANONYMOUS, Viewer, public_base_graphs
from kg.dataset import Dataset
from kg.errors import KGError
from kg.namespaces import CSIG, ID
from kg.users import User, clearance_rank

SPEC = re.compile(r"([A-Z][A-Z0-9-]{1,15})@([A-Za-z0-9-]{1,32})")
PUBLIC = "public"
KINDS = (("nation", "Nation"), ("coalition", "Coalition"))


def viewer_for(store, spec: str) -> Viewer:
    """Return the viewer a spec names, checked against the store's reference data."""
    if spec == PUBLIC:
        return ANONYMOUS
    match = SPEC.fullmatch(spec)
    if not match:
        raise KGError(
            f"{spec!r}: name the viewer as CODE@CLEARANCE, e.g. FRA@FRA-S or "
            "NATO@NATO-NS, or 'public'"
        )
    code, level = match.groups()
    kind = _kind(store, code)
    return Viewer(
        name=spec,
        nation=code if kind == "nation" else None,
        organisation=code if kind == "coalition" else None,
        clearance=clearance_rank(store, level),
        partner=code,
        anonymous=False,
    )


def _kind(store, code: str) -> str:
    """Return whether a code is a nation or a coalition of the reference data."""
    dataset = Dataset(tuple(public_base_graphs(store)))
    for kind, cls in KINDS:
        query = f"ASK {{ <{ID}{kind}/{code}> a <{CSIG}{cls}> }}"
        if store.query(query, dataset):
            return kind
    raise KGError(
        f"{code!r}: not a nation or coalition of the reference data (use an ISO "
        "3166 alpha-3 code such as FRA, or a coalition such as NATO)"
    )


def spec_of(user: User | None) -> str:
    """Return the spec of a signed-in user's own viewer ('public' for nobody)."""
    if user is None:
        return PUBLIC
    code = user.nation or user.organisation
    if not code or not user.clearance:
        raise KGError(f"user {user.name} has no nation or organisation and clearance")
    return f"{code}@{user.clearance}"
