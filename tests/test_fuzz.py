"""Fuzzing of CSV and Turtle submissions: never a 500, never a change on rejection."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.settings import ROOT
from kg.submissions.template import COLUMN_NAMES

EXAMPLE_TTL = (ROOT / "data" / "examples" / "capabilities.ttl").read_text(encoding="utf-8")
GBR = "/graphs?graph=https://w3id.org/csig/graph/partner/GBR"
WRITER = {"Authorization": "Bearer demo-gbr-officer"}
ADMIN = {"Authorization": "Bearer demo-admin"}
FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

CELLS = st.one_of(
    st.sampled_from(["", "GBR", "USA", "SDA.CA", "PNT.GNS", "LEO", "GND", "operational",
                     "2026-10-01", "2999-13-45", "U", "S", "SECRET", "REL", "NOFORN", "FVEY",
                     "produces DT.TRK ccsds-tdm", "consumes DT.XX nope", "https://example.org/x",
                     "ground-sensor", "x-1", "a,b", '"', "\n", "yes"]),
    st.text(max_size=12),
)


def csv_of(rows: list[list[str]], header: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@st.composite
def spreadsheets(draw) -> bytes:
    header = draw(st.lists(st.sampled_from(COLUMN_NAMES), min_size=1, max_size=8, unique=True))
    if draw(st.booleans()):
        header = ["identifier", *[h for h in header if h != "identifier"]]
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header)),
                         max_size=4))
    return csv_of(rows, header)


@st.composite
def mangled_turtle(draw) -> bytes:
    text = EXAMPLE_TTL
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 12))
        insert = draw(st.sampled_from(["", ";", ".", "<", ">", '"', "ma:XYZ", "@prefix", "\\",
                                       "csig:status status:gone", " a ", "true", "_:b1"]))
        text = text[:at] + insert + text[at + cut:]
    return text.encode("utf-8")


def snapshot(client) -> bytes:
    return client.get(GBR, headers=ADMIN).data


@FUZZ
@given(body=spreadsheets())
def test_fuzzed_csv_never_fails_the_server_and_rejection_changes_nothing(client, body):
    checked = client.post("/api/submissions/validate?name=f.csv", data=body,
                          headers={"Content-Type": "text/csv"})
    assert checked.status_code in (200, 400), checked.data
    before = snapshot(client)
    response = client.put(GBR, data=body, headers={**WRITER, "Content-Type": "text/csv"})
    assert response.status_code in (201, 204, 400, 422), response.data
    if response.status_code >= 400:
        assert snapshot(client) == before


@FUZZ
@given(body=mangled_turtle())
def test_fuzzed_turtle_never_fails_the_server_and_rejection_changes_nothing(client, body):
    before = snapshot(client)
    response = client.put(GBR, data=body, headers={**WRITER, "Content-Type": "text/turtle"})
    assert response.status_code in (201, 204, 400, 422), response.data
    if response.status_code >= 400:
        assert snapshot(client) == before
    else:
        assert client.get(GBR, headers=WRITER).status_code in (200, 404)
