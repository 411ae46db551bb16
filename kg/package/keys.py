"""The store's signing key: Ed25519, made on first use and kept beside the store, mode 600.

The key never enters the RDF store, so no query, dump or package can carry it. Public keys
travel as one line, `ed25519:` and the 32 key bytes in base64, which `kg package key` prints
and `--trust` takes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kg.errors import KGError

PREFIX = "ed25519:"
RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def key_path(settings) -> Path:
    """Return where the store's signing key is kept: beside an embedded store, else the log."""
    store = settings["store"]
    if store.startswith("sparql+"):
        return settings.path("audit_log").with_name("signing.key")
    folder = Path(store).resolve()
    return folder.with_name(folder.name + ".signing.key")


def signing_key(path: Path) -> Ed25519PrivateKey:
    """Return the signing key kept at `path`, making it on first use (mode 600)."""
    if not path.exists():
        _create(path)
    info = path.stat()
    if info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise KGError(f"{path}: the signing key must belong to you and be private (chmod 600)")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as err:
        raise KGError(f"{path}: not a readable signing key: {err}") from err
    if not isinstance(key, Ed25519PrivateKey):
        raise KGError(f"{path}: the signing key is not an Ed25519 key")
    return key


def _create(path: Path) -> None:
    """Write a new key; O_EXCL keeps a key another process made first."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as out:
        out.write(pem)


def public_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Return a public key as its one-line text form."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return PREFIX + base64.b64encode(public.public_bytes(*RAW)).decode("ascii")


def parse_public(text: str, where: str = "--trust") -> Ed25519PublicKey:
    """Read a public key's text form; anything but exactly that form is refused."""
    raw = _decode(text.strip().removeprefix(PREFIX)) if text.strip().startswith(PREFIX) else b""
    if len(raw) != 32 or public_text(Ed25519PublicKey.from_public_bytes(raw)) != text.strip():
        raise KGError(
            f"{where}: {text.strip()[:60]!r} is not a public key; give the line "
            "`kg package key` prints on the sending store (ed25519:...)"
        )
    return Ed25519PublicKey.from_public_bytes(raw)


def _decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return b""


def fingerprint(public: str) -> str:
    """Return a short, stable name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public.encode("ascii")).hexdigest()[:16]


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """Return a detached signature of `data`, as a line of lower-case hexadecimal."""
    return sign_text(key.sign(data))


def verifies(public: Ed25519PublicKey, data: bytes, signature: bytes) -> bool:
    """Return whether `signature` (as `sign` writes it, byte for byte) signs `data`."""
    try:
        raw = bytes.fromhex(signature.decode("ascii").removesuffix("\n"))
    except (UnicodeDecodeError, ValueError):
        return False
    if sign_text(raw) != signature:
        return False  # another spelling of the same bytes (upper case, spaces) is not the file
    try:
        public.verify(raw, data)
    except InvalidSignature:
        return False
    return True


def sign_text(raw: bytes) -> bytes:
    """Return the file form of a raw signature."""
    return raw.hex().encode("ascii") + b"\n"
