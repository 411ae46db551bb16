"""HermiT through owlready2 on the real ontology: real Java, no mock."""

from __future__ import annotations

import pytest

from kg.content import Content
from kg.reason import reason
from tests.conftest import require_program

pytestmark = pytest.mark.reasoner


def test_the_ontology_is_consistent_with_every_class_satisfiable(content):
    java = require_program("java")
    result = reason(content, java)
    assert result.consistent, result.error
    assert result.unsatisfiable == []
    assert result.classes >= 30


def test_an_unsatisfiable_class_is_reported(tmp_path, content):
    java = require_program("java")
    broken = tmp_path / "content"
    (broken / "ontology" / "vocab").mkdir(parents=True)
    for path in content.ontology_files():
        target = broken / path.relative_to(content.root)
        target.write_bytes(path.read_bytes())
    (broken / "ontology" / "catalog-v001.xml").write_bytes(
        (content.ontology / "catalog-v001.xml").read_bytes()
    )
    with open(broken / "ontology" / "partners.ttl", "a", encoding="utf-8") as f:
        f.write(
            "\n<https://w3id.org/csig/ont#Coalition> "
            "<http://www.w3.org/2000/01/rdf-schema#subClassOf> "
            "<https://w3id.org/csig/ont#Nation> .\n"
        )
    result = reason(Content(broken), java)
    assert "https://w3id.org/csig/ont#Coalition" in result.unsatisfiable


def test_kg_reason_exits_zero_and_reports_consistency(runner):
    require_program("java")
    result = runner("reason")
    assert result.exit_code == 0, result.output
    assert "consistent: yes" in result.output
    assert "unsatisfiable classes: 0" in result.output
