"""Crawl the explorer as each fixture viewer: nothing of a record it may not see, counts right.

The forbidden strings (IRIs, identifiers, labels and marking texts of the records a viewer may
not see) and the expected counts come from the independent model in tests/test_leaks.py,
which reads the content files and never asks kg.access.
"""

from __future__ import annotations

import heapq
import html
import io
import json
import os
import re
import time
import zipfile
from collections import Counter
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit

import pyoxigraph as ox
import pytest

from tests.test_leaks import CSIG, GRAPH, RDF_TYPE, VIEWERS, forbidden, model

CAP = int(os.environ.get("KG_CRAWL_CAP", "400"))  # pages per viewer
BUDGET = float(os.environ.get("KG_CRAWL_SECONDS", "8"))  # seconds per viewer, at most
ID = "https://w3id.org/csig/id/"
LINK = re.compile(r"""(?:href|src|action)\s*=\s*["']([^"']*)["']""", re.I)
SKIP = ("/static/", "/signout", "/favicon.ico")
RDF_TYPES = ("text/turtle", "application/ld+json")
SEARCHES = (
    "EXERCISE",
    "exercise",
    "SECRET",
    "NOFORN",
    "REL TO",
    "FVEY",
    "Deep-space",
    "Sovereign",
    "Franco",
    "conjunction",
)


@pytest.fixture(scope="module")
def client(module_app):
    """A client of the module's app (the crawl only reads)."""
    return module_app.test_client()


def auth(key: str, accept: str | None = None) -> dict:
    who = model().viewers[key]
    headers = {"Authorization": f"Bearer {who.token}"} if who.token else {}
    if accept:
        headers["Accept"] = accept
    return headers


def texts(body: str, content_type: str) -> str:
    """The body in every form a string could hide in: raw, HTML-unescaped, URL-decoded, JSON."""
    forms = [body, html.unescape(body), unquote(html.unescape(body))]
    if "json" in content_type:
        try:
            forms.append(json.dumps(json.loads(body), ensure_ascii=False))
        except ValueError:
            pass
    return "\n".join(forms)


def internal(base: str, link: str) -> str | None:
    """Return an internal link as a path with query, or None for outside ones."""
    link = html.unescape(link.strip())
    if not link or link.startswith(("#", "mailto:", "javascript:", "data:")):
        return None
    if link.startswith(ID):
        link = "/id/" + link[len(ID) :]
    parts = urlsplit(urljoin("http://localhost" + base, link))
    if parts.netloc != "localhost" or parts.path.startswith(SKIP):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links_of(url: str, body: str, content_type: str) -> list[str]:
    found = []
    if "html" in content_type:
        found = LINK.findall(body)
    elif "json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str) and (item.startswith("/") or item.startswith(ID)):
                found.append(item)
    return [u for u in (internal(url, link) for link in found) if u]


def json_twin(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "format"] + [("format", "json")]
    return f"{parts.path}?{urlencode(query)}"


def priority(url: str, accept: str | None, queued: Counter) -> int:
    """Take the kinds of page in turn, so that no one kind (facet combinations, /id/ pages of
    one type) uses up the crawl; among one kind, fewer parameters first."""
    kind = kind_of(url, accept)
    queued[kind] += 1
    weight = 1 if "capabilit" in kind else 4  # capability pages show records: visit more
    return weight * queued[kind] + len(parse_qsl(urlsplit(url).query))


EDITOR = re.compile(r"<textarea[^>]*name=[\"']query[\"'][^>]*>(.*?)</textarea>", re.S | re.I)


def editor_runs(body: str) -> list[tuple[str, str | None]]:
    """The query in a SPARQL editor page, run as the page's form and through /sparql."""
    found = []
    for text in EDITOR.findall(body):
        query = urlencode({"query": html.unescape(text)})
        found += [(f"/query?{query}", None), (f"/sparql?{query}", None)]
    return found


