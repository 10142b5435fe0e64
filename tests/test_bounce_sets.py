"""The extra bounce sets (tests/data/bounces-extra/): complete, licensed, and decodable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smtp_explain import catalog
from smtp_explain.decoding.bounce import decode_mail

EXTRA = Path(__file__).resolve().parent / "data" / "bounces-extra"
SETS = sorted(p for p in EXTRA.iterdir() if (p / "expected.jsonl").is_file())
REASONS = set(catalog.facts("reasons")["reasons"])


def test_there_are_sets_from_many_projects() -> None:
    assert len(SETS) >= 20


@pytest.mark.parametrize("folder", SETS, ids=lambda p: p.name)
def test_every_set_is_licensed_and_its_labels_name_its_files(folder: Path) -> None:
    assert (folder / "LICENSE").read_text(encoding="utf-8").strip()
    for line in (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        expected = json.loads(line)
        assert (folder / expected["file"]).is_file(), expected["file"]
        assert all(r["reason"] in REASONS for r in expected["results"]), expected["file"]


@pytest.mark.parametrize("folder", SETS, ids=lambda p: p.name)
def test_every_mail_decodes_to_known_reasons(folder: Path) -> None:
    for line in (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        name = json.loads(line)["file"]
        rows = decode_mail((folder / name).read_bytes(), origin=name)
        assert all(row.reason in REASONS for row in rows), name
