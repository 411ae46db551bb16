"""One catalogue row, read into the same shape whichever public catalogue it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

EARTH_RADIUS_KM = 6378.137
# The GEO ring as Jonathan McDowell's GEO catalogue draws it: stationary within half a
# minute of a sidereal day; near-synchronous between 23 and 25 hours
# (http://www.planet4589.org/space/log/geo.html).
GEO_PERIOD = (1435.6, 1436.6)
NEAR_GEO_PERIOD = (1380.0, 1500.0)
LEO_MAX_APOGEE_KM = 2000.0


@dataclass(frozen=True)
class Record:
    """A catalogue row: identity, owner, purpose, dates and orbit, as plain text."""

    line: int
    name: str
    names: tuple[str, ...] = ()
    cospar: str = ""
    norad: str = ""
    payload: bool = True
    status: str = "operational"  # operational | retired | decayed | unknown
    owners: tuple[str, ...] = ()
    users: str = ""
    purpose: str = ""
    launch: str = ""
    decay: str = ""
    perigee: str = ""
    apogee: str = ""
    inclination: str = ""
    period: str = ""
    orbit: str = ""  # LEO | MEO | GEO | NGEO | HEO, or "" when unknown
    earth: bool = True
    extra: dict = field(default_factory=dict, compare=False)


def name_variants(text: str) -> tuple[str, ...]:
    """Return a catalogue name and the alternative names it holds in parentheses.

    >>> name_variants("NAVSTAR 78 (USA 293)")
    ('NAVSTAR 78 (USA 293)', 'NAVSTAR 78', 'USA 293')
    >>> name_variants("Skynet 5A")
    ('Skynet 5A',)
    """
    text = text.strip()
    inner = [p.strip() for group in re.findall(r"\(([^)]*)\)", text) for p in group.split(",")]
    outer = re.sub(r"\([^)]*\)", "", text).strip()
    found = [text, outer, *inner]
    return tuple(dict.fromkeys(n for n in found if n))


def normalised(name: str) -> str:
    """Return a name reduced to lower-case letters and digits, for matching.

    >>> normalised("Skynet-5A "), normalised("SKYNET 5A")
    ('skynet5a', 'skynet5a')
    """
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def number(text: str) -> float | None:
    """Return a catalogue number (thousands separators allowed) or None.

    >>> number("35,786"), number(""), number("n/a")
    (35786.0, None, None)
    """
    try:
        return float(text.replace(",", "").strip())
    except ValueError:
        return None


def orbit_class(period: str, apogee: str, perigee: str) -> str:
    """Return the orbit regime of the elements, or "" when they are missing.

    >>> orbit_class("92.94", "424", "414"), orbit_class("1436.1", "35793", "35780")
    ('LEO', 'GEO')
    >>> orbit_class("1445", "36100", "35990"), orbit_class("718", "20200", "20160")
    ('NGEO', 'MEO')
    >>> orbit_class("717", "39000", "1200")
    'HEO'
    """
    p, a, q = number(period), number(apogee), number(perigee)
    if p is None or a is None or q is None:
        return ""
    eccentricity = (a - q) / (a + q + 2 * EARTH_RADIUS_KM)
    if NEAR_GEO_PERIOD[0] <= p <= NEAR_GEO_PERIOD[1] and eccentricity < 0.05:
        return "GEO" if GEO_PERIOD[0] <= p <= GEO_PERIOD[1] else "NGEO"
    if eccentricity > 0.5:  # McDowell's HEO and GTO: "highly elliptical", ecc > 0.5
        return "HEO"
    return "LEO" if a <= LEO_MAX_APOGEE_KM else "MEO"
