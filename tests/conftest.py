from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The real bounce corpus, vendored with its licence (BSD-2-Clause, Sisimai project).
CORPUS = ROOT / "tests" / "data" / "bounces"
BSD = CORPUS / "maildir" / "bsd"
SCORER = CORPUS / "score_bounces.py"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"vendored bounce corpus missing at {CORPUS}: the checkout is incomplete")
    return CORPUS
