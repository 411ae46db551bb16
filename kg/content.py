"""Find the project's content files and read them without touching the network."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.namespaces import ONTOLOGY_GRAPH, reference_graph

OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
ROOT_ONTOLOGY = "https://w3id.org/csig/ont"
CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"


@dataclass(frozen=True)
class Content:
    """The content folders: ontology/, shapes/ and data/ under one root."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes(self) -> Path:
        return self.root / "shapes"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def reference_files(self) -> list[Path]:
        """Return the reference data files, one named graph each."""
        return sorted((self.data / "reference").glob("*.ttl"))

    def partner_files(self) -> list[Path]:
        """Return the seed partner submissions, one file per partner."""
        return sorted((self.data / "partners").glob("*.ttl"))

    def submission_shape_files(self) -> list[Path]:
        """Return the shapes that validate partner submissions."""
        return sorted(
            p for p in self.shapes.glob("*.ttl") if p.name not in ("ontology.ttl", "reference.ttl")
        )

    def reference_shape_file(self) -> Path:
        """Return the shapes that validate the reference data."""
        return self.shapes / "reference.ttl"

    def ontology_shape_file(self) -> Path:
        """Return the shapes that check the ontology itself."""
        return self.shapes / "ontology.ttl"

    def catalog(self) -> dict[str, Path]:
        """Map every ontology IRI to its local file, from `ontology/catalog-v001.xml`."""
        path = self.ontology / "catalog-v001.xml"
        try:
            tree = ET.parse(path)
        except (OSError, ET.ParseError) as err:
            raise KGError(f"{path}: {err}") from err
        return {
            el.get("name"): self.ontology / el.get("uri") for el in tree.iter(CATALOG_NS + "uri")
        }

    def ontology_files(self) -> list[Path]:
        """Return the ontology files reached from the aggregator through `owl:imports`."""
        catalog = self.catalog()
        seen: list[Path] = []
        pending = [ROOT_ONTOLOGY]
        while pending:
            iri = pending.pop()
            path = catalog.get(iri)
            if path is None:
                raise KGError(
                    f"owl:imports <{iri}> is not in ontology/catalog-v001.xml; "
                    "imports are never fetched from the network"
                )
            if path in seen:
                continue
            seen.append(path)
            pending += [q.object.value for q in read_file(path) if q.predicate.value == OWL_IMPORTS]
        return sorted(seen)

    def graph_files(self) -> dict[str, list[Path]]:
        """Return the public named graphs built from files: ontology and reference data."""
        graphs = {ONTOLOGY_GRAPH: self.ontology_files()}
        for path in self.reference_files():
            graphs[reference_graph(path.stem)] = [path]
        return graphs


def read_file(path: Path) -> list[ox.Triple]:
    """Parse a Turtle file into triples, naming the file and line on a syntax error."""
    try:
        return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    except SyntaxError as err:
        raise KGError(f"{path}: {err}") from err
    except OSError as err:
        raise KGError(f"{path}: cannot read: {err}") from err


def read_files(paths: list[Path]) -> list[ox.Triple]:
    """Parse several Turtle files into one list of triples."""
    return [t for p in paths for t in read_file(p)]
