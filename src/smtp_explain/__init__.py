"""smtp-explain: explains SMTP errors and bounce mails in English and Turkish.

    >>> from smtp_explain import explain, lookup
    >>> explain("550 5.1.1 <bob@example.com>: User unknown").reason
    'userunknown'

Names are imported lazily so that ``smtp-explain`` starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smtp_explain.decoding.bounce import decode
    from smtp_explain.explanation import describe_reasons, explain, lookup
    from smtp_explain.model import BounceResult, CodeInfo, Diagnosis

__all__ = ["BounceResult", "CodeInfo", "Diagnosis", "decode", "describe_reasons", "explain",
           "lookup"]
__version__ = "0.1.0"

_HOMES = {
    "decode": "smtp_explain.decoding.bounce",
    "explain": "smtp_explain.explanation",
    "lookup": "smtp_explain.explanation",
    "describe_reasons": "smtp_explain.explanation",
    "BounceResult": "smtp_explain.model",
    "CodeInfo": "smtp_explain.model",
    "Diagnosis": "smtp_explain.model",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'smtp_explain' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
