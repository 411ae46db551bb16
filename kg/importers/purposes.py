"""Mission areas for a catalogue's purpose categories (the UCS database's "Purpose")."""

from __future__ import annotations

from kg.importers.records import Record

# Catalogue categories that are not names of one mission area. Categories that are (such as
# "Communications", "Technology Demonstration", "Navigation/Global Positioning") are found
# through the mission areas' labels and alternative labels in ontology/vocab/missionareas.ttl.
CATEGORIES = {
    "earth observation": ("ISR", "EMON"),  # (military users, others)
    "surveillance": ("ISR", "ISR"),
    "space observation": ("SDA.SST", "SDA.SST"),
    "earth science": ("EMON", "EMON"),
    "meteorological": ("EMON.TWX", "EMON.TWX"),
    "infrared imaging": ("ISR.EO", "ISR.EO"),
    "electronic intelligence": ("ISR.SIG", "ISR.SIG"),
}


def mission_areas(record: Record, lexicon) -> list[str]:
    """Return the mission-area notations a record's purpose names, narrowest kept.

    "Earth Observation/Radar Imaging" gives ISR.SAR (not ISR and ISR.SAR); Earth observation
    by a satellite with military users is ISR, by others environmental monitoring.
    """
    words = lexicon.words.get("ma", {})
    military = "military" in record.users.casefold()
    found: list[str] = []
    for text in (record.purpose, record.extra.get("detail", "")):
        parts = [text] if text.casefold() in words else text.split("/")
        for part in parts:
            code = _code(part.strip().casefold(), words, military)
            if code and code not in found:
                found.append(code)
    return [c for c in found if not any(o != c and o.startswith(c + ".") for o in found)]


def _code(key: str, words: dict[str, str], military: bool) -> str | None:
    """Return the mission area one purpose word names, or None."""
    if key in words:
        return words[key]
    if key in CATEGORIES:
        return CATEGORIES[key][0 if military else 1]
    return None
