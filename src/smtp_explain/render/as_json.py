"""JSON renderings: one object per result, compact and stable."""

from __future__ import annotations

import json
from typing import Any


def dumps(data: Any) -> str:
    """One line of JSON, non-ASCII kept readable."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def dumps_pretty(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
