"""benchmarks/accuracy.py as a module, for the tests that read the reply bank and its
held-out split the way the accuracy script does (one loader, not one per test file)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("accuracy", ROOT / "benchmarks" / "accuracy.py")
assert _spec and _spec.loader
accuracy = importlib.util.module_from_spec(_spec)
sys.modules["accuracy"] = accuracy
_spec.loader.exec_module(accuracy)

_spec = importlib.util.spec_from_file_location("agreement", ROOT / "benchmarks" / "agreement.py")
assert _spec and _spec.loader
agreement = importlib.util.module_from_spec(_spec)
sys.modules["agreement"] = agreement
_spec.loader.exec_module(agreement)
