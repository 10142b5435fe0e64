"""JSON renderings: one object per result, compact and stable (orjson: UTF-8 kept)."""

from __future__ import annotations

from typing import Any

import orjson


def dumps(data: Any) -> str:
    """One line of JSON, non-ASCII kept readable."""
    return orjson.dumps(data).decode("utf-8")


def dumps_bytes(data: Any) -> bytes:
    """One line of JSON as UTF-8 bytes, for writing straight to a binary stream."""
    return orjson.dumps(data)


def dumps_pretty(data: Any) -> str:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8")
