"""A cache of data derived from source bytes (parsed TOML, a pattern analysis),
kept as marshal snapshots under the user's cache folder.

A snapshot names the digest of the source it was made from and the digest of its
own payload (checksums: see ``_digest``); both are checked, and its size bounded, before marshal reads a byte
(marshal trusts its input: a corrupt length field can make it allocate gigabytes).
Any problem with the cache simply means deriving again.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

_MAGIC = b"smtp-explain-snapshot-2\n"
_DIGEST = 16
MAX_SNAPSHOT = 64 << 20


def cache_dir() -> Path | None:
    """Where snapshots live, or None when caching is switched off."""
    if os.environ.get("SMTP_EXPLAIN_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "smtp-explain" / f"py{sys.version_info[0]}{sys.version_info[1]}"


def _digest(data: bytes) -> bytes:
    """Two checksums and the length: enough to tell a changed source or a damaged
    snapshot, which is all this guards against (whoever can write the cache folder
    can forge any digest), at a tenth of the cost of a cryptographic hash."""
    return (zlib.crc32(data).to_bytes(4, "big") + zlib.adler32(data).to_bytes(4, "big")
            + len(data).to_bytes(8, "big"))


def _read(snapshot: Path, source_digest: bytes) -> dict[str, Any] | None:
    """The data stored in a snapshot, or None when it is missing, stale, cut,
    corrupt or foreign."""
    try:
        with snapshot.open("rb") as stream:
            blob = stream.read(MAX_SNAPSHOT + 1)
    except OSError:
        return None
    head = len(_MAGIC) + 2 * _DIGEST
    if len(blob) > MAX_SNAPSHOT or len(blob) <= head or not blob.startswith(_MAGIC):
        return None
    stored_source = blob[len(_MAGIC):len(_MAGIC) + _DIGEST]
    stored_payload = blob[len(_MAGIC) + _DIGEST:head]
    payload = blob[head:]
    if stored_source != source_digest or stored_payload != _digest(payload):
        return None
    try:
        data = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _write(snapshot: Path, source_digest: bytes, data: dict[str, Any]) -> None:
    try:
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        temporary = snapshot.with_suffix(f".{os.getpid()}.tmp")
        payload = marshal.dumps(data)
        temporary.write_bytes(_MAGIC + source_digest + _digest(payload) + payload)
        os.replace(temporary, snapshot)
    except (OSError, ValueError):
        pass


def stored(name: str, source: bytes) -> dict[str, Any] | None:
    """What ``store`` kept for ``name`` and ``source``, or None."""
    folder = cache_dir()
    return None if folder is None else _read(folder / f"{name}.snapshot", _digest(source))


def store(name: str, source: bytes, data: dict[str, Any]) -> None:
    """Keep marshal-able ``data`` for ``name`` and ``source`` (quietly not, when the
    cache is off or cannot be written)."""
    folder = cache_dir()
    if folder is not None:
        _write(folder / f"{name}.snapshot", _digest(source), data)


def derived(name: str, source: bytes, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``make()``, or what it returned last time for the same ``name`` and ``source``
    (``name`` is the snapshot's file name: one per kind of data and source).

    ``make`` must return marshal-able data (dicts, lists, strings, numbers, None)."""
    folder = cache_dir()
    source_digest = _digest(source)
    if folder is None:
        return make()
    snapshot = folder / f"{name}.snapshot"
    data = _read(snapshot, source_digest)
    if data is not None:
        return data
    data = make()
    _write(snapshot, source_digest, data)
    return data
