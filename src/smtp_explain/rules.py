"""Loading and checking rule files: built-in knowledge and the user's own.

A rule maps a phrase (an RE2 pattern over folded lower-case text) to a reason.
Built-in rules come from ``knowledge/rules.toml``; blocklist and provider
patterns from their own files. User files have the ``[[rules]]`` format of
``rules.toml`` and win over the built-in ones.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import re2

from smtp_explain import catalog

ENV_VAR = "SMTP_EXPLAIN_RULES"
PHRASE_BONUS = 100
USER_BONUS = 1000
# A rules file with ``tier = "vocabulary"`` holds word families, the last resort when
# no phrase or code decides: its rules score VOCABULARY_SCORE + their priority (the
# reason's own priority left out, so their order is the file's to set), below every
# phrase and status code, and a reply code that implies a reason beats them too.
VOCABULARY_SCORE = -10_000
VOCABULARY_CEILING = -5_000
VOCABULARY_PRIORITY_LIMIT = 1_000  # so that no vocabulary rule climbs out of its tier
TIERS = ("", "vocabulary")
_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,80}")


class RuleFileError(Exception):
    """A rule file cannot be used; the message names the file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


@dataclass(frozen=True, slots=True)
class Rule:
    kind: Literal["rule", "user_rule", "blocklist", "provider", "vocabulary"]
    id: str
    pattern: str
    reason: str | None
    score: int
    provider: str | None = None
    cause: str | None = None
    audience: str | None = None
    # The RE2 set the rule is scanned in (a rules file's ``scan_group``; see matcher.py)
    group: str = ""


# Who reads an answer: the person at a mail program (a dialog, an error number), the
# sender of a bounced mail, or the admin of a mail server (logs, server replies).
AUDIENCES = ("mail-program", "sender", "admin")


def _line_of(raw: str, needle: str) -> int | None:
    """The 1-based line of the first occurrence of needle in raw, if any."""
    pos = raw.find(needle)
    return raw.count("\n", 0, pos) + 1 if pos >= 0 else None


def _field_line(raw: str, rule_id: str, field: str) -> int | None:
    """The line of ``field = ...`` in the rule whose id is rule_id (1-based)."""
    lines = raw.split("\n")
    id_line = re.compile(rf"""^\s*id\s*=\s*["']{re.escape(rule_id)}["']""")
    field_line = re.compile(rf"^\s*{field}\s*=")
    for number, line in enumerate(lines):
        if id_line.match(line):
            for offset in range(number, len(lines)):
                if offset > number and lines[offset].lstrip().startswith("[["):
                    break
                if field_line.match(lines[offset]):
                    return offset + 1
            for offset in range(number, -1, -1):
                if field_line.match(lines[offset]):
                    return offset + 1
                if lines[offset].lstrip().startswith("[["):
                    break
            return number + 1
    return None


def check_pattern(pattern: str) -> str | None:
    """Return an error message when pattern is not a usable RE2 pattern."""
    if not pattern.strip():
        return "empty pattern"
    options = re2.Options()
    options.log_errors = False
    try:
        re2.compile(pattern, options)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        return (f"pattern {_shown(pattern)} is not valid RE2 syntax (linear-time regex): "
                f"{str(detail)[:200]}")
    return None


MAX_RULE_FILE = 4 << 20  # bytes; the built-in rules together are ~200 KB
MAX_SHOWN = 80  # characters of a pattern or value quoted in an error


