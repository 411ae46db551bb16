"""`kg check`: passes on the bundled data, fails naming the file and term on a broken one."""

from __future__ import annotations

import shutil

from kg.check import run_checks
from kg.content import Content


def test_kg_check_passes_on_the_bundled_content(runner):
    result = runner("check")
    assert result.exit_code == 0, result.output
    assert "0 violation(s)" in result.output


def copy_content(source: Content, target) -> Content:
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(source.root / folder, target / folder)
    return Content(target)


def test_check_names_file_and_term_of_an_undefined_term(tmp_path, content):
    broken = copy_content(content, tmp_path)
    with open(broken.ontology / "standards.ttl", "a", encoding="utf-8") as f:
        f.write(
            "\n<https://w3id.org/csig/ont#brokenTerm> a "
            "<http://www.w3.org/2002/07/owl#ObjectProperty> .\n"
        )
    problems = [p for p in run_checks(broken) if p.severity == "violation"]
    assert any(
        p.file.endswith("standards.ttl") and p.term == "https://w3id.org/csig/ont#brokenTerm"
        for p in problems
    )


def test_check_names_file_and_term_of_invalid_partner_data(tmp_path, content):
    broken = copy_content(content, tmp_path)
    path = broken.data / "partners" / "NZL.ttl"
    path.write_text(
        path.read_text(encoding="utf-8").replace("orbit:GND", "orbit:GROUND"), encoding="utf-8"
    )
    problems = [p for p in run_checks(broken) if p.severity == "violation"]
    assert any("NZL.ttl" in p.file and "rocket-lab" in p.term for p in problems), problems


def test_kg_check_exits_one_on_a_violation(tmp_path, content, runner):
    broken = copy_content(content, tmp_path)
    with open(broken.ontology / "vocab" / "orbits.ttl", "a", encoding="utf-8") as f:
        f.write(
            "\n<https://w3id.org/csig/orbit/XEO> a "
            "<http://www.w3.org/2004/02/skos/core#Concept> .\n"
        )
    result = runner("--content", str(broken.root), "check")
    assert result.exit_code == 1
    assert "orbits.ttl" in result.output and "orbit/XEO" in result.output
