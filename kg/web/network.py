"""The partner interoperability network as SVG: islands, bridges, adoptions and levels."""

from __future__ import annotations

import math
from dataclasses import replace

import networkx as nx
from flask import Blueprint

from kg.analysis import Model, analyse, levels, load_model, partner_network, recommend
from kg.analysis.levels import NAMES
from kg.analysis.model import short
from kg.catalogue import Param, check
from kg.web.auth import current_dataset
from kg.web.dashboard import PROVIDERS
from kg.web.pages import answer, api_route, select
from kg.web.reports import options, values_of
from kg.web.state import state
from kg.web.viewer_cache import kept

bp = Blueprint("network", __name__)
WIDTH, HEIGHT, MARGIN = 760, 520, 48


def spring(graph: nx.Graph, rounds: int = 300) -> dict[str, list[float]]:
    """Return a force-directed layout of a connected graph, starting from a circle (no numpy)."""
    nodes = sorted(graph)
    n = len(nodes)
    pos = {
        v: [math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)]
        for i, v in enumerate(nodes)
    }
    k = 1.6 / math.sqrt(n)
    for step in range(rounds):
        move = {v: [0.0, 0.0] for v in nodes}
        for i, a in enumerate(nodes):
            for b in nodes[i + 1 :]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                d = max(math.hypot(dx, dy), 1e-3)
                force = k * k / d - (d * d / k if graph.has_edge(a, b) else 0)
                for v, sign in ((a, 1), (b, -1)):
                    move[v][0] += sign * dx / d * force
                    move[v][1] += sign * dy / d * force
        heat = 0.1 * (1 - step / rounds) + 0.002
        for v, (mx, my) in move.items():
            length = max(math.hypot(mx, my), 1e-9)
            pos[v][0] += mx / length * min(length, heat)
            pos[v][1] += my / length * min(length, heat)
    return pos


def fit(pos: dict, box: tuple[float, float, float, float]) -> dict[str, tuple[float, float]]:
    """Scale positions into a box (left, top, right, bottom); one node goes to its centre."""
    left, top, right, bottom = box
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    return {
        v: (
            round(left + ((x - min(xs)) / span_x if span_x else 0.5) * (right - left), 1),
            round(top + ((y - min(ys)) / span_y if span_y else 0.5) * (bottom - top), 1),
        )
        for v, (x, y) in pos.items()
    }


def layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Return deterministic SVG coordinates: the largest island in the main area, the other
    islands stacked in a column on the right."""
    islands = sorted(
        (sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c)
    )
    if not islands:
        return {}
    side = WIDTH - MARGIN - 90 if len(islands) > 1 else WIDTH - MARGIN
    out = fit(spring(graph.subgraph(islands[0])), (MARGIN, MARGIN, side - 60, HEIGHT - MARGIN))
    rest = islands[1:]
    slot = (HEIGHT - 2 * MARGIN) / max(sum(len(c) for c in rest), 1)
    top = MARGIN
    for island in rest:
        height = slot * len(island)
        box = (side, top + min(slot, height) / 2, WIDTH - MARGIN, top + height - slot / 2)
        out |= fit(spring(graph.subgraph(island)), box)
        top += height
    return out


def drawing(model: Model, data_type: str | None) -> dict:
    """Return the nodes and edges to draw, with the findings they show."""
    graph = partner_network(model, data_type)
    pos = layout(graph)
    found = analyse(model, data_type)
    island = {code: i for i, members in enumerate(found.islands) for code in members}
    bridges = {tuple(b) for b in found.bridges}
    nodes = [
        {
            "iri": p,
            "code": short(p),
            "x": pos[p][0],
            "y": pos[p][1],
            "island": island[short(p)],
            "cut": short(p) in found.articulation_points,
            "degree": graph.degree(p),
        }
        for p in sorted(graph)
    ]
    edges = []
    for a, b, attrs in sorted(graph.edges(data=True)):
        pair = tuple(sorted((short(a), short(b))))
        edges.append(
            {
                "a": pair[0],
                "b": pair[1],
                "x1": pos[a][0],
                "y1": pos[a][1],
                "x2": pos[b][0],
                "y2": pos[b][1],
                "bridge": pair in bridges,
                "exact": sorted(map(short, attrs["exact"])),
                "family": sorted(map(short, attrs["family"])),
            }
        )
    return {"width": WIDTH, "height": HEIGHT, "nodes": nodes, "edges": edges, "findings": found}


def explained(graph: nx.Graph, found) -> dict:
    """Return this network's own examples of a bridge, an island and a single point of
    failure: who would be cut off from whom."""
    codes = nx.relabel_nodes(graph, short)
    bridges = []
    for a, b in found.bridges:
        cut = codes.copy()
        cut.remove_edge(a, b)
        small, large = sorted(
            (sorted(nx.node_connected_component(cut, end)) for end in (a, b)), key=len
        )
        bridges.append({"a": a, "b": b, "cut_off": small, "from": len(large)})
    points = []
    for code in found.articulation_points:
        cut = codes.copy()
        cut.remove_node(code)
        parts = sorted((sorted(c) for c in nx.connected_components(cut)), key=len)
        points.append({"partner": code, "cut_off": [p for part in parts[:-1] for p in part]})
    return {"bridges": bridges, "points": points, "islands": found.islands[1:]}


def level_grid(model: Model) -> dict:
    """Return the interoperability level of every partner pair as a symmetric grid."""
    pairs = levels(model)
    codes = sorted({code for lv in pairs for code in (lv.a, lv.b)})
    cell = {}
    for lv in pairs:
        cell[lv.a, lv.b] = cell[lv.b, lv.a] = {
            "level": lv.level,
            "name": lv.name,
            "facts": list(lv.facts),
        }
    counts = {name: 0 for name in NAMES}
    for lv in pairs:
        counts[lv.name] += 1
    return {
        "partners": codes,
        "names": list(NAMES),
        "counts": counts,
        "rows": [[cell.get((a, b)) for b in codes] for a in codes],
    }


def adoptions(model: Model, top: int = 5) -> list[dict]:
    """Return the recommender's top adoptions with the gaps each closes."""
    return [
        {
            "partner": short(a.partner),
            "partner_iri": a.partner,
            "standard": short(a.standard),
            "standard_iri": a.standard,
            "data_type": short(a.data_type),
            "gaps_before": a.before,
            "gaps_after": a.after,
            "closed": a.closed,
        }
        for a in recommend(model, top)
    ]


def data_type_choices(model: Model) -> list[dict]:
    """Return the data types the network carries, with their labels."""
    used = {short(i.data_type) for i in model.interfaces}
    return [o for o in options("data-type") if o["value"].removeprefix("DT.") in used]


@api_route(bp, "/network", "/api/network")
def network():
    """Show the partner network, filterable by data type, with adoptions and levels."""
    param = Param("data_type", "data-type")
    chosen = values_of({"data_type": param}).get("data_type")
    given = {"data_type": chosen} if chosen else {}
    found = check(state().store, current_dataset(), {"data_type": param}, given)
    dtype = found["data_type"].value if chosen else None
    return answer("network.html", **kept("network", dtype, lambda: network_data(dtype)))


def network_data(dtype: str | None) -> dict:
    """Return the network page's data on the viewer's dataset, for one data type or all."""
    model = load_model(state().store, current_dataset())
    choices = data_type_choices(model)
    if dtype:
        model_dt = replace(model, interfaces=[i for i in model.interfaces if i.data_type == dtype])
    else:
        model_dt = model
    drawn = drawing(model, dtype)
    found = drawn.pop("findings")
    graph = partner_network(model, dtype)
    return dict(
        data_type=short(dtype) if dtype else None,
        data_types=choices,
        drawing=drawn,
        islands=found.islands,
        bridges=[list(b) for b in found.bridges],
        articulation_points=found.articulation_points,
        version_mismatch_links=[list(v) for v in found.version_mismatch_links],
        standards=found.standards[:10],
        adoptions=adoptions(model_dt),
        levels=level_grid(model_dt),
        explained=explained(graph, found),
        missing=[] if dtype else missing_partners(graph),
    )


def missing_partners(graph: nx.Graph) -> list[dict]:
    """Return the partners that provide capabilities but are not in the network: they have
    no data interface on an active capability, so there is no link to draw."""
    return [
        {"iri": p["partner"], "label": p["label"]}
        for p in select(PROVIDERS)
        if p["partner"] not in graph
    ]
