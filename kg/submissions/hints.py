"""Hints in the partner's words: values shown as written, and the code they probably meant."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from urllib.parse import unquote

import rdflib
from rdflib.namespace import RDF, RDFS, SKOS

from kg.namespaces import CSIG, ID, PREFIXES
from kg.submissions.tabular import Catalogue
from kg.submissions.template import levels_by_system

# Which codes a field's values are drawn from.
FIELD_GROUPS = {
    "mission_areas": "ma",
    "kind": "kind",
    "orbit_regime": "orbit",
    "status": "status",
    "provider": "partner",
    "contributing_nations": "partner",
    "funding_nations": "partner",
    "releasable_to": "partner",
    "interfaces": "interface",
}
SCHEMES = ("ma", "kind", "orbit", "status", "dt")


@dataclass
class Lexicon:
    """The valid codes of each group and the words (labels, alternative labels) naming them."""

    codes: dict[str, list[str]] = field(default_factory=dict)
    words: dict[str, dict[str, str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # code -> preferred label
    levels: dict[str, list[str]] = field(default_factory=dict)  # marking system -> levels

    def add(self, group: str, code: str, labels: list[str]) -> None:
        """Record a code of a group and the words that name it."""
        self.codes.setdefault(group, []).append(code)
        words = self.words.setdefault(group, {})
        for word in (code, *labels):
            words.setdefault(word.casefold(), code)
        if labels:
            self.names.setdefault(code, labels[0])


def build_lexicon(graph: rdflib.Graph, catalogue: Catalogue) -> Lexicon:
    """Collect codes and their words from the vocabularies, partners and standards."""
    lexicon = Lexicon()
    for concept, notation in graph.subject_objects(SKOS.notation):
        for prefix in SCHEMES:
            if str(concept).startswith(PREFIXES[prefix]):
                labels = [
                    str(x)
                    for p in (SKOS.prefLabel, SKOS.altLabel)
                    for x in graph.objects(concept, p)
                ]
                lexicon.add(prefix, str(notation), labels)
    for code, iri in catalogue.partners.items():
        node = rdflib.URIRef(iri)
        labels = [
            str(x)
            for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
            for x in graph.objects(node, p)
        ]
        lexicon.add("partner", code, labels)
    for standard in graph.subjects(RDF.type, rdflib.URIRef(CSIG + "DataStandard")):
        lexicon.add(
            "standard",
            str(standard).removeprefix(ID + "standard/"),
            [
                str(x)
                for x in graph.objects(standard, rdflib.URIRef(PREFIXES["dcterms"] + "identifier"))
            ],
        )
    lexicon.levels = levels_by_system(graph)
    return lexicon


def display(value, written: dict[str, str] | None = None) -> str:
    """Return a value as the partner wrote it: the cell text, else a code rather than an IRI.

    >>> display(rdflib.URIRef("https://w3id.org/csig/missionarea/PNT-GNS"))
    'PNT.GNS'
    >>> display(rdflib.URIRef("https://w3id.org/csig/id/nation/UNITED%20KINGDOM"))
    'UNITED KINGDOM'
    """
    if value is None:
        return ""
    text = str(value)
    if written and text in written:
        return written[text]
    if isinstance(value, rdflib.URIRef):
        for prefix in ("ma", "kind", "orbit", "status", "cls"):
            if text.startswith(PREFIXES[prefix]):
                local = unquote(text.removeprefix(PREFIXES[prefix]))
                return local.replace("-", ".") if prefix == "ma" else local
        if text.startswith(PREFIXES["dt"]):
            return "DT." + unquote(text.removeprefix(PREFIXES["dt"]))
        for kind in ("nation/", "coalition/", "org/", "standard/", "capability/"):
            if text.startswith(ID + kind):
                return unquote(text.removeprefix(ID + kind))
    return text


def hint(
    field: str,
    shown: str,
    lexicon: Lexicon,
    preferred: list[str] | None = None,
    system: str | None = None,
) -> str:
    """Suggest the valid code a partner meant, matching codes, labels and alternative labels.

    A classification level unknown to its marking system lists that system's levels.
    """
    if not shown:
        return ""
    if field == "classification" and system:
        levels = lexicon.levels.get(system)
        return f"the {system} marking system's levels are {', '.join(levels)}" if levels else ""
    group = FIELD_GROUPS.get(field)
    if preferred:
        codes, words = preferred, {c.casefold(): c for c in preferred}
    elif group == "interface":
        codes = lexicon.codes.get("dt", []) + lexicon.codes.get("standard", [])
        words = {**lexicon.words.get("dt", {}), **lexicon.words.get("standard", {})}
    else:
        codes, words = lexicon.codes.get(group, []), lexicon.words.get(group, {})
    if shown in codes:
        return ""
    meant = words.get(shown.casefold()) or _close(shown, codes, words)
    if not meant:
        return ""
    name = lexicon.names.get(meant)
    named = f"{meant} ({name})" if name and name.casefold() != meant.casefold() else meant
    return f"{shown} is not a valid code here; did you mean {named}?"


def _close(shown: str, codes: list[str], words: dict[str, str]) -> str | None:
    """Return the code whose code or label is closest in spelling to `shown`."""
    close = difflib.get_close_matches(shown, codes, n=1, cutoff=0.6)
    if close:
        return close[0]
    close = difflib.get_close_matches(shown.casefold(), list(words), n=1, cutoff=0.75)
    return words[close[0]] if close else None
