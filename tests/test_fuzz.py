"""Fuzzing of every upload (CSV, XLSX, Turtle, JSON-LD, every endpoint): never a 500."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.settings import ROOT
from kg.submissions.template import COLUMN_NAMES
from tests.conftest import form_token

EXAMPLE_TTL = (ROOT / "data" / "examples" / "capabilities.ttl").read_text(encoding="utf-8")
GBR = "/graphs?graph=https://w3id.org/csig/graph/partner/GBR"
WRITER = {"Authorization": "Bearer demo-gbr-officer"}
ADMIN = {"Authorization": "Bearer demo-admin"}
FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "GBR",
            "USA",
            "SDA.CA",
            "PNT.GNS",
            "LEO",
            "GND",
            "operational",
            "2026-10-01",
            "2999-13-45",
            "U",
            "S",
            "SECRET",
            "REL",
            "NOFORN",
            "FVEY",
            "produces DT.TRK ccsds-tdm",
            "consumes DT.XX nope",
            "https://example.org/x",
            "ground-sensor",
            "x-1",
            "a,b",
            '"',
            "\n",
            "yes",
        ]
    ),
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
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header)), max_size=4))
    return csv_of(rows, header)


@st.composite
def mangled_turtle(draw) -> bytes:
    text = EXAMPLE_TTL
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 12))
        insert = draw(
            st.sampled_from(
                [
                    "",
                    ";",
                    ".",
                    "<",
                    ">",
                    '"',
                    "ma:XYZ",
                    "@prefix",
                    "\\",
                    "csig:status status:gone",
                    " a ",
                    "true",
                    "_:b1",
                ]
            )
        )
        text = text[:at] + insert + text[at + cut :]
    return text.encode("utf-8")


def snapshot(client) -> bytes:
    return client.get(GBR, headers=ADMIN).data


@FUZZ
@given(body=spreadsheets())
def test_fuzzed_csv_never_fails_the_server_and_rejection_changes_nothing(client, body):
    checked = client.post(
        "/api/submissions/validate?name=f.csv", data=body, headers={"Content-Type": "text/csv"}
    )
    assert checked.status_code in (200, 400), checked.data
    before = snapshot(client)
    response = client.put(GBR, data=body, headers={**WRITER, "Content-Type": "text/csv"})
    assert response.status_code in (201, 204, 400, 409, 422), response.data
    if response.status_code >= 400:
        assert snapshot(client) == before


@FUZZ
@given(body=mangled_turtle())
def test_fuzzed_turtle_never_fails_the_server_and_rejection_changes_nothing(client, body):
    before = snapshot(client)
    response = client.put(GBR, data=body, headers={**WRITER, "Content-Type": "text/turtle"})
    assert response.status_code in (201, 204, 400, 409, 422), response.data
    if response.status_code >= 400:
        assert snapshot(client) == before
    else:
        assert client.get(GBR, headers=WRITER).status_code in (200, 404)


# --- every upload endpoint, every format: XLSX (zip and XML mutations), JSON-LD too ----------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES = {"csv": "text/csv", "ttl": "text/turtle", "jsonld": "application/ld+json", "xlsx": XLSX}
EXAMPLE_JSONLD = (ROOT / "data" / "examples" / "capabilities.jsonld").read_text(encoding="utf-8")
SHEET = "xl/worksheets/sheet1.xml"
XML_INSERTS = [
    '<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
    "&e;",
    '<c r="A1" t="s"><v>99999</v></c>',
    '<row r="1048576">',
    "</row>",
    "<",
    ">",
    '"',
    "\x00",
    '<?xml version="1.0"?>',
    '<dimension ref="A1:XFD1048576"/>',
]


def workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    rows = list(
        csv.reader(
            line
            for line in (ROOT / "data" / "examples" / "capabilities.csv")
            .read_text(encoding="utf-8")
            .splitlines()
            if not line.startswith("#")
        )
    )
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WORKBOOK = workbook()


def rezipped(data: bytes, part: str, change) -> bytes:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item)
            target.writestr(item, change(body) if item.filename == part else body)
    return out.getvalue()


@st.composite
def mangled_workbooks(draw) -> bytes:
    if draw(st.booleans()):  # XML mutations inside a sound archive
        part = draw(
            st.sampled_from(
                [
                    SHEET,
                    "xl/workbook.xml",
                    "[Content_Types].xml",
                    "xl/_rels/workbook.xml.rels",
                    "xl/styles.xml",
                ]
            )
        )

        def change(body: bytes) -> bytes:
            text = body.decode("utf-8", "replace")
            for _ in range(draw(st.integers(1, 3))):
                at = draw(st.integers(0, len(text)))
                cut = draw(st.integers(0, 8))
                text = text[:at] + draw(st.sampled_from(XML_INSERTS)) + text[at + cut :]
            return text.encode("utf-8")

        return rezipped(WORKBOOK, part, change)
    data = bytearray(WORKBOOK)  # zip mutations: flipped bytes, truncation
    for _ in range(draw(st.integers(1, 6))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data)


@st.composite
def mangled_jsonld(draw) -> bytes:
    text = EXAMPLE_JSONLD
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 12))
        insert = draw(
            st.sampled_from(
                [
                    "",
                    "{",
                    "}",
                    "[",
                    "]",
                    '"',
                    ",",
                    ":",
                    "null",
                    "@id",
                    '"@context": "http://127.0.0.1:9/x"',
                    '"@type": 3',
                    '"@list": [',
                    "\\u0000",
                    "1e999",
                ]
            )
        )
        text = text[:at] + insert + text[at + cut :]
    return text.encode("utf-8")


UPLOADS = st.one_of(
    st.tuples(st.just("xlsx"), mangled_workbooks()),
    st.tuples(st.just("jsonld"), mangled_jsonld()),
    st.tuples(st.just("csv"), spreadsheets()),
    st.tuples(st.just("ttl"), mangled_turtle()),
)


def upload_everywhere(client, kind: str, body: bytes) -> list[tuple[str, int]]:
    """Send one upload to every upload endpoint; return (endpoint, status) pairs."""
    name = f"f.{kind}"
    headers = {"Content-Type": TYPES[kind]}
    out = [
        (
            "validate",
            client.post(
                f"/api/submissions/validate?name={name}", data=body, headers=headers
            ).status_code,
        ),
        (
            "api",
            client.post(
                f"/api/submissions?name={name}&partner=GBR",
                data=body,
                headers={**headers, **WRITER},
            ).status_code,
        ),
        ("graphs", client.put(GBR, data=body, headers={**headers, **WRITER}).status_code),
    ]
    page = client.post(
        "/submit",
        content_type="multipart/form-data",
        data={
            "file": (io.BytesIO(body), name),
            "action": "validate",
            "csrf_token": form_token(client, "/submit"),
        },
    )
    return [*out, ("submit", page.status_code)]


ALLOWED = {
    "validate": {200, 400, 415},
    "api": {201, 400, 409, 415, 422},
    "graphs": {201, 204, 400, 409, 415, 422},
    "submit": {200, 400, 422},
}


@FUZZ
@given(upload=UPLOADS)
def test_no_upload_to_any_endpoint_fails_the_server(client, upload):
    kind, body = upload
    before = snapshot(client)
    outcomes = upload_everywhere(client, kind, body)
    assert all(status in ALLOWED[where] for where, status in outcomes), (kind, outcomes)
    if not any(status in (201, 204) for _, status in outcomes):
        assert snapshot(client) == before


@pytest.mark.parametrize(
    "label, data",
    [
        (
            "external entity",
            rezipped(
                WORKBOOK,
                SHEET,
                lambda b: b.replace(
                    b"<worksheet",
                    b'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet',
                    1,
                ).replace(b"<v>", b"<v>&e;", 1),
            ),
        ),
        ("zip bomb", rezipped(WORKBOOK, SHEET, lambda b: b + b" " * (250 * 2**20))),
        ("broken zip", WORKBOOK[: len(WORKBOOK) // 2]),
        ("not a zip", b"PK\x03\x04 this is not a workbook"),
    ],
)
def test_a_crafted_workbook_gets_400_with_a_clear_message(client, label, data):
    for url, headers in (
        ("/api/submissions/validate?name=book.xlsx", {}),
        ("/api/submissions?name=book.xlsx&partner=GBR", WRITER),
    ):
        response = client.post(url, data=data, headers={"Content-Type": XLSX, **headers})
        assert response.status_code == 400, (label, url, response.data[:300])
        message = response.get_json()["message"]
        assert message.startswith("book.xlsx") and "root:" not in message, message
