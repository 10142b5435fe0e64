"""Users add or override rules without forking."""

from __future__ import annotations

from pathlib import Path

import pytest

from smtp_explain import explain
from smtp_explain.cli import main
from smtp_explain.rules import RuleFileError, parse_rule_file

REPLY = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_user_rule_reclassifies_a_reply(tmp_path: Path) -> None:
    assert explain(REPLY).reason == "userunknown"
    rules = _write(tmp_path, '[[rules]]\nid = "ours"\npattern = "recipient address rejected"\n'
                             'reason = "filtered"\n')
    d = explain(REPLY, rules=[rules])
    assert d.reason == "filtered"
    assert d.evidence[0].kind == "user_rule" and d.evidence[0].id == "ours"


def test_environment_variable_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = _write(tmp_path, '[[rules]]\nid = "env"\npattern = "frobnicated"\nreason = "spamdetected"\n')
    monkeypatch.setenv("SMTP_EXPLAIN_RULES", str(rules))
    assert explain("554 frobnicated").reason == "spamdetected"
    monkeypatch.delenv("SMTP_EXPLAIN_RULES")
    assert explain("554 frobnicated").reason != "spamdetected"


def test_cli_rules_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = _write(tmp_path, '[[rules]]\nid = "cli"\npattern = "zorglub"\nreason = "suspend"\n')
    assert main(["explain", "--json", "--rules", str(rules), "550 zorglub"]) == 0
    assert '"reason": "suspend"' in capsys.readouterr().out


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ('[[rules]]\nid = "a"\npattern = "(unclosed"\nreason = "userunknown"\n', 3, "RE2"),
        ('[[rules]]\nid = "a"\npattern = "ok"\nreason = "nonsense"\n', 4, "unknown reason"),
        ('[[rules]]\nid = "a"\npattern = "(a)\\\\1"\nreason = "blocked"\n', 3, "RE2"),
        ('[[rules]]\nid = "a"\npattern = "x"\nreason = "blocked"\n\n[[rules]]\nid = "b"\n'
         'pattern = "(?=look)ahead"\nreason = "blocked"\n', 8, "RE2"),
        ('[[rules]]\nid = "a"\npattern = \n', 3, "TOML"),
    ],
)
def test_broken_rule_file_names_file_and_line(tmp_path: Path, body: str, line: int,
                                              words: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(RuleFileError) as caught:
        parse_rule_file(path, user=True)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}:"), message
    assert words in message


def test_cli_reports_broken_rule_file_in_one_line(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, '[[rules]]\nid = "a"\npattern = "(x"\nreason = "blocked"\n')
    assert main(["explain", "--rules", str(path), "550 x"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"{path}:3" in err
    assert main(["explain", "--rules", str(tmp_path / "missing.toml"), "550 x"]) == 2


def test_user_rules_in_a_scan_group_of_their_own(tmp_path: Path) -> None:
    rules = _write(tmp_path, 'scan_group = "mine"\n[[rules]]\nid = "ours"\n'
                             'pattern = "recipient address rejected"\nreason = "filtered"\n')
    assert [r.group for r in parse_rule_file(rules, user=True)] == ["mine"]
    assert explain(REPLY, rules=[rules]).reason == "filtered"
    broken = _write(tmp_path, 'scan_group = 3\n[[rules]]\nid = "ours"\npattern = "x"\n'
                              'reason = "filtered"\n')
    with pytest.raises(RuleFileError, match="scan_group"):
        parse_rule_file(broken, user=True)
