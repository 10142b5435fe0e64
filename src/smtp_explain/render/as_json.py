"""JSON renderings: one object per result, compact and stable, UTF-8 kept readable.

Bulk output (JSON Lines, the web API) goes through orjson; a single pretty
object uses the standard library, which is quicker to import for one answer.
"""

from __future__ import annotations

from typing import Any


def dumps(data: Any) -> str:
    """One line of JSON, non-ASCII kept readable."""
    return dumps_bytes(data).decode("utf-8")


def dumps_bytes(data: Any) -> bytes:
    """One line of JSON as UTF-8 bytes, for writing straight to a binary stream."""
    import orjson

    return orjson.dumps(data)


def dumps_pretty(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2)
