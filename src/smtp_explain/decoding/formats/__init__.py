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
a file. Whatever a module's layout repeats (a recipient listed in the text and
in the report, or once per delivery attempt), its ``decode`` gives one row per
recipient: discovery wraps it with ``one_per_recipient``.
"""

from __future__ import annotations

import functools
import pkgutil
from collections.abc import Callable
from importlib import import_module
from types import ModuleType

import re2

from smtp_explain.decoding.mail import Delivery, Mail

SIGNATURE_BODY = 8192


def _outcome_rank(delivery: Delivery) -> tuple[bool, bool, bool]:
    """Which of two rows for one recipient says more: a final failure over a delay or
    a warning, then one with an error text, then one with a status."""
    final = delivery.action == "failed" or (delivery.action != "delayed"
                                            and delivery.status[:1] == "5")
    return final, bool(delivery.diagnostic), bool(delivery.status)


def one_per_recipient(found: list[Delivery]) -> list[Delivery]:
    """One row per recipient, in order of first mention; of several rows for one
    address the one that says most (``_outcome_rank``) is kept. Rows with no address
    (feedback reports that name none) are all kept."""
    best: dict[str, int] = {}
    out: list[Delivery] = []
    for delivery in found:
        key = delivery.recipient.lower()
        if not key:
            out.append(delivery)
            continue
        at = best.get(key)
        if at is None:
            best[key] = len(out)
            out.append(delivery)
        elif _outcome_rank(delivery) > _outcome_rank(out[at]):
            out[at] = delivery
    return out


def _deduplicated(decode: Callable[[Mail], list[Delivery]]) -> Callable[[Mail], list[Delivery]]:
    @functools.wraps(decode)
    def decode_once_per_recipient(mail: Mail) -> list[Delivery]:
        return one_per_recipient(decode(mail))

    decode_once_per_recipient.deduplicated = True  # type: ignore[attr-defined]
    return decode_once_per_recipient


def _discover() -> tuple[ModuleType, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = import_module(f"{__name__}.{info.name}")
        if hasattr(module, "decode") and hasattr(module, "match"):
            if not getattr(module.decode, "deduplicated", False):
                setattr(module, "decode", _deduplicated(module.decode))  # noqa: B010
            found.append(module)
    return tuple(sorted(found, key=lambda m: (getattr(m, "ORDER", 500), m.NAME)))


FORMATS: tuple[ModuleType, ...] = _discover()


def signature(mail: Mail) -> bytes:
    """What HINTS are looked for in: the bounce's header lines, the types of its
    parts and the start of its human-readable text, lower-cased."""
    head = "\n".join(map(": ".join, mail.root.headers))
    types = " ".join([part.content_type for part in mail.parts])
    text = f"{head}\n{types}\n{mail.body[:SIGNATURE_BODY]}".lower()
    return text.encode("utf-8", "surrogatepass")


class _Dispatch:
    """All hints of all modules in one RE2 set, and which module each belongs to
    (modules are named by their position in ``modules``, which is ORDER)."""

    def __init__(self, modules: tuple[ModuleType, ...]) -> None:
        self.modules = modules
        self.always = frozenset(i for i, m in enumerate(modules) if not getattr(m, "HINTS", ()))
        self.owner: list[int] = []
        options = re2.Options()
        options.max_mem = 64 << 20
        hints = re2.Set.SearchSet(options)
        for position, module in enumerate(modules):
            for hint in getattr(module, "HINTS", ()):
                hints.Add(re2.escape(hint.lower()))
                self.owner.append(position)
        if self.owner:
            hints.Compile()
        self._match = hints._set.Match  # the C++ set, called with bytes: no wrapper per call

    def candidates(self, mail: Mail) -> list[ModuleType]:
        if not self.owner:
            return [self.modules[i] for i in sorted(self.always)]
        owner = self.owner
        picked = self.always.union([owner[i] for i in self._match(signature(mail))])
        return [self.modules[i] for i in sorted(picked)]


_DISPATCH = _Dispatch(FORMATS)


def candidates(mail: Mail) -> list[ModuleType]:
    """The modules worth asking about this mail, in ORDER."""
    return _DISPATCH.candidates(mail)
