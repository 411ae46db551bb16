"""Read a catalogue file's text: UTF-8, or the Windows code page older editions use."""

from __future__ import annotations

from pathlib import Path

from kg.errors import KGError


def read_text(path: Path) -> str:
    """Return a file's text; UTF-8 (with or without BOM), else Windows-1252."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise KGError(f"{path}: cannot read: {err}") from err
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
