"""The command line: subcommands, JSON, exit codes, bad input."""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest

from smtp_explain import catalog, cli_language
from smtp_explain.cli import SUBCOMMANDS, main

CLI = [sys.executable, "-m", "smtp_explain.cli"]


def run(args: list[str], stdin: bytes = b"", env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "COLUMNS": "100", **(env or {})}
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, env=full_env,
                          timeout=60, check=False)


def test_explain_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "550 5.1.1 User unknown"]) == 0
    out = capsys.readouterr().out
    assert "userunknown" in out and "550" in out


def test_no_subcommand_means_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "452 4.2.2 Mailbox full"]) == 0
    assert json.loads(capsys.readouterr().out)["reason"] == "mailboxfull"


def test_turkish_from_flag_and_from_environment() -> None:
    flag = run(["explain", "--lang", "tr", "--json", "550 5.1.1 User unknown"])
    assert json.loads(flag.stdout)["lang"] == "tr"
    env = run(["--json", "550 5.1.1 User unknown"], env={"LANG": "tr_TR.UTF-8"})
    assert json.loads(env.stdout)["lang"] == "tr"
    human = run(["550 5.1.1 User unknown"], env={"LANG": "tr_TR.UTF-8"})
    assert "Şimdi ne yapmalı" in human.stdout.decode()


def test_exit_code_1_only_when_nothing_is_recognised() -> None:
    result = run(["--json", "zorglub frobnicated"])
    assert result.returncode == 1
    assert json.loads(result.stdout)["reason"] == "undefined"
    # a bare code, or a code with words nobody classified, is still explained: exit 0
    for text in ("554 zorglub", "550", "Hata 421", "5.7.26"):
        result = run(["--json", text])
        assert result.returncode == 0, text
        assert json.loads(result.stdout)["reply_code"] or json.loads(result.stdout)["status"]


def test_usage_errors_exit_2() -> None:
    assert run(["explain", "--lang", "xx", "550"]).returncode == 2
    assert run(["explain"], stdin=b"   ").returncode == 2


def test_stdin_text_and_lines() -> None:
    result = run(["explain", "--json"], stdin=b"550 5.1.1 User unknown\n")
    assert json.loads(result.stdout)["reason"] == "userunknown"
    lines = run(["explain", "--lines", "--json", "-"],
                stdin=b"550 5.1.1 User unknown\n\n452 4.2.2 Mailbox full\nzorglub\n")
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [r["reason"] for r in rows] == ["userunknown", "mailboxfull", "undefined"]
    assert lines.returncode == 0  # something was explained
    nothing = run(["explain", "--lines", "--json", "-"], stdin=b"zorglub\nfrobnicate\n")
    assert nothing.returncode == 1 and len(nothing.stdout.splitlines()) == 2


def test_code_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["code", "--json", "550", "5.7.26"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["code"], r["kind"], r["known"]) for r in rows] == [
        ("550", "reply", True), ("5.7.26", "status", True)]
    for key in ("class", "summary", "explanation", "causes", "next_steps", "references", "lang"):
        assert key in rows[0]
    assert main(["code", "--json", "550", "599"]) == 1
    assert main(["code", "banana"]) == 1


def test_reasons_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reasons", "--json", "--lang", "tr"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 36 and all(r["lang"] == "tr" for r in rows)


@pytest.mark.parametrize(
    "payload",
    [b"\xff\xfe\xfa\x00\x01binary\x00", b"\x00" * 1000, "550 5.1.1 kullanıcı yok".encode("utf-16")],
)
def test_binary_and_invalid_utf8_stdin(payload: bytes) -> None:
    result = run(["explain", "--json"], stdin=payload)
    assert result.returncode in (0, 1)
    assert b"Traceback" not in result.stderr
    json.loads(result.stdout)


def test_ten_megabytes_on_stdin() -> None:
    payload = (b"550 5.1.1 User unknown " + b"x" * 200 + b"\n") * (10 * 1024 * 1024 // 224)
    result = run(["explain", "--json"], stdin=payload)
    assert result.returncode == 0
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode().strip().count("\n") == 0
    assert json.loads(result.stdout)["reason"] == "userunknown"


# The command line's own language: help, usage and argparse's messages (texts/<lang>/cli.toml).

ARGPARSE_IDS = {
    "usage: ", "positional arguments", "options", "show this help message and exit",
    "argument %(argument_name)s: %(message)s", "unrecognized arguments: %s",
    "not allowed with argument %s", "ignored explicit argument %r",
    "the following arguments are required: %s", "one of the arguments %s is required",
    "expected one argument", "expected at most one argument", "expected at least one argument",
    "expected %s argument", "expected %s arguments",
    "ambiguous option: %(option)s could match %(matches)s", "unexpected option string: %s",
    "invalid %(type)s value: %(value)r", "invalid choice: %(value)r (choose from %(choices)s)",
    "%(prog)s: error: %(message)s\n",
}
PLACEHOLDER = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*\d*(?:\.\d+)?([a-zA-Z%])")
NO_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "COLUMNS": "200"}