def hot() -> list[str]:
    """Pages where a hidden record would show if it leaked: whatever a classified record links.

    Its partner, standards, mission areas, data types and other linked resources, as /id/
    pages or /resource pages, with the listings filtered by those values.
    """
    found = model()
    urls = set()
    for record in found.records:
        if record.public:
            continue
        for t in record.triples:
            value = t.object
            if not isinstance(value, ox.NamedNode) or value.value in record.strings:
                continue
            iri = value.value
            if iri.startswith(ID) and "/capability/" not in iri:
                urls.add("/id/" + iri[len(ID) :])
            elif iri.startswith("https://w3id.org/csig/") and "/ont#" not in iri:
                urls.add(f"/resource?iri={quote(iri, safe='')}")
            name = {
                CSIG + "missionArea": "mission_area",
                CSIG + "providedBy": "partner",
                CSIG + "kind": "kind",
                CSIG + "orbitRegime": "orbit",
                CSIG + "status": "status",
            }.get(t.predicate.value)
            if name:
                urls.add(f"/capabilities?{urlencode({name: iri})}")
    return sorted(urls)


def seeds() -> list[tuple[str, str | None]]:
    found = model()
    urls: list[tuple[str, str | None]] = [(u, None) for u in hot()]
    urls += [("/", None), ("/api/stats", None), ("/api/openapi.json", None), ("/query", None)]
    urls += [(f"/search?q={quote(q)}", None) for q in SEARCHES]
    urls += [(f"/api/search?q={quote(q)}", None) for q in SEARCHES]
    partners = sorted({r.partner for r in found.records})
    urls += [(f"/graphs?graph={GRAPH}partner/{p}", "text/turtle") for p in partners]
    return urls


def readable(response) -> str:
    """Return a body as text; a workbook (the XLSX template) as the text of all its parts."""
    data = response.get_data()
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return data.decode("utf-8")


def crawl(
    client, key: str, bad: set[str] | None = None, cap: int = CAP, kinds: Counter | None = None
) -> tuple[int, list[str], Counter]:
    """Visit up to `cap` pages as `key`; return pages, leaks found and response statuses."""
    bad = sorted(forbidden(key) if bad is None else bad, key=len, reverse=True)
    seen: set[tuple[str, str | None]] = set()
    queue: list = []
    count = 0
    for url, accept in seeds():
        heapq.heappush(queue, (-1, count, url, accept))
        count += 1
    pages, leaks, queued = 0, [], Counter()
    statuses: Counter = Counter()
    started = time.monotonic()
    openapi_done = False
    while queue and pages < cap and time.monotonic() - started < BUDGET:
        _, _, url, accept = heapq.heappop(queue)
        if (url, accept) in seen:
            continue
        seen.add((url, accept))
        response = client.get(url, headers=auth(key, accept))
        pages += 1
        statuses[response.status_code] += 1
        if response.status_code != 200:
            statuses[f"{response.status_code} {url[:80]}"] += 1
        if kinds is not None:
            kinds[kind_of(url, accept)] += 1
        body = readable(response)
        kind = response.content_type or ""
        text = texts(body, kind) + "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers)
        leaks += [f"{key} GET {url} (Accept {accept}): {s!r}" for s in bad if s in text]
        if response.status_code != 200:
            continue
        found: list[tuple[str, str | None]] = [(u, None) for u in links_of(url, body, kind)]
        if url == "/api/openapi.json" and not openapi_done:
            openapi_done = True
            found += [(p, None) for p in json.loads(body).get("paths", {}) if "{" not in p]
        if "html" in kind and not accept:
            found.append((json_twin(url), None))
        if url.startswith("/id/") and not accept and "?" not in url:
            found += [(url, media) for media in RDF_TYPES]
        if "html" in kind and url.startswith("/query?example="):
            found += editor_runs(body)
        for link, media in found:
            if (link, media) not in seen:
                first = url == "/api/openapi.json"  # every JSON API the explorer describes
                rank = -1 if first else priority(link, media, queued)
                heapq.heappush(queue, (rank, count, link, media))
                count += 1
    missed = [u for u in hot() if (u, None) not in seen and pages < cap]
    assert not missed, f"the crawl as {key} ran out of time before the pages {missed}"
    return pages, leaks, statuses


def kind_of(url: str, accept: str | None) -> str:
    path = urlsplit(url).path
    kind = "/".join(path.split("/")[:3]) if path.startswith(("/id/", "/api/")) else path
    if "format=json" in url:
        kind += "?format=json"
    return kind + (f" ({accept})" if accept else "")


