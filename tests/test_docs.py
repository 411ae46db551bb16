"""The README documents every command and every setting, exactly as the code defines them."""

from __future__ import annotations

import re

from kg.cli import main
from kg.settings import ROOT, SETTINGS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    lines = README.splitlines()
    assert lines[1].startswith("make run")
    assert lines[2].startswith("make test")


def test_readme_names_every_cli_command():
    for name in main.commands:
        assert f"`kg {name}" in README, name


def test_readme_settings_table_matches_the_settings():
    block = README.split("<!-- settings:start -->")[1].split("<!-- settings:end -->")[0]
    rows = [r for r in block.splitlines() if r.startswith("| `")]
    names = [re.match(r"\| `([a-z_]+)`", r).group(1) for r in rows]
    assert names == [s.name for s in SETTINGS]
    for setting, row in zip(SETTINGS, rows, strict=True):
        assert f"`{setting.env}`" in row
        assert setting.help.replace("|", "\\|") in row


def test_makefile_and_ci_use_the_two_commands():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
