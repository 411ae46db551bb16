"""Serialise query results: SPARQL JSON, XML, CSV, TSV; tables and Markdown; RDF graphs."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.sparql import QueryResult

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def term_json(term) -> dict:
    """Return a term in the SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def to_json(result: QueryResult) -> str:
    """Return SPARQL 1.1 Query Results JSON."""
    if result.form == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean})
    bindings = [{k: term_json(v) for k, v in row.items()} for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}})


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def to_xml(result: QueryResult) -> str:
    """Return SPARQL Query Results XML."""
    head = "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables)
    parts = [
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
        f"<head>{head}</head>",
    ]
    if result.form == "ask":
        parts.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        parts.append("<results>")
        for row in result.rows:
            cells = "".join(
                f"<binding name={quoteattr(k)}>{_xml_term(v)}</binding>" for k, v in row.items()
            )
            parts.append(f"<result>{cells}</result>")
        parts.append("</results>")
    parts.append("</sparql>")
    return "\n".join(parts)


def plain(term) -> str:
    """Return a term's plain value, as SPARQL CSV writes it."""
    if term is None:
        return ""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def to_csv(result: QueryResult) -> str:
    """Return SPARQL 1.1 CSV results."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.form == "ask":
        writer.writerows([["boolean"], ["true" if result.boolean else "false"]])
        return out.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([plain(row.get(v)) for v in result.variables])
    return out.getvalue()


def _tsv_term(term) -> str:
    if term is None:
        return ""
    text = str(term)
    return text.replace("\t", "\\t").replace("\n", "\\n")


def to_tsv(result: QueryResult) -> str:
    """Return SPARQL 1.1 TSV results (terms in N-Triples syntax)."""
    if result.form == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join(_tsv_term(row.get(v)) for v in result.variables) for row in result.rows]
    return "\n".join(lines) + "\n"


def to_table(result: QueryResult, markdown: bool = False) -> str:
    """Return rows as an aligned text table or a Markdown table."""
    if result.form == "ask":
        return "true" if result.boolean else "false"
    if result.form == "graph":
        return to_graph(result, "turtle")
    header = result.variables
    body = [[plain(row.get(v)) for v in header] for row in result.rows]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in body]
        return "\n".join(lines)
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in body]
    lines.append(
        f"({len(body)} row{'s' if len(body) != 1 else ''}"
        f"{', truncated' if result.truncated else ''})"
    )
    return "\n".join(lines)


def to_graph(result: QueryResult, fmt: str) -> str:
    """Return CONSTRUCT / DESCRIBE triples in an RDF format."""
    return ox.serialize(result.triples, format=GRAPH_FORMATS[fmt]).decode("utf-8")


def render(result: QueryResult, fmt: str) -> str:
    """Render a result in a named format."""
    if result.form == "graph" and fmt in GRAPH_FORMATS:
        return to_graph(result, fmt)
    renderers = {
        "json": to_json,
        "xml": to_xml,
        "csv": to_csv,
        "tsv": to_tsv,
        "table": to_table,
        "md": lambda r: to_table(r, markdown=True),
    }
    if result.form == "graph":
        return to_graph(result, "turtle" if fmt in ("table", "md") else "ntriples")
    return renderers[fmt](result)