def _shown(value: object) -> str:
    """A value quoted in a one-line error, cut to MAX_SHOWN characters."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def _read_rule_file(name: str) -> str:
    """The text of a rule file: regular files only (a FIFO would block, /dev/zero never
    ends), at most MAX_RULE_FILE bytes, UTF-8."""
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise RuleFileError(name, None, "no such rule file") from None
    except OSError as exc:
        raise RuleFileError(name, None, f"cannot read rule file: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise RuleFileError(name, None, "not a regular file") from None
    if info.st_size > MAX_RULE_FILE:
        raise RuleFileError(name, None, f"larger than {MAX_RULE_FILE >> 20} MiB") from None
    try:
        with open(name, "rb") as stream:
            data = stream.read(MAX_RULE_FILE + 1)
    except OSError as exc:
        raise RuleFileError(name, None, f"cannot read rule file: {exc.strerror}") from None
    if len(data) > MAX_RULE_FILE:
        raise RuleFileError(name, None, f"larger than {MAX_RULE_FILE >> 20} MiB") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError(name, None, f"not UTF-8 (byte {exc.start})") from None


def parse_rule_file(path: str | os.PathLike[str], *, user: bool) -> list[Rule]:
    """Read one ``[[rules]]`` file, raising RuleFileError with file and line."""
    name = os.fspath(path)
    raw = _read_rule_file(name)
    import tomllib

    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        raise RuleFileError(name, line, f"not valid TOML: {str(exc)[:200]}") from None
    except RecursionError:
        raise RuleFileError(name, None, "not valid TOML: nested too deeply") from None
    return rules_from_data(data, name, raw, user=user)


class _Invalid(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _check_entry(entry: object, number: int, seen: set[str], reasons: dict[str, Any],
                 providers: dict[str, Any], causes: dict[str, Any], *,
                 check_regex: bool, tier: str = "") -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise _Invalid("", f"rule #{number} is not a table")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not _ID.fullmatch(rule_id):
        raise _Invalid("id", f"rule #{number}: 'id' must be a short kebab-case name")
    if rule_id in seen:
        raise _Invalid("id", f"rule {rule_id!r}: duplicate id")
    pattern = entry.get("pattern")
    if not isinstance(pattern, str):
        raise _Invalid("pattern", f"rule {rule_id!r}: 'pattern' must be a string")
    problem = check_pattern(pattern) if check_regex else None
    if problem:
        raise _Invalid("pattern", f"rule {rule_id!r}: {problem}")
    reason = entry.get("reason")
    if not isinstance(reason, str) or reason not in reasons:
        raise _Invalid("reason", f"rule {rule_id!r}: unknown reason {_shown(reason)}")
    provider = entry.get("provider") or None
    if provider is not None and (not isinstance(provider, str) or provider not in providers):
        raise _Invalid("provider", f"rule {rule_id!r}: unknown provider {_shown(provider)}")
    priority = entry.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise _Invalid("priority", f"rule {rule_id!r}: 'priority' must be an integer")
    if tier == "vocabulary" and abs(priority) >= VOCABULARY_PRIORITY_LIMIT:
        raise _Invalid("priority", f"rule {rule_id!r}: a vocabulary rule's priority must lie "
                       f"within +-{VOCABULARY_PRIORITY_LIMIT - 1}")
    cause = entry.get("cause")
    if cause is not None and (not isinstance(cause, str) or cause not in causes):
        raise _Invalid("cause", f"rule {rule_id!r}: unknown cause {_shown(cause)}")
    if entry.get("audience") not in (None, *AUDIENCES):
        raise _Invalid("audience", f"rule {rule_id!r}: 'audience' must be one of {AUDIENCES}")
    unknown = set(entry) - {"id", "pattern", "reason", "provider", "priority", "note",
                            "examples", "cause", "audience"}
    if unknown:
        raise _Invalid("id", f"rule {rule_id!r}: unknown keys {_shown(sorted(unknown))}")
    examples = entry.get("examples", [])
    if not isinstance(examples, list) or not all(
        isinstance(e, dict) and isinstance(e.get("text"), str) and isinstance(e.get("source"), str)
        and set(e) <= {"text", "source", "note"} for e in examples
    ):
        raise _Invalid("examples", f"rule {rule_id!r}: 'examples' must be a list of "
                       "{text = '...', source = '...'} tables")
    return entry


def rules_from_data(data: dict[str, Any], name: str, raw: str | None, *,
                    user: bool) -> list[Rule]:
    """Checked rules of one file. Built-in files skip the per-pattern RE2 check
    (the test suite does it; the set compile would fail loudly anyway)."""
    entries = data.get("rules")
    if not isinstance(entries, list):
        raise RuleFileError(name, None, "expected an array of tables [[rules]]")
    group = data.get("scan_group", "")
    if not isinstance(group, str):
        raise RuleFileError(name, None, "'scan_group' must be a string")
    tier = data.get("tier", "")
    if tier not in TIERS:
        raise RuleFileError(name, None, f"'tier' must be one of {TIERS[1:]}")
    reasons = catalog.facts("reasons")["reasons"]
    providers = catalog.facts("providers").get("providers", {})
    causes = catalog.facts("causes").get("causes", {})
    out: list[Rule] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        try:
            _check_entry(entry, number, seen, reasons, providers, causes, check_regex=user,
                         tier=tier)
        except _Invalid as problem:
            rule_id = entry.get("id") if isinstance(entry, dict) else None
            line = None
            if raw is None:
                raw = Path(name).read_text(encoding="utf-8", errors="replace")
            problem_text = str(problem)
            if isinstance(rule_id, str) and problem.field:
                line = _field_line(raw, rule_id, problem.field)
            if line is None and isinstance(entry, dict):
                anchor = str(entry.get("id") or entry.get("pattern") or "")
                line = _line_of(raw, anchor) if anchor else None
            raise RuleFileError(name, line, problem_text) from None
        rule_id = entry["id"]
        seen.add(rule_id)
        reason = entry["reason"]
        priority = entry.get("priority", 0)
        if tier == "vocabulary":
            score = VOCABULARY_SCORE + priority
        else:
            score = int(reasons[reason].get("priority", 0)) + priority + PHRASE_BONUS
        out.append(
            Rule(
                kind="user_rule" if user else "vocabulary" if tier == "vocabulary" else "rule",
                id=rule_id,
                pattern=entry["pattern"],
                reason=reason,
                score=score + (USER_BONUS if user else 0),
                provider=entry.get("provider") or None,
                cause=entry.get("cause"),
                audience=entry.get("audience"),
                group=group,
            )
        )
    return out


@cache
def _builtin_rule_files() -> tuple[tuple[Path, dict[str, Any]], ...]:
    return tuple((path, catalog.load_toml(path))
                 for path in sorted((catalog.KNOWLEDGE_DIR / "rules").glob("*.toml")))


def builtin_rules() -> list[Rule]:
    """Rules, blocklist and provider patterns shipped in the package."""
    out: list[Rule] = []
    for rules_path, data in _builtin_rule_files():
        out.extend(rules_from_data(data, str(rules_path), None, user=False))
    blocked = int(catalog.facts("reasons")["reasons"]["blocked"].get("priority", 0))
    for list_id, entry in catalog.facts("blocklists").get("blocklists", {}).items():
        for pattern in entry.get("patterns", []):
            out.append(Rule("blocklist", list_id, pattern, "blocked", blocked + PHRASE_BONUS))
    for prov_id, entry in catalog.facts("providers").get("providers", {}).items():
        for pattern in entry.get("patterns", []):
            out.append(Rule("provider", prov_id, pattern, None, 0, provider=prov_id))
    return out


@cache
def builtin_examples() -> tuple[str, ...]:
    """The example texts of the built-in rules: real replies and errors, a sample of
    the text the rules are scanned over (the matcher ranks literals by it)."""
    return tuple(str(example.get("text", ""))
                 for _path, data in _builtin_rule_files()
                 for entry in data.get("rules", [])
                 for example in entry.get("examples", []) if isinstance(example, dict))


def user_rule_paths(extra: Iterable[str | os.PathLike[str]] = (),
                    environ: dict[str, str] | None = None) -> list[str]:
    """User rule files: SMTP_EXPLAIN_RULES (os.pathsep separated) then explicit ones."""
    env = os.environ if environ is None else environ
    paths = [p for p in env.get(ENV_VAR, "").split(os.pathsep) if p.strip()]
    paths.extend(os.fspath(p) for p in extra)
    return paths


def load_user_rules(paths: Sequence[str]) -> list[Rule]:
    out: list[Rule] = []
    for path in paths:
        out.extend(parse_rule_file(path, user=True))
    return out
