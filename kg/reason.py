"""Reason over the ontology with owlready2 and HermiT: consistency, satisfiability, inferences."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import OWL

from kg.content import Content
from kg.errors import KGError


@dataclass
class Reasoning:
    """What HermiT found: consistency, unsatisfiable classes, inferred subclass relations."""

    consistent: bool
    classes: int
    unsatisfiable: list[str] = field(default_factory=list)
    inferred: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""


def ontology_graph(content: Content) -> rdflib.Graph:
    """Merge the ontology files, without owl:imports (they are all local and merged here)."""
    graph = rdflib.Graph()
    for path in content.ontology_files():
        graph.parse(path)
    graph.remove((None, OWL.imports, None))
    return graph


def reason(content: Content, java: str = "java") -> Reasoning:
    """Run HermiT on the merged ontology and report what it found."""
    import owlready2

    owlready2.JAVA_EXE = java
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "csig.owl"
        ontology_graph(content).serialize(path, format="xml")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        classes = list(onto.classes())
        before = {c: set(c.is_a) for c in classes}
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as err:
            return Reasoning(False, len(classes), error=str(err))
        except (owlready2.OwlReadyJavaError, FileNotFoundError, OSError) as err:
            raise KGError(
                f"HermiT could not run (is Java installed? setting 'java'): {err}"
            ) from err
        unsat = sorted(c.iri for c in world.inconsistent_classes())
        inferred = sorted(
            (c.iri, parent.iri)
            for c in classes
            for parent in set(c.is_a) - before[c]
            if hasattr(parent, "iri")
        )
    return Reasoning(True, len(classes), unsat, inferred)
