"""SPF (RFC 7208) of a domain: the whole include tree, its lookup counts, its syntax.

Written on dnspython rather than with pyspf, which has had no release since 2020.
This is not a full evaluation against one client IP (the check has no IP to test):
it reads every record of the tree, counts the terms that cost a DNS lookup
(include, a, mx, ptr, exists, redirect; the domain's own TXT query does not count),
counts void lookups, and reports syntax errors, loops, ``+all`` and a missing ``all``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from smtp_explain.check.model import CheckResult
from smtp_explain.check.resolver import DnsAnswer, Resolver
from smtp_explain.check.target import normalize_domain
from smtp_explain.check.wording import result

LOOKUP_LIMIT = 10
VOID_LIMIT = 2
MAX_NODES = 60  # records read in one tree, whatever the records say
LOOKUP_TERMS = frozenset({"include", "a", "mx", "ptr", "exists", "redirect"})
_MECHANISM = re.compile(r"([+?~-]?)(all|include|a|mx|ptr|ip4|ip6|exists)(?:([:/])(.*))?",
                        re.IGNORECASE)
_MODIFIER = re.compile(r"([a-z][a-z0-9_.-]*)=(.*)", re.IGNORECASE)
_CIDR = re.compile(r"(?:/([0-9]{1,2}))?(?://([0-9]{1,3}))?")


@dataclass(slots=True)
class SpfNode:
    domain: str
    record: str | None = None
    note: str = ""
    children: list[SpfNode] = field(default_factory=list)


@dataclass(slots=True)
class SpfState:
    lookups: int = 0
    voids: int = 0
    nodes: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (key, detail)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # DNS trouble (timeouts)


def spf_records(answer: DnsAnswer) -> list[str]:
    """The SPF records among a TXT answer; other TXT records are ignored."""
    return [r for r in answer.records
            if r.lower() == "v=spf1" or r.lower().startswith("v=spf1 ")]


def _domain_spec(value: str) -> tuple[str | None, bool]:
    """(domain, has_macro): a domain-spec with macros cannot be followed without a message."""
    if "%" in value:
        return None, True
    return normalize_domain(value), False


def parse_terms(record: str) -> tuple[list[tuple[str, str, str | None]], list[str]]:
    """Terms of a record as (qualifier, name, argument) and the terms that are not valid."""
    terms: list[tuple[str, str, str | None]] = []
    bad: list[str] = []
    for term in record.split()[1:]:
        mech = _MECHANISM.fullmatch(term)
        if mech:
            qualifier, name, sep, arg = mech.groups()
            name = name.lower()
            if not _valid_argument(name, sep, arg):
                bad.append(term)
                continue
            terms.append((qualifier or "+", name, arg if sep == ":" else None))
            continue
        mod = _MODIFIER.fullmatch(term)
        if mod:
            terms.append(("=", mod.group(1).lower(), mod.group(2)))
            continue
        bad.append(term)
    return terms, bad


def _valid_argument(name: str, sep: str | None, arg: str | None) -> bool:
    if name == "all":
        return sep is None
    if name in ("include", "exists"):
        return sep == ":" and bool(arg) and "/" not in (arg or "")
    if name in ("ip4", "ip6"):
        if sep != ":" or not arg:
            return False
        try:
            network = ipaddress.ip_network(arg, strict=False)
        except ValueError:
            return False
        return network.version == (4 if name == "ip4" else 6)
    # a, mx, ptr: optional domain, a and mx optional cidr lengths
    if sep is None:
        return True
    if sep == "/":
        return name != "ptr" and _CIDR.fullmatch("/" + (arg or "")) is not None
    domain, _, cidr = (arg or "").partition("/")
    if not domain:
        return False
    return not (cidr and (name == "ptr" or _CIDR.fullmatch("/" + cidr) is None))


async def _walk(resolver: Resolver, domain: str, state: SpfState, seen: tuple[str, ...],
                answer: DnsAnswer | None = None) -> SpfNode:
    node = SpfNode(domain)
    state.nodes += 1
    if answer is None:
        answer = await resolver.query(domain, "TXT")
    if answer.outcome in ("timeout", "error"):
        node.note = answer.outcome
        state.errors.append(answer.evidence())
        return node
    if answer.void:
        state.voids += 1
    records = spf_records(answer) if answer.ok else []
    if not records:
        node.note = "no-spf"
        if seen:
            state.problems.append(("spf_include_missing", domain))
        return node
    if len(records) > 1:
        node.note = "multiple"
        state.problems.append(("spf_multiple", domain))
        node.record = " || ".join(records)
        return node
    record = node.record = records[0]
    terms, bad = parse_terms(record)
    for term in bad:
        state.problems.append(("spf_syntax", f"{domain}: {term}"))
    follow: list[str] = []
    queries: list[tuple[str, str]] = []
    redirect: str | None = None
    has_all = any(name == "all" and qualifier != "=" for qualifier, name, _ in terms)
    for qualifier, name, arg in terms:
        # a redirect next to an all mechanism is never followed (RFC 7208 6.1)
        if (qualifier != "=" and name in LOOKUP_TERMS) or (name == "redirect" and not has_all):
            state.lookups += 1
        if qualifier == "=":
            if name == "redirect" and arg:
                redirect = arg
            continue
        if name == "all":
            if qualifier == "+" and not seen:
                state.problems.append(("spf_plus_all", domain))
            elif qualifier == "?" and not seen:
                state.warnings.append(("spf_neutral_all", domain))
        elif name == "ptr":
            state.warnings.append(("spf_ptr", domain))
        if name in ("ip4", "ip6", "all"):
            continue
        spec = arg.split("/", 1)[0] if arg and name in ("a", "mx") else arg
        target, macro = _domain_spec(spec) if spec else (domain, False)
        if macro or target is None:
            if not macro and name in ("include", "exists", "a", "mx", "ptr"):
                state.problems.append(("spf_syntax", f"{domain}: {name}:{arg}"))
            continue
        if name == "include":
            follow.append(target)
        elif name in ("a", "exists"):
            queries.append((target, "A"))
        elif name == "mx":
            queries.append((target, "MX"))
    if redirect is not None and not has_all:
        target, macro = _domain_spec(redirect)
        if target is not None:
            follow.append(target)
        elif not macro:
            state.problems.append(("spf_syntax", f"{domain}: redirect={redirect}"))
    elif not has_all and not seen:
        state.warnings.append(("spf_no_all", domain))
    children: list[str] = []
    for target in follow:
        if target in seen or target == domain:
            state.problems.append(("spf_loop", f"{domain} -> {target}"))
        elif state.nodes + len(children) < MAX_NODES:
            children.append(target)
    walks = [_walk(resolver, child, state, (*seen, domain)) for child in children]
    found, extras = await asyncio.gather(asyncio.gather(*walks), resolver.many(queries))
    node.children = list(found)
    for extra in extras:
        if extra.void:
            state.voids += 1
    return node


def tree_lines(node: SpfNode, depth: int = 0) -> list[str]:
    text = node.record if node.record is not None else f"({node.note})"
    lines = [f"{'  ' * depth}{node.domain}: {text}"]
    for child in node.children:
        lines.extend(tree_lines(child, depth + 1))
    return lines


async def check_spf(resolver: Resolver, domain: str, lang: str) -> CheckResult:
    state = SpfState()
    first = await resolver.query(domain, "TXT")
    if first.outcome in ("timeout", "error"):
        return result("spf", "error", "spf_dns_error", lang, evidence=[first.evidence()],
                      domain=domain)
    if not spf_records(first):
        return result("spf", "fail", "spf_missing", lang, evidence=[first.evidence()],
                      domain=domain)
    tree = await _walk(resolver, domain, state, (), first)
    evidence = [*tree_lines(tree), f"lookups={state.lookups}/{LOOKUP_LIMIT}",
                f"void={state.voids}/{VOID_LIMIT}", *state.errors]
    values: dict[str, Any] = {"domain": domain, "lookups": state.lookups, "limit": LOOKUP_LIMIT,
              "voids": state.voids, "void_limit": VOID_LIMIT}
    problems = list(state.problems)
    if state.lookups > LOOKUP_LIMIT:
        problems.insert(0, ("spf_too_many_lookups", str(state.lookups)))
    if state.voids > VOID_LIMIT:
        problems.insert(0, ("spf_too_many_voids", str(state.voids)))
    if problems:
        key, detail = problems[0]
        return result("spf", "fail", key, lang, evidence=evidence, detail=detail,
                      more=len(problems) - 1, **values)
    if state.errors:
        return result("spf", "error", "spf_partial", lang, evidence=evidence, **values)
    if state.warnings:
        key, detail = state.warnings[0]
        return result("spf", "warn", key, lang, evidence=evidence, detail=detail, **values)
    return result("spf", "pass", "spf_ok", lang, evidence=evidence, **values)
