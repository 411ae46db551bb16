"""Run SPARQL queries with Apache Jena ARQ from Debian's `libapache-jena-java`, in one JVM.

Jena is the independent reference engine of the cross-engine test (tests/test_engines.py) and
the engine benchmark (benchmarks/engines.py). RunQueries.java, beside this file, loads each
N-Quads file once and runs the query files after it; Java runs it from source (no build step).

Debian's jena-core 4.5.0 keeps Xerces' regular-expression messages under
`org/apache/jena/ext/xerces/...` while its `xerces.impl.xpath.regex` classes look for them
under `xerces/impl/xpath/...`: without them no XSD datatype initialises and every command
fails. The jar's own copy of the messages is put on the class path where the classes look.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

JARS = Path("/usr/share/java")
RUNNER = Path(__file__).with_name("RunQueries.java")
# Jena's jars and the libraries ARQ needs to load N-Quads and write SPARQL JSON results.
CLASSPATH = (
    "jena-arq jena-base jena-core jena-iri jena-dboe-base slf4j-api slf4j-nop commons-lang3 "
    "commons-io commons-codec commons-compress commons-csv commons-cli dexx.collection gson "
    "jsonld-java jackson-core jackson-databind jackson-annotations thrift protobuf guava "
    "titanium-json-ld jakarta.json-api httpclient httpcore"
).split()
MESSAGES = "xerces/impl/xpath/regex/message.properties"
SHIPPED = "org/apache/jena/ext/" + MESSAGES


class Unavailable(RuntimeError):
    """Java or Jena is not installed here (make test installs them with apt-get)."""


def classpath(scratch: Path) -> str:
    """Return the class path for ARQ, adding the regex messages under `scratch` if needed."""
    if not shutil.which("java"):
        raise Unavailable("java is missing: install default-jre-headless (make test does)")
    jars = [JARS / f"{name}.jar" for name in CLASSPATH]
    missing = [j.name for j in jars if not j.exists()]
    if missing:
        raise Unavailable(
            f"{', '.join(missing)} missing in {JARS}: install libapache-jena-java (make test does)"
        )
    with zipfile.ZipFile(JARS / "jena-core.jar") as core:
        names = set(core.namelist())
        if MESSAGES not in names and SHIPPED in names:
            target = scratch / "jena-resources" / MESSAGES
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(core.read(SHIPPED))
            jars.insert(0, scratch / "jena-resources")
    return ":".join(str(j) for j in jars)


def run(batches: list[tuple[Path, list[Path]]], scratch: Path, timeout: float = 900) -> dict:
    """Run each batch (an N-Quads file, query files) in one JVM; return seconds per query file.

    A query that fails has None as its seconds and its message in QUERY.error.
    """
    args = [str(a) for data, queries in batches for a in (data, *queries)]
    done = subprocess.run(
        ["java", "-Xss16m", "-cp", classpath(scratch), str(RUNNER), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"Jena ARQ failed (exit {done.returncode}): {done.stderr[-2000:]}")
    seconds = {}
    for line in done.stdout.splitlines():
        path, _, value = line.rpartition("\t")
        if path:
            seconds[Path(path)] = None if value == "error" else float(value)
    return seconds
