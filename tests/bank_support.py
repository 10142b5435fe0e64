"""benchmarks/accuracy.py and agreement.py as modules, for the tests that read the
reply bank and its held-out split the way the scripts do (one loader for all tests)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _script(name: str) -> ModuleType:
    """benchmarks/<name>.py as module ``name`` (registered, so one script can import
    the other by name)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


accuracy = _script("accuracy")
agreement = _script("agreement")
