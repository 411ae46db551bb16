"""One store interface: the embedded and the remote store offer it, and no module circles."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import networkx as nx
import pytest

from kg.dataset import GraphStore
from kg.remote import RemoteStore
from kg.settings import Settings
from kg.storage import open_configured
from kg.store import Store

KG = Path(__file__).resolve().parent.parent / "kg"
STORE_MODULES = ("store", "remote", "sparql", "dataset", "bindings", "storage")


def imports_of(module: str) -> set[str]:
    """Return the kg modules one module imports, at its top or inside functions."""
    tree = ast.parse((KG / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kg"):
            found.add(node.module.removeprefix("kg.").removeprefix("kg"))
            if node.module == "kg":
                found |= {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("kg.") for a in node.names if a.name.startswith("kg.")}
    return found - {""}


def interface() -> dict[str, inspect.Signature]:
    """Return the methods the interface declares, with their signatures."""
    return {
        name: inspect.signature(member)
        for name, member in vars(GraphStore).items()
        if callable(member) and not name.startswith("_")
    }


@pytest.mark.parametrize("kind", [Store, RemoteStore])
def test_both_stores_offer_the_whole_interface_with_the_same_parameters(kind):
    declared = interface()
    assert len(declared) >= 10
    for name, signature in declared.items():
        assert hasattr(kind, name), f"{kind.__name__} lacks {name}"
        offered = inspect.signature(getattr(kind, name))
        assert list(offered.parameters) == list(signature.parameters), (kind.__name__, name)


def test_the_store_modules_import_no_circle():
    graph = {m: imports_of(m) & set(STORE_MODULES) for m in STORE_MODULES}
    for module in STORE_MODULES:
        seen, todo = set(), list(graph[module])
        while todo:
            step = todo.pop()
            if step not in seen:
                seen.add(step)
                todo += graph[step]
        assert module not in seen, f"kg.{module} imports itself through {sorted(seen)}"
    for a, b in [("store", "remote"), ("store", "sparql"), ("remote", "sparql")]:
        assert b not in graph[a] and a not in graph[b]


def test_one_factory_chooses_the_store_from_the_setting(tmp_path):
    remote = open_configured(
        Settings({"store": "sparql+http://127.0.0.1:9/q|http://127.0.0.1:9/u|http://127.0.0.1:9/g"})
    )
    assert isinstance(remote, RemoteStore)
    embedded = open_configured(Settings({"store": str(tmp_path / "store")}))
    assert isinstance(embedded, Store) and embedded.path == tmp_path / "store"


def module_imports() -> nx.DiGraph:
    """Return which kg module imports which, at the top or inside functions, as a graph."""
    names = {
        ".".join(p.relative_to(KG.parent).with_suffix("").parts).removesuffix(".__init__"): p
        for p in KG.rglob("*.py")
    }
    graph = nx.DiGraph()
    for name, path in names.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kg"):
                targets = [f"{node.module}.{a.name}" for a in node.names]
                targets = [t if t in names else node.module for t in targets]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph.add_edges_from((name, t) for t in targets if t in names and t != name)
    return graph


def test_no_kg_module_imports_itself_through_others():
    graph = module_imports()
    assert graph.number_of_edges() > 200 and "kg.web.dashboard" in graph
    assert not list(nx.simple_cycles(graph)), "import circles"
