"""Bounce format modules, one per family, behind one interface.

Each module has ``NAME``, ``match(mail) -> bool`` (cheap: headers, a
marker in the text) and ``decode(mail) -> list[Delivery]``. They are tried
in the order below: specific layouts first, then the standard formats, then
the generic fallback.
"""

from __future__ import annotations

from types import ModuleType

from smtp_explain.decoding.formats import arf, fallback, rfc3464, rfc3834

FORMATS: tuple[ModuleType, ...] = (arf, rfc3464, rfc3834, fallback)
