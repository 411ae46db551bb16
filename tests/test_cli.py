"""The `kg` command line on a real store."""

from __future__ import annotations

import json

from kg.cli import main


def test_every_command_has_help(runner):
    for name in main.commands:
        result = runner(name, "--help")
        assert result.exit_code == 0, name
        assert "Usage" in result.output


def test_init_builds_then_finds_everything_unchanged(tmp_path, runner):
    store = tmp_path / "new-store"
    first = runner("--store", str(store), "init")
    assert first.exit_code == 0, first.output
    assert "partners seeded from data/partners: 17; kept as accepted: 0" in first.output
    second = runner("--store", str(store), "init")
    assert "partners seeded from data/partners: 0; kept as accepted: 17" in second.output
    assert "(0 refreshed)" in second.output


def test_stats_counts_the_bundled_data(runner):
    result = runner("stats", "--json")
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts["capabilities"] >= 50
    assert counts["standards"] >= 60
    assert counts["nations"] >= 40
    assert counts["mission_areas"] == 54  # 11 top areas (with TDD) and their narrower ones


def test_dump_then_restore(tmp_path, runner):
    path = tmp_path / "all.nq"
    dumped = runner("dump", str(path))
    assert dumped.exit_code == 0 and path.stat().st_size > 0
    restored = runner("--store", str(tmp_path / "other"), "restore", str(path))
    assert restored.exit_code == 0, restored.output
    assert restored.output.split()[1] == dumped.output.split()[1]


def test_sparql_runs_a_query_file_as_public_by_default(tmp_path, runner):
    query = tmp_path / "q.rq"
    query.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/csig/ont#Capability> "
        "; <https://w3id.org/csig/ont#exerciseData> true }"
    )
    public = runner("sparql", str(query), "--format", "json")
    everything = runner("sparql", str(query), "--format", "json", "--as", "all")
    count = json.loads(public.output)["results"]["bindings"][0]["n"]["value"]
    assert count == "0"
    assert int(json.loads(everything.output)["results"]["bindings"][0]["n"]["value"]) >= 3


def test_sparql_refuses_service(tmp_path, runner):
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    result = runner("sparql", str(query))
    assert result.exit_code == 2
    assert "SERVICE is not allowed" in result.output


def test_python_dash_m_kg_runs():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, check=True
    )
    assert "Coalition space interoperability graph" in out.stdout


def test_every_file_argument_is_read_where_the_user_typed_the_command():
    """Commands handed to a running server resolve relative paths against the user's cwd."""
    import click

    from kg.cli_context import LocalPath

    def params(command, path=()):
        for param in command.params:
            yield (*path, command.name, param.name), param.type
        for name, sub in getattr(command, "commands", {}).items():
            yield from params(sub, (*path, name))

    found = [(where, kind) for where, kind in params(main) if isinstance(kind, click.Path)]
    assert found
    assert [where for where, kind in found if not isinstance(kind, LocalPath)] == []