@pytest.mark.parametrize("key", VIEWERS)
def test_crawl_shows_nothing_hidden(client, key):
    """Every reachable page, JSON twin and RDF form, as `key`: no hidden IRI, label or marking."""
    kinds: Counter = Counter()
    pages, leaks, statuses = crawl(client, key, kinds=kinds)
    print(
        f"\ncrawl as {key}: {pages} pages {dict(statuses)}, {len(leaks)} leaks, "
        f"{len(forbidden(key))} forbidden strings; {dict(kinds.most_common())}"
    )
    assert pages >= 40, f"the crawl reached only {pages} pages"
    assert not statuses.get(500), f"{statuses[500]} pages answered 500"
    assert not leaks, "\n".join(leaks[:40])


def test_the_crawl_would_see_a_leak(client):
    """Control: what USA at TS may see is exactly what the crawl flags for anonymous."""
    pages, leaks, _ = crawl(
        client, "USA-TS", bad=forbidden("anonymous") - forbidden("USA-TS"), cap=len(hot()) + 5
    )
    assert pages > len(hot())
    flagged = {leak.rsplit(": ", 1)[-1] for leak in leaks}
    assert len(flagged) >= 6, flagged


PROBES = ("/id/capability/{id}", "/api/capabilities/{id}", "/resource?iri={iri}")


@pytest.mark.parametrize("key", VIEWERS)
def test_hidden_records_answer_like_missing_ones(client, key):
    """Asking for a hidden record by name answers exactly as for one that does not exist."""
    found = model()
    who = found.viewers[key]
    missing = ("no-such-capability", f"{ID}capability/no-such-capability")
    for record in found.records:
        if record.public:
            continue
        ident = record.iri.rsplit("/", 1)[-1]
        for probe in PROBES:
            for accept in (None, *RDF_TYPES):
                url = probe.format(id=ident, iri=quote(record.iri, safe=""))
                response = client.get(url, headers=auth(key, accept))
                if record in found.visible(who):
                    assert response.status_code == 200, (key, url, accept)
                    continue
                other = client.get(
                    probe.format(id=missing[0], iri=quote(missing[1], safe="")),
                    headers=auth(key, accept),
                )
                mine = response.get_data(as_text=True).replace(ident, "ID")
                theirs = other.get_data(as_text=True).replace(missing[0], "ID")
                assert (response.status_code, mine) == (other.status_code, theirs), (key, url)


def _count_typed(store: ox.Store, cls: str) -> int:
    pattern = store.quads_for_pattern(
        None, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls), ox.DefaultGraph()
    )
    return len({q.subject for q in pattern})


@pytest.mark.parametrize("key", VIEWERS)
def test_counts_match_the_independent_copy(client, key):
    """/api/stats and the capability facets count exactly what the viewer may see."""
    from tests.test_leaks import copy_of

    found = model()
    who = found.viewers[key]
    visible = found.visible(who)
    copy = copy_of(key)
    graphs = found.graphs(who)
    sizes = dict(found.base) | found.partner_graphs()
    schemes = copy.quads_for_pattern(
        None,
        ox.NamedNode("http://www.w3.org/2004/02/skos/core#inScheme"),
        ox.NamedNode("https://w3id.org/csig/missionarea/scheme"),
        ox.DefaultGraph(),
    )
    expected = {
        "capabilities": len(visible),
        "providing_partners": len({r.provider for r in visible}),
        "interfaces": _count_typed(copy, CSIG + "Interface"),
        "standards": _count_typed(copy, CSIG + "DataStandard"),
        "nations": _count_typed(copy, CSIG + "Nation"),
        "coalitions": _count_typed(copy, CSIG + "Coalition"),
        "exchange_requirements": _count_typed(copy, CSIG + "InformationExchangeRequirement"),
        "mission_areas": len({q.subject for q in schemes}),
        "graphs_visible": len(graphs),
        "statements_visible": sum(len(set(sizes[g])) for g in graphs),
    }
    stats = client.get("/api/stats", headers=auth(key)).get_json()
    assert {k: stats.get(k) for k in expected} == expected
    listing = client.get("/api/capabilities", headers=auth(key)).get_json()
    listed, page = [], listing
    while True:  # the listing comes a page at a time
        listed += [c["cap"] for c in page["capabilities"]]
        if not page["paging"]["next"]:
            break
        page = client.get(page["paging"]["next"], headers=auth(key)).get_json()
    assert listing["paging"]["total"] == len(visible)
    assert sorted(listed) == sorted(r.iri for r in visible)
    facets = {f["name"]: f for f in listing["facets"]}
    if "partner" in facets:
        shown = {v["iri"]: v["count"] for v in facets["partner"]["values"]}
        assert shown == dict(Counter(r.provider for r in visible))
