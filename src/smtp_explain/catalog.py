"""Access to the knowledge files: facts (language neutral) and texts per language.

The files are read lazily and once per process. Nothing in here knows about
any particular code or reason: it only reads what ``knowledge/`` holds.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import zlib
from functools import cache
from pathlib import Path
from typing import Any

KNOWLEDGE_DIR = Path(__file__).resolve().parent / "knowledge"
TEXTS_DIR = KNOWLEDGE_DIR / "texts"
DEFAULT_LANG = "en"


class KnowledgeError(Exception):
    """A knowledge file is missing or malformed (a packaging bug, not user error)."""


@cache
def languages() -> tuple[str, ...]:
    """The languages that have a texts folder, English first."""
    found = sorted(p.name for p in TEXTS_DIR.iterdir() if p.is_dir())
    return tuple(sorted(found, key=lambda lang: (lang != DEFAULT_LANG, lang)))


def _cache_dir() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if os.environ.get("SMTP_EXPLAIN_NO_CACHE"):
        return None
    return Path(base) / "smtp-explain" / f"py{sys.version_info[0]}{sys.version_info[1]}"


_SNAPSHOT_MAGIC = b"smtp-explain-snapshot-1\n"
_DIGEST = 32
MAX_SNAPSHOT = 64 << 20


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=_DIGEST).digest()


def _read_snapshot(snapshot: Path, source_digest: bytes) -> dict[str, Any] | None:
    """The parsed data stored in a snapshot, or None when it is missing, stale, cut,
    corrupt or foreign. The snapshot names the digest of the TOML bytes it was made
    from and the digest of its own payload; both are checked, and its size bounded,
    before marshal reads a byte (marshal trusts its input: a corrupt length field can
    make it allocate gigabytes)."""
    try:
        with snapshot.open("rb") as stream:
            blob = stream.read(MAX_SNAPSHOT + 1)
    except OSError:
        return None
    head = len(_SNAPSHOT_MAGIC) + 2 * _DIGEST
    if len(blob) > MAX_SNAPSHOT or len(blob) <= head or not blob.startswith(_SNAPSHOT_MAGIC):
        return None
    stored_source = blob[len(_SNAPSHOT_MAGIC):len(_SNAPSHOT_MAGIC) + _DIGEST]
    stored_payload = blob[len(_SNAPSHOT_MAGIC) + _DIGEST:head]
    payload = blob[head:]
    if stored_source != source_digest or stored_payload != _digest(payload):
        return None
    try:
        data = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, through a marshal snapshot keyed by the file's own bytes.

    Parsing the knowledge files takes tens of milliseconds; reading a snapshot
    takes one. Any problem with the cache simply means parsing again.
    """
    try:
        source = path.read_bytes()
    except FileNotFoundError as exc:
        raise KnowledgeError(f"missing knowledge file {path}") from exc
    cache = _cache_dir()
    snapshot = None
    source_digest = _digest(source)
    if cache is not None:
        digest = zlib.crc32(str(path).encode("utf-8", "surrogatepass"))
        snapshot = cache / f"{path.stem}-{digest:08x}.snapshot"
        data = _read_snapshot(snapshot, source_digest)
        if data is not None:
            return data
    import tomllib  # only when the snapshot is missing or stale: it costs start-up time

    try:
        data = tomllib.loads(source.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise KnowledgeError(f"{path}: {exc}") from exc
    if snapshot is not None:
        try:
            snapshot.parent.mkdir(parents=True, exist_ok=True)
            temporary = snapshot.with_suffix(f".{os.getpid()}.tmp")
            payload = marshal.dumps(data)
            temporary.write_bytes(_SNAPSHOT_MAGIC + source_digest + _digest(payload) + payload)
            os.replace(temporary, snapshot)
        except (OSError, ValueError):
            pass
    return data


def _load(path: Path) -> dict[str, Any]:
    return load_toml(path)


@cache
def facts(name: str) -> dict[str, Any]:
    """A language-neutral fact file, e.g. ``facts("reasons")``."""
    return _load(KNOWLEDGE_DIR / f"{name}.toml")


@cache
def format_table(name: str) -> dict[str, Any]:
    """One bounce format's table of ``format_codes.toml``: the codes it states and the
    reasons they name (``codes``), or a ``reason`` with its words (``unless_words``)."""
    table = facts("format_codes").get(name)
    if not isinstance(table, dict):
        raise KnowledgeError(f"format_codes.toml has no table {name!r}")
    return table


@cache
def texts(lang: str, name: str) -> dict[str, Any]:
    """The texts of one fact file (or ``structure``/``ui``) in one language."""
    if lang not in languages():
        raise KnowledgeError(f"no texts for language {lang!r}")
    return _load(TEXTS_DIR / lang / f"{name}.toml")


def text_entry(lang: str, name: str, table: str, key: str) -> dict[str, Any]:
    """One entry of a texts file, falling back to English when a key is absent."""
    entry = texts(lang, name).get(table, {}).get(key)
    if entry is None and lang != DEFAULT_LANG:
        entry = texts(DEFAULT_LANG, name).get(table, {}).get(key)
    return entry or {}


def ui(lang: str, key: str) -> str:
    """A user-interface label, e.g. ``ui("tr", "next_steps")``."""
    labels = texts(lang, "ui").get("labels", {})
    value = labels.get(key)
    if value is None:
        value = texts(DEFAULT_LANG, "ui").get("labels", {}).get(key, key)
    return str(value)


def pick_language(requested: str | None, environ: dict[str, str] | None = None) -> str:
    """Choose a language: the requested one, else LC_ALL/LC_MESSAGES/LANG, else English."""
    available = languages()
    if requested:
        code = requested.lower().replace("-", "_").split("_")[0]
        return code if code in available else DEFAULT_LANG
    env = environ or {}
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            code = value.lower().split(".")[0].replace("-", "_").split("_")[0]
            if code in available:
                return code
            if value not in ("C", "POSIX"):
                break
    return DEFAULT_LANG


def reason_name(lang: str, reason: str) -> str:
    """The reason's short localised name ("Blocked", "Engellendi"); the id if it has none."""
    return str(text_entry(lang, "reasons", "reasons", reason).get("name") or reason)


def provider_kind(provider_id: str) -> str:
    """What a recognised provider is (providers.toml ``kind``): provider, gateway, mta..."""
    entry = facts("providers").get("providers", {}).get(provider_id, {})
    return str(entry.get("kind", "provider"))


def provider_kind_label(lang: str, provider_id: str) -> str:
    """The label to show before a provider's name: "Sunucu yazılımı" for Postfix."""
    return ui(lang, "provider_kind_" + provider_kind(provider_id).replace("-", "_"))
