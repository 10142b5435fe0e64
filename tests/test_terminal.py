"""Human terminal output: names in the reader's language, hanging indents, 80 columns."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from rich.console import Console, RenderableType

from smtp_explain import catalog
from smtp_explain.explanation import explain, lookup
from smtp_explain.render import terminal

REASONS = list(catalog.facts("reasons")["reasons"])
SAMPLES = [
    "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in local recipient table",
    "554 5.7.1 Service unavailable; Client host [192.0.2.25] blocked using zen.spamhaus.org",
    "421 4.7.0 Try again later, closing connection.",
    "550 5.7.26 This mail has been blocked because the sender is unauthenticated. gsmtp",
    "454 4.7.1 <x@example.org>: Relay access denied",
]


def render(renderable: RenderableType, width: int = 80) -> list[str]:
    out = StringIO()
    Console(width=width, file=out, highlight=False, soft_wrap=False, color_system=None).print(renderable)
    return out.getvalue().splitlines()


def panel_body(lines: list[str]) -> list[str]:
    """The text inside a panel's borders, one entry per screen line."""
    return [line[2:-2].rstrip() for line in lines if line.startswith("│")]


def _squeeze(text: str) -> str:
    return "".join(text.split())


def wrapped_groups(narrow: list[str], wide: list[str]) -> list[list[str]]:
    """Group the narrow screen lines by the unwrapped line (of the wide rendering) they show."""
    groups: list[list[str]] = []
    rest = iter(narrow)
    for logical in wide:
        group, target = [next(rest)], _squeeze(logical)
        while _squeeze("".join(group)) != target:
            group.append(next(rest))
        groups.append(group)
    assert next(rest, None) is None
    return groups


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def body_start(first: str, labels: list[str]) -> int | None:
    """Where the text after a bullet, digit or label starts on a line's first screen line."""
    for pattern in (r" *• ", r"  +\d{1,3}  "):
        if m := re.match(pattern, first):
            return m.end()
    for label in labels:
        if first.lstrip().startswith(label + ": "):
            return _indent(first) + len(label) + 2
    return None


def check_hanging_indents(renderable: RenderableType, lang: str) -> int:
    """Every wrapped line starts under the text it continues; returns how many were checked."""
    labels = [catalog.ui(lang, key) for key in (
        "reason", "retry", "who", "evidence", "references", "possible_reasons", "remote_host",
        "addresses", "blocklist_lookup", "blocklist_delist", "smtp_command")]
    labels += [catalog.ui(lang, f"provider_kind_{k}") for k in ("provider", "mta", "gateway")]
    narrow = panel_body(render(renderable, 80))
    wide = panel_body(render(renderable, 3000))
    checked = 0
    for group in wrapped_groups(narrow, wide):
        first, continued = group[0], group[1:]
        start = body_start(first, labels)
        for line in continued:
            checked += 1
            assert _indent(line) == (start if start is not None else _indent(first)), group
    return checked


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("lang", ["tr", "en"])
def test_wrapped_lines_keep_their_hanging_indent(text: str, lang: str) -> None:
    panel = terminal.diagnosis(explain(text, lang), lang)
    assert check_hanging_indents(panel, lang) >= 5  # the sample really wraps
    assert all(len(line) <= 80 for line in render(panel))


def test_the_indent_check_catches_a_line_that_spills_to_the_left() -> None:
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    flat = Panel(Group(Text("    • " + "word " * 40)))
    with pytest.raises(AssertionError):
        check_hanging_indents(flat, "en")
    hanging = Panel(Group(terminal.Hanging("    • ", "word " * 40)))
    assert check_hanging_indents(hanging, "en") >= 2


def _outside_brackets(lines: list[str]) -> str:
    text = "\n".join(lines)
    text = re.sub(r'"[^"]*"', " ", text)  # quoted server text
    return re.sub(r"\((?:[a-z]+)\)", " ", text)  # "(blocked)": the id in brackets at most


@pytest.mark.parametrize("text", SAMPLES)
def test_turkish_output_names_reasons_in_turkish(text: str) -> None:
    d = explain(text, "tr")
    lines = render(terminal.diagnosis(d, "tr"), 200)
    body = panel_body(lines)
    reason_line = next(line for line in body if line.startswith("Neden: "))
    assert reason_line.startswith(f"Neden: {catalog.reason_name('tr', d.reason)} ({d.reason})")
    bare = [r for r in REASONS if re.search(rf"(?<![\w-]){r}(?![\w-])", _outside_brackets(body))]
    assert not bare, bare
    joined = "\n".join(body)
    assert "section" not in joined
    if d.references:
        assert "bölüm" in joined
    evidence = next((line for line in body if line.startswith("Dayanak: ")), "")
    for kind in ("rule ", "provider ", "blocklist ", "status ", "reply_code "):
        assert kind not in _outside_brackets([evidence]), evidence


def test_turkish_possible_reasons_are_names() -> None:
    # a 421 whose text names no cause: only the code speaks, so several reasons are possible
    d = explain("421 4.7.0 Closing connection.", "tr")
    assert not d.classified and d.possible_reasons
    body = panel_body(render(terminal.diagnosis(d, "tr"), 300))
    line = next(line for line in body if "olası nedenleri" in line)
    for reason in d.possible_reasons:
        assert catalog.reason_name("tr", reason) in line
        assert reason not in line.split(": ", 1)[1]
    info = lookup("421", "tr")
    body = panel_body(render(terminal.code_info(info, "tr"), 300))
    line = next(line for line in body if "olası nedenleri" in line)
    assert all(reason not in line for reason in info.reasons), line
    assert any("bölüm" in line for line in body) and not any("section" in line for line in body)


def test_english_output_keeps_the_english_section_word() -> None:
    body = panel_body(render(terminal.diagnosis(explain(SAMPLES[0], "en"), "en"), 300))
    assert any("section 4.2.2" in line for line in body)
    assert any(line.startswith("Reason: Unknown recipient (userunknown)") for line in body)
    assert any(line.startswith("Server software: Postfix") for line in body)


@pytest.mark.parametrize("width", [80, 60])
@pytest.mark.parametrize("lang", catalog.languages())
def test_reasons_list_reads_well_at_80_columns(lang: str, width: int) -> None:
    lines = render(terminal.reasons_table(lang), width)
    assert all(len(line) <= width and line == line.rstrip() for line in lines)
    heads = [line for line in lines if not line.startswith(" ")]
    # one unindented line per reason, its name first and the id in brackets; all else indented
    assert len(heads) == len(REASONS)
    for head, reason in zip(heads, REASONS, strict=True):
        assert head.startswith(f"{catalog.reason_name(lang, reason)} ({reason})"), head
    summaries = [line for line in lines if line.startswith(" ")]
    assert summaries and all(line.startswith("    ") and line[4] != " " for line in summaries)
    if width == 60:  # summaries longer than a line wrapped, and stayed indented
        assert len(lines) > 2 * len(REASONS)


def test_reasons_command_piped_is_plain_and_fits() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update({"LANG": "C.UTF-8", "TERM": "dumb"})
    result = subprocess.run([sys.executable, "-m", "smtp_explain.cli", "reasons", "--lang", "tr"],
                            capture_output=True, env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert "\x1b" not in result.stdout.decode()
    assert lines and all(len(line) <= 80 and line == line.rstrip() for line in lines)
    assert lines[0].startswith(catalog.reason_name("tr", REASONS[0]))
