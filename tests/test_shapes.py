"""Each shape has valid and invalid fixtures; each invalid one yields the finding it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib

from kg.submissions import check, read
from kg.submissions.validate import top_results
from tests.conftest import DATA

SHAPES = DATA / "shapes"
VALID = sorted((SHAPES / "valid").glob("*.ttl"))
INVALID = sorted((SHAPES / "invalid").glob("*.ttl"))
REFERENCE = sorted((SHAPES / "reference").glob("*.ttl"))
REFERENCE_VALID = sorted((SHAPES / "reference-valid").glob("*.ttl"))


def expectation(path: Path) -> dict[str, str]:
    """Read the `# key: value` header of a fixture."""
    header = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"# (\w+): (.*)", line)
        if not match:
            break
        header[match.group(1)] = match.group(2).strip()
    return header


def test_fixture_globs_find_files():
    assert len(VALID) >= 3
    assert len(INVALID) >= 30
    assert REFERENCE
    assert REFERENCE_VALID


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(path, context):
    report = check(read(path, context), context)
    assert report.conforms, report.to_text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_gives_its_finding(path, context):
    want = expectation(path)
    report = check(read(path, context), context)
    matching = [f for f in report.findings if f.shape == want["expect"]]
    assert matching, report.to_text()
    finding = matching[0]
    assert finding.severity == want["severity"].lower()
    assert finding.field == want["field"]
    assert want["message"].lower() in finding.message.lower()
    assert finding.line is not None, "a Turtle finding names its line"
    assert finding.capability, "a finding is grouped under its capability"
    assert report.conforms == (want["severity"] != "Violation")
    for f in report.findings:
        assert not re.search(r"\b(_:|N[0-9a-f]{32})", f.message + f.value), "blank node leaked"


def reference_findings(path: Path, content) -> list[tuple[str, str, str]]:
    """Validate a reference fixture with the vocabularies; return (shape, message, severity)."""
    import pyshacl

    shapes = rdflib.Graph().parse(content.reference_shape_file())
    for extra in content.submission_shape_files():
        shapes.parse(extra)
    data = rdflib.Graph().parse(path)
    for vocab in (content.ontology / "vocab").glob("*.ttl"):
        data.parse(vocab)
    _, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    return [
        (
            str(results.value(r, rdflib.SH.sourceShape)).rsplit("#", 1)[-1],
            str(results.value(r, rdflib.SH.resultMessage)),
            str(results.value(r, rdflib.SH.resultSeverity)).rsplit("#", 1)[-1],
        )
        for r in top_results(results)
    ]


@pytest.mark.parametrize("path", REFERENCE, ids=lambda p: p.stem)
def test_reference_fixture_gives_its_finding(path, content):
    want = expectation(path)
    found = reference_findings(path, content)
    assert any(
        shape == want["expect"]
        and want["message"].lower() in message.lower()
        and severity == want["severity"]
        for shape, message, severity in found
    ), found


@pytest.mark.parametrize("path", REFERENCE_VALID, ids=lambda p: p.stem)
def test_valid_reference_fixture_has_no_finding(path, content):
    assert reference_findings(path, content) == []
