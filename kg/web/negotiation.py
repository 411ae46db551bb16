"""Content negotiation: pick a media type from an Accept header with q-values and parameters."""

from __future__ import annotations


def parse_accept(header: str) -> list[tuple[str, float, int]]:
    """Return (media type, quality, position) for each entry of an Accept header.

    >>> parse_accept("text/turtle; charset=utf-8, application/json;q=0.5")
    [('text/turtle', 1.0, 0), ('application/json', 0.5, 1)]
    """
    entries = []
    for position, part in enumerate(p for p in header.split(",") if p.strip()):
        media, *params = (x.strip() for x in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        entries.append((media.lower(), quality, position))
    return entries


def _score(media: str, offer: str) -> int:
    """Return how specifically `media` matches `offer`: 3 exact, 2 type/*, 1 */*, 0 none."""
    if media == offer:
        return 3
    kind, _, sub = media.partition("/")
    if sub == "*" and offer.startswith(kind + "/"):
        return 2
    return 1 if media == "*/*" else 0


def negotiate(header: str | None, offers: list[str]) -> str | None:
    """Return the offer the Accept header prefers; the first offer when it says nothing.

    >>> negotiate("text/turtle; charset=utf-8, */*;q=0.1", ["application/ld+json", "text/turtle"])
    'text/turtle'
    >>> negotiate("application/xml;q=0", ["application/xml"]) is None
    True
    """
    if not header or not header.strip():
        return offers[0] if offers else None
    entries = parse_accept(header)
    best, best_key = None, (0.0, 0, 0, 0)
    for rank, offer in enumerate(offers):
        matches = [(s, q, -p) for m, q, p in entries if (s := _score(m, offer))]
        if not matches:
            continue
        specificity, quality, position = max(matches)
        key = (quality, specificity, position, -rank)
        if quality > 0 and (best is None or key > best_key):
            best, best_key = offer, key
    return best