def _cli_text(lang: str) -> dict[str, Any]:
    return catalog.texts(lang, "cli")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _use_locale(monkeypatch: pytest.MonkeyPatch, lang_env: str) -> None:
    for name, value in {**NO_LOCALE, "LANG": lang_env}.items():
        monkeypatch.setenv(name, value)


def _help_of(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("env", [{"LANG": "tr_TR.UTF-8"}, {"LANG": "C.UTF-8"}])
def test_help_in_turkish_from_environment_or_flag(env: dict[str, str]) -> None:
    args = ["--help"] if env["LANG"].startswith("tr") else ["--help", "--lang", "tr"]
    result = run(args, env={**NO_LOCALE, **env})
    out = result.stdout.decode()
    assert result.returncode == 0
    assert out.startswith("kullanım: smtp-explain [-h] [--version] KOMUT ...")
    assert "\nkonumsal argümanlar:\n" in out and "\nseçenekler:\n" in out
    tr = _cli_text("tr")
    assert tr["commands"]["bounce"] in out and tr["program"]["epilog"] in out
    assert "usage:" not in out and "options:" not in out
    assert _cli_text("en")["commands"]["bounce"] not in out


def test_help_in_english_by_default() -> None:
    result = run(["--help"], env=NO_LOCALE)
    out = result.stdout.decode()
    assert result.returncode == 0
    assert out.startswith("usage: smtp-explain [-h] [--version] COMMAND ...")
    assert "\npositional arguments:\n" in out and "\noptions:\n" in out
    assert _cli_text("en")["commands"]["bounce"] in out
    assert "kullanım" not in out and _cli_text("tr")["commands"]["bounce"] not in out


def test_subcommand_help_in_turkish(capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _use_locale(monkeypatch, "C.UTF-8")
    out = _help_of(["bounce", "--help", "--lang", "tr"], capsys)
    tr = _cli_text("tr")
    assert out.startswith("kullanım: smtp-explain bounce [-h]")
    assert "--rules DOSYA" in out and "YOL [YOL ...]" in out and "--jobs N" in out
    for key in ("help", "lang", "jobs", "paths", "json_lines"):
        assert tr["options"][key] in out, key
    assert "PATH" not in out and "FILE" not in out


@pytest.mark.parametrize("lang", catalog.languages())
def test_every_help_text_and_metavar_is_shown(lang: str, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Every text of cli.toml is used, and survives argparse's %-formatting."""
    _use_locale(monkeypatch, "C.UTF-8")
    shown = _help_of(["--help", "--lang", lang], capsys)
    for command in SUBCOMMANDS:
        shown += _help_of([command, "--help", "--lang", lang], capsys)
    text, flat = _cli_text(lang), _flat(shown)
    for table in ("program", "commands", "options"):
        for key, value in text[table].items():
            assert _flat(value) in flat, f"{lang} {table}.{key} not in the help"
    for key, value in text["metavars"].items():
        assert re.search(rf"(?<![\w-]){re.escape(value)}(?!\w)", shown), f"{lang} metavar {key}"
    assert text["argparse"]["usage: "] in shown


def test_argparse_error_in_turkish_exits_2() -> None:
    tr = _cli_text("tr")["argparse"]

    def error(prog: str, message: str) -> str:
        return tr["%(prog)s: error: %(message)s\n"] % {"prog": prog, "message": message}

    missing = run(["bounce", "--lang", "tr"], env=NO_LOCALE)
    assert missing.returncode == 2
    stderr = missing.stderr.decode()
    assert stderr.startswith(tr["usage: "] + "smtp-explain bounce")
    assert stderr.endswith(error("smtp-explain bounce",
                                 tr["the following arguments are required: %s"] % "YOL"))
    jobs = run(["bounce", "--jobs", "x", "a.eml"], env={**NO_LOCALE, "LANG": "tr_TR.UTF-8"})
    assert jobs.returncode == 2
    bad_int = tr["invalid %(type)s value: %(value)r"] % {"type": "int", "value": "x"}
    argument = tr["argument %(argument_name)s: %(message)s"] % {
        "argument_name": "--jobs", "message": bad_int}
    assert jobs.stderr.decode().endswith(error("smtp-explain bounce", argument))
    assert "error:" not in jobs.stderr.decode()


def test_invalid_lang_choice_is_reported_in_the_environment_language(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _use_locale(monkeypatch, "tr_TR.UTF-8")
    with pytest.raises(SystemExit) as stop:
        main(["explain", "--lang=xx", "550"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "'xx'" in err and "usage:" not in err
    assert err.startswith(_cli_text("tr")["argparse"]["usage: "])


def _placeholders(message: str) -> tuple[list[str], list[str]]:
    """Positional placeholders in order, named ones sorted (a literal %% is no placeholder)."""
    found = [(m.group(1), m.group(0)) for m in PLACEHOLDER.finditer(message)
             if m.group(0) != "%%"]
    return ([whole for name, whole in found if name is None],
            sorted(whole for name, whole in found if name is not None))


def test_placeholder_helper_sees_a_dropped_or_renamed_placeholder() -> None:
    key = "%(prog)s: error: %(message)s\n"
    assert _placeholders(key) == _placeholders("%(prog)s: hata: %(message)s\n")
    assert _placeholders(key) != _placeholders("%(program)s: hata: %(message)s\n")
    assert _placeholders(key) != _placeholders("hata: %(message)s\n")
    assert _placeholders("%s: %r") != _placeholders("%r: %s")
    assert _placeholders("%s") == _placeholders("%%100 %s")


@pytest.mark.parametrize("lang", catalog.languages())
def test_argparse_translations_keep_every_placeholder(lang: str) -> None:
    table = _cli_text(lang)["argparse"]
    assert set(table) == ARGPARSE_IDS
    for message_id, translation in table.items():
        assert _placeholders(translation) == _placeholders(message_id), (lang, message_id)
        positional, named = _placeholders(message_id)
        values: Any = {n[2:-2]: "x" for n in named} if named else tuple("x" * len(positional))
        assert isinstance(translation % values, str)  # a stray % raises here
        assert translation.endswith("\n") == message_id.endswith("\n"), (lang, message_id)
    if lang == catalog.DEFAULT_LANG:
        assert all(key == value for key, value in table.items())


def test_argparse_ids_are_argparses_own() -> None:
    """A misspelt id would never be looked up: each must be an argument of _() or ngettext()."""
    tree = ast.parse(inspect.getsource(argparse))
    used = {
        arg.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id in ("_", "ngettext")
        for arg in node.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    }
    assert used >= ARGPARSE_IDS, sorted(ARGPARSE_IDS - used)


def test_argparse_globals_are_restored(capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _use_locale(monkeypatch, "C.UTF-8")
    original = (vars(argparse)["_"], vars(argparse)["ngettext"])
    turkish = _help_of(["--help", "--lang", "tr"], capsys)
    assert turkish.startswith("kullanım:")
    assert (vars(argparse)["_"], vars(argparse)["ngettext"]) == original
    assert main(["code", "--json", "--lang", "tr", "550"]) == 0
    capsys.readouterr()
    assert (vars(argparse)["_"], vars(argparse)["ngettext"]) == original
    english = _help_of(["--help"], capsys)
    assert english.startswith("usage: smtp-explain") and "\noptions:\n" in english
    assert "kullanım" not in english


def test_translators_fall_back_to_the_english_id() -> None:
    gettext, ngettext = cli_language.translators("tr")
    assert gettext("no such argparse message %s") == "no such argparse message %s"
    table = _cli_text("tr")["argparse"]
    assert ngettext("expected %s argument", "expected %s arguments", 1) == table[
        "expected %s argument"]
    assert ngettext("expected %s argument", "expected %s arguments", 3) == table[
        "expected %s arguments"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["explain", "--lang", "tr", "550"], "tr"),
        (["explain", "--lang=tr", "550"], "tr"),
        (["bounce", "--la", "tr", "x.eml"], "tr"),
        (["explain", "--lang", "tr", "--lang=en", "550"], "en"),
        (["explain", "--", "--lang", "tr"], "en"),
        (["explain", "--lang"], "en"),
        (["explain", "--lang", "xx"], "en"),
        (["explain", "--lines", "tr"], "en"),
    ],
)
def test_language_is_found_before_parsing(argv: list[str], expected: str) -> None:
    assert cli_language.early_language(argv, {"LANG": "C.UTF-8"}) == expected


def test_early_language_falls_back_to_the_environment() -> None:
    assert cli_language.early_language(["--help"], {"LANG": "tr_TR.UTF-8"}) == "tr"
    assert cli_language.early_language(["--help"], {"LC_ALL": "tr_TR.UTF-8", "LANG": "en"}) == "tr"
    assert cli_language.early_language(["bounce", "--lang", "xx"], {"LANG": "tr_TR"}) == "tr"
    assert cli_language.early_language(["--lang", "en"], {"LANG": "tr_TR.UTF-8"}) == "en"


@pytest.mark.parametrize("lang", catalog.languages())
def test_usage_messages_name_the_metavar_of_the_help(lang: str) -> None:
    assert _cli_text(lang)["metavars"]["file"] in catalog.ui(lang, "usage_lines_one_file")
