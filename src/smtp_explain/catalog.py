"""Access to the knowledge files: facts (language neutral) and texts per language.

The files are read lazily and once per process. Nothing in here knows about
any particular code or reason: it only reads what ``knowledge/`` holds.
"""

from __future__ import annotations

import zlib
from functools import cache
from pathlib import Path
from typing import Any

from smtp_explain import snapshots

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


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, through a snapshot keyed by the file's own bytes (parsing the
    knowledge files takes tens of milliseconds; reading a snapshot takes one)."""
    try:
        source = path.read_bytes()
    except FileNotFoundError as exc:
        raise KnowledgeError(f"missing knowledge file {path}") from exc

    def parse() -> dict[str, Any]:
        import tomllib  # only when the snapshot is missing or stale: it costs start-up time

        try:
            return tomllib.loads(source.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
            raise KnowledgeError(f"{path}: {exc}") from exc

    name = f"{path.stem}-{zlib.crc32(str(path).encode('utf-8', 'surrogatepass')):08x}"
    return snapshots.derived(name, source, parse)


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
