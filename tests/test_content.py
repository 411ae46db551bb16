"""Every glob the project relies on finds files; content never comes from the network."""

from __future__ import annotations

import pytest

from kg.content import Content
from kg.errors import KGError


@pytest.mark.parametrize(
    "method", ["reference_files", "partner_files", "submission_shape_files", "ontology_files"]
)
def test_every_glob_finds_files(content, method):
    assert getattr(content, method)(), f"{method} found no file"


def test_single_shape_files_exist(content):
    assert content.ontology_shape_file().exists()
    assert content.reference_shape_file().exists()


def test_an_import_missing_from_the_catalog_is_refused(tmp_path, content):
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "catalog-v001.xml").write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        '<uri name="https://w3id.org/csig/ont" uri="csig.ttl"/></catalog>'
    )
    (tmp_path / "ontology" / "csig.ttl").write_text(
        "<https://w3id.org/csig/ont> <http://www.w3.org/2002/07/owl#imports> "
        "<https://example.org/remote.ttl> .\n"
    )
    with pytest.raises(KGError, match="never fetched"):
        Content(tmp_path).ontology_files()


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    from kg.content import read_file

    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    with pytest.raises(KGError, match=r"bad\.ttl.*line 2|bad\.ttl"):
        read_file(bad)
