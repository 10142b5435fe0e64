"""Bounce format modules, one per family, behind one interface.

Each module in this package has:

* ``NAME``: the name reported as ``decoded_by``;
* ``ORDER``: modules are tried from low to high (specific layouts first,
  the standard formats at 900 and up, the generic fallback last);
* ``match(mail) -> bool``: a cheap test (headers, a marker in the text);
* ``decode(mail) -> list[Delivery]``: one Delivery per bounced recipient,
  [] when the mail is not of this family after all.

Modules are found by listing this package, so adding a format means adding
a file.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module
from types import ModuleType


def _discover() -> tuple[ModuleType, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = import_module(f"{__name__}.{info.name}")
        if hasattr(module, "decode") and hasattr(module, "match"):
            found.append(module)
    return tuple(sorted(found, key=lambda m: (getattr(m, "ORDER", 500), m.NAME)))


FORMATS: tuple[ModuleType, ...] = _discover()
