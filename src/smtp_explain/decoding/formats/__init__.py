"""Bounce format modules, one per family, behind one interface.

Each module in this package has:

* ``NAME``: the name reported as ``decoded_by``;
* ``ORDER``: modules are tried from low to high (specific layouts first,
  the standard formats at 900 and up, the generic fallback last);
* ``match(mail) -> bool``: a cheap test (headers, a marker in the text);
* ``decode(mail) -> list[Delivery]``: one Delivery per bounced recipient,
  [] when the mail is not of this family after all;
* optionally ``HINTS``: lower-case strings of which at least one occurs in
  the signature of every mail the module can claim (see ``signature``).
  ``match`` is then only called for mails whose signature holds a hint:
  one linear scan picks the few candidate modules of a mail, instead of
  asking every module. A module without HINTS is always asked.

Modules are found by listing this package, so adding a format means adding
a file.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

import re2

if TYPE_CHECKING:
    from smtp_explain.decoding.mail import Mail

SIGNATURE_BODY = 8192


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


def signature(mail: Mail) -> bytes:
    """What HINTS are looked for in: the bounce's header lines, the types of its
    parts and the start of its human-readable text, lower-cased."""
    head = "\n".join(f"{name}: {value}" for name, value in mail.root.headers)
    types = " ".join(part.content_type for part in mail.parts)
    text = f"{head}\n{types}\n{mail.body[:SIGNATURE_BODY]}".lower()
    return text.encode("utf-8", "surrogatepass")


class _Dispatch:
    """All hints of all modules in one RE2 set, and which module each belongs to."""

    def __init__(self, modules: tuple[ModuleType, ...]) -> None:
        self.always = frozenset(m.NAME for m in modules if not getattr(m, "HINTS", ()))
        self.owner: list[str] = []
        options = re2.Options()
        options.max_mem = 64 << 20
        self._set = re2.Set.SearchSet(options)
        for module in modules:
            for hint in getattr(module, "HINTS", ()):
                self._set.Add(re2.escape(hint.lower()))
                self.owner.append(module.NAME)
        if self.owner:
            self._set.Compile()

    def candidates(self, mail: Mail) -> frozenset[str]:
        if not self.owner:
            return self.always
        hits = self._set.Match(signature(mail)) or []
        return self.always | {self.owner[i] for i in hits}


_DISPATCH = _Dispatch(FORMATS)


def candidates(mail: Mail) -> list[ModuleType]:
    """The modules worth asking about this mail, in ORDER."""
    names = _DISPATCH.candidates(mail)
    return [module for module in FORMATS if module.NAME in names]
