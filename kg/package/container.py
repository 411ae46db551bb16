"""The package container: one uncompressed ZIP file of which every byte is checked.

kg writes the ZIP itself, always the same way (fixed order, times and attributes; no
compression, comments or extra fields), so that a reader can rebuild the exact file from
the members it read and refuse any other: a byte changed in a header, a member appended or
data hidden around the archive is found as surely as a changed graph. Any unzip tool reads
it. Compression is left to the transfer (`xz` on the media), since ZIP deflate is not
byte-for-byte the same across zlib versions.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from typing import BinaryIO

from kg.errors import KGError

DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, the earliest ZIP date: times are in the manifest
VERSION = 20  # ZIP 2.0: stored files, no extensions
MADE_BY = (3 << 8) | VERSION  # Unix
ATTRIBUTES = 0o100644 << 16  # a regular file, rw-r--r--
LIMIT = 0xFFFFFFFF - 1  # no ZIP64: one package stays under 4 GiB
MAX_MEMBERS = 60000


def write(members: Iterable[tuple[str, bytes]], out: BinaryIO) -> int:
    """Write `members` (name, bytes) as the package container; return the bytes written."""
    central, offset = [], 0
    for name, data in members:
        raw, crc = name.encode("ascii"), zlib.crc32(data)
        if offset + len(data) > LIMIT or len(central) >= MAX_MEMBERS:
            raise KGError("the package is too large for one file (4 GiB, 60,000 members)")
        header = struct.pack(
            "<4sHHHHHIIIHH",
            b"PK\x03\x04",
            VERSION,
            0,
            0,
            0,
            DOS_DATE,
            crc,
            len(data),
            len(data),
            len(raw),
            0,
        )
        out.write(header + raw)
        out.write(data)
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                MADE_BY,
                VERSION,
                0,
                0,
                0,
                DOS_DATE,
                crc,
                len(data),
                len(data),
                len(raw),
                0,
                0,
                0,
                0,
                ATTRIBUTES,
                offset,
            )
            + raw
        )
        offset += len(header) + len(raw) + len(data)
    directory = b"".join(central)
    out.write(directory)
    out.write(
        struct.pack(
            "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0
        )
    )
    return offset + len(directory) + 22


class _Digest:
    """A write-only sink that only hashes what is written to it."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return len(data)


def read(data: bytes, where: str) -> dict[str, bytes]:
    """Return the members of a package container, in order; refuse any other file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = [i.filename for i in infos]
            if len(set(names)) != len(names) or len(names) > MAX_MEMBERS:
                raise KGError(f"{where}: a member name appears twice (or too many members)")
            if any(i.compress_type != zipfile.ZIP_STORED for i in infos):
                raise KGError(f"{where}: a package holds uncompressed members only")
            members = {i.filename: archive.read(i) for i in infos}
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        ValueError,
        NotImplementedError,
        UnicodeDecodeError,
    ) as err:
        raise KGError(f"{where}: not a package (a damaged or foreign ZIP file: {err})") from err
    sink = _Digest()
    try:
        write(members.items(), sink)
    except UnicodeEncodeError:
        raise KGError(f"{where}: member names of a package are ASCII") from None
    if sink.hash.digest() != hashlib.sha256(data).digest():
        raise KGError(
            f"{where}: the container is not the one kg writes for its members: "
            "bytes were changed, added or removed outside the members"
        )
    return members
