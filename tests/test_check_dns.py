"""`check` against an authoritative DNS server on 127.0.0.1 serving test zones (no network)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from check_support import ZoneResolver, dns_server, silent_udp
from smtp_explain import catalog
from smtp_explain.check import CheckOptions, CheckReport, TargetError, parse_target, run_check
from smtp_explain.check.blocklist import classify_answer, query_name, zones_for
from smtp_explain.check.spf import parse_terms


@pytest.fixture(scope="module")
def dns() -> Iterator[tuple[int, ZoneResolver]]:
    with dns_server() as server:
        yield server


def check(dns: tuple[int, ZoneResolver], target: str, **options: object) -> CheckReport:
    port, _ = dns
    opts = CheckOptions(nameservers=[("127.0.0.1", port)], timeout=5)
    for key, value in options.items():
        setattr(opts, key, value)
    return run_check(target, opts)


def by_id(report: CheckReport) -> dict[str, object]:
    return {c.id: c for c in report.checks}


def status(report: CheckReport, check_id: str) -> str:
    return by_id(report)[check_id].status  # type: ignore[attr-defined, no-any-return]


# --- blocklists ---------------------------------------------------------------

def test_standard_test_entry_127_0_0_2_is_checked_and_listed(dns) -> None:
    report = check(dns, "127.0.0.2")
    assert report.kind == "ip"
    assert status(report, "blocklist:spamhaus-zen") == "fail"
    assert status(report, "blocklist:spamcop") == "fail"
    assert "SBL" in by_id(report)["blocklist:spamhaus-zen"].summary
    assert report.failed


def test_every_ipv4_list_appears_and_nxdomain_is_pass(dns) -> None:
    report = check(dns, "192.0.2.20")  # a documentation address: checked like any other
    ids = [c.id for c in report.checks if c.id.startswith("blocklist:")]
    assert ids == [f"blocklist:{z.list_id}" for z in zones_for("ipv4")]
    assert {"blocklist:spamhaus-zen", "blocklist:spamcop", "blocklist:barracuda"} <= set(ids)
    assert all(status(report, i) == "pass" for i in ids)


def test_refused_code_is_error_never_fail(dns) -> None:
    report = check(dns, "192.0.2.10")
    zen = by_id(report)["blocklist:spamhaus-zen"]
    assert zen.status == "error"
    assert "127.255.255.254" in " ".join(zen.evidence)
    assert "resolver" in (zen.explanation or "") and zen.fix
    # the same run still reports a real listing elsewhere
    assert status(report, "blocklist:spamcop") == "fail"


def test_answer_outside_documented_codes_is_error(dns) -> None:
    assert status(check(dns, "192.0.2.11"), "blocklist:spamhaus-zen") == "error"


def test_ipv6_uses_reversed_nibbles(dns) -> None:
    assert query_name("2001:db8::1", "zen.spamhaus.org").startswith("1.0.0.0.0.0.0.0")
    assert query_name("2001:db8::1", "zen.spamhaus.org").endswith(
        ".8.b.d.0.1.0.0.2.zen.spamhaus.org")
    report = check(dns, "2001:db8::1")
    assert status(report, "blocklist:spamhaus-zen") == "fail"
    assert "blocklist:spamcop" not in by_id(report)  # IPv4-only lists are not asked


def test_ipv4_reversed_octets_and_domain_form() -> None:
    assert query_name("192.0.2.1", "bl.spamcop.net") == "1.2.0.192.bl.spamcop.net"
    assert query_name("example.test", "dbl.spamhaus.org") == "example.test.dbl.spamhaus.org"


def test_answer_validation_rules() -> None:
    zen = next(z for z in zones_for("ipv4") if z.list_id == "spamhaus-zen").dns
    assert classify_answer(zen, ("127.0.0.2",))[0] == "listed"
    for code in ("127.255.255.252", "127.255.255.254", "127.255.255.255"):
        assert classify_answer(zen, (code,))[0] == "error"
    assert classify_answer(zen, ("127.0.0.2", "127.255.255.254"))[0] == "error"
    assert classify_answer(zen, ("127.0.0.99",))[0] == "unexpected"
    assert classify_answer(zen, ("192.0.2.1",))[0] == "unexpected"
    surbl = next(z for z in zones_for("domain") if z.list_id == "surbl").dns
    verdict, meanings = classify_answer(surbl, ("127.0.0.24",))
    assert verdict == "listed" and meanings == ["surbl-phish", "surbl-malware"]
    assert classify_answer(surbl, ("127.0.0.1",))[0] == "error"


def test_every_answer_meaning_has_words_in_every_language() -> None:
    meanings = set()
    for entry in catalog.facts("blocklists")["blocklists"].values():
        dns = entry.get("dns", {})
        for table in ("listed", "errors", "not_listed"):
            meanings.update(dns.get(table, {}).values())
        assert set(dns.get("zones", {})) <= {"ipv4", "ipv6", "domain"}
        url = entry.get("lookup_url")
        assert url is None or ("{ip}" in url or "{domain}" in url)
    for lang in catalog.languages():
        assert meanings <= set(catalog.texts(lang, "blocklists")["codes"]), lang


def test_domain_lists_include_dbl_and_listing_is_found(dns) -> None:
    report = check(dns, "listed.test")
    assert status(report, "blocklist:spamhaus-dbl") == "fail"
    assert status(report, "blocklist:surbl") == "fail"
    assert status(report, "blocklist:uribl") == "pass"
    assert status(check(dns, "good.test"), "blocklist:spamhaus-dbl") == "pass"


# --- reverse DNS ----------------------------------------------------------------

def test_ptr_that_confirms_forward(dns) -> None:
    report = check(dns, "192.0.2.20")
    assert status(report, "ptr") == "pass" and status(report, "fcrdns") == "pass"
    assert "mail.good.test" in by_id(report)["ptr"].summary


def test_ptr_that_does_not_confirm_forward(dns) -> None:
    report = check(dns, "192.0.2.30")
    assert status(report, "ptr") == "pass"
    assert status(report, "fcrdns") == "fail"


def test_missing_ptr_fails_and_fcrdns_is_skipped_with_reason(dns) -> None:
    report = check(dns, "192.0.2.10")
    assert status(report, "ptr") == "fail"
    fcrdns = by_id(report)["fcrdns"]
    assert fcrdns.status == "skip" and fcrdns.summary


# --- SPF ------------------------------------------------------------------------

def test_spf_pass_with_parts_joined_and_other_txt_ignored(dns) -> None:
    spf = by_id(check(dns, "good.test"))["spf"]
    assert spf.status == "pass"
    assert any("v=spf1 ip4:192.0.2.0/24 include:_spf.good.test -all" in e for e in spf.evidence)
    assert any(e.strip().startswith("_spf.good.test:") for e in spf.evidence)


def test_exactly_ten_lookups_is_not_a_fail(dns) -> None:
    spf = by_id(check(dns, "ten.test"))["spf"]
    assert spf.status == "pass"
    assert "lookups=10/10" in spf.evidence


def test_eleven_lookups_over_the_tree_fail_and_the_tree_is_shown(dns) -> None:
    spf = by_id(check(dns, "eleven.test"))["spf"]
    assert spf.status == "fail"
    assert "lookups=11/10" in spf.evidence
    assert any("d.eleven.test" in e for e in spf.evidence)  # past the limit, still shown


def test_spf_syntax_errors_and_plus_all_fail(dns) -> None:
    syntax = by_id(check(dns, "syntax.test"))["spf"]
    assert syntax.status == "fail" and "ip4:999.1.1.1" in syntax.summary
    assert status(check(dns, "plusall.test"), "spf") == "fail"
    assert status(check(dns, "twospf.test"), "spf") == "fail"
    assert status(check(dns, "missing.test"), "spf") == "fail"


def test_spf_cidr_lengths_and_redirect_beside_all(dns) -> None:
    spf = by_id(check(dns, "cidr.test"))["spf"]
    # a and mx cost one lookup each; the redirect is ignored because of -all
    assert spf.status == "pass", spf
    assert "lookups=2/10" in spf.evidence


def test_spf_term_parser() -> None:
    terms, bad = parse_terms("v=spf1 ip4:192.0.2.0/24 a:mail.test/24 mx/24//64 ?all exp=x.test")
    assert not bad
    assert [t[1] for t in terms] == ["ip4", "a", "mx", "all", "exp"]
    assert parse_terms("v=spf1 include ip6:192.0.2.1 a:/24 foo")[1] == [
        "include", "ip6:192.0.2.1", "a:/24", "foo"]


# --- DMARC and DKIM ---------------------------------------------------------------

def test_dmarc_reject_none_missing_and_fallback(dns) -> None:
    good = by_id(check(dns, "good.test"))["dmarc"]
    assert good.status == "pass" and "reject" in good.summary
    assert status(check(dns, "none.test"), "dmarc") == "warn"
    assert status(check(dns, "missing.test"), "dmarc") == "fail"
    sub = by_id(check(dns, "sub.good.test"))["dmarc"]
    assert sub.status == "pass" and "good.test" in sub.summary  # organisational fallback


def test_dkim_2048_pass_1024_warn_revoked_and_missing_fail(dns) -> None:
    report = check(dns, "good.test", selectors=["mail", "short", "revoked", "nosuch"])
    assert status(report, "dkim:mail") == "pass"
    assert "2048" in by_id(report)["dkim:mail"].summary
    assert status(report, "dkim:short") == "warn"
    assert status(report, "dkim:revoked") == "fail"
    assert status(report, "dkim:nosuch") == "fail"
    pkcs1 = check(dns, "good.test", selectors=["pkcs1"])
    assert status(pkcs1, "dkim:pkcs1") == "pass"


def test_dkim_common_selector_found_without_being_named(dns) -> None:
    # "mail" is one of the common selectors: found without --selector
    assert status(check(dns, "good.test"), "dkim:mail") == "pass"
    none = by_id(check(dns, "none.test"))
    assert none["dkim:*"].status == "warn"


def test_mx_tls_rpt_mta_sts(dns) -> None:
    report = check(dns, "good.test")
    assert status(report, "mx") == "pass"
    assert status(report, "tls-rpt") == "pass"
    assert status(report, "mta-sts") == "warn"  # TXT present, policy host absent
    assert status(check(dns, "syntax.test"), "mx") == "warn"
    assert status(check(dns, "nosuchdomain.test"), "mx") == "fail"
    assert "null MX" in by_id(check(dns, "nullmx.test"))["mx"].summary


def test_mta_sts_policy_fetched_over_https(dns, monkeypatch, tmp_path) -> None:
    import ssl

    from check_support import policy_server
    from smtp_explain.check import mtasts

    with policy_server(tmp_path) as (port, cert):
        monkeypatch.setattr(mtasts, "POLICY_PORT", port)
        monkeypatch.setattr(mtasts, "policy_context",
                            lambda: ssl.create_default_context(cafile=str(cert)))
        report = check(dns, "sts.test")
        sts = by_id(report)["mta-sts"]
        assert sts.status == "pass", sts
        assert "mail.sts.test" in sts.summary and "mode: enforce" in sts.evidence
        # the same server, not trusted: a clear warning, no traceback
        monkeypatch.setattr(mtasts, "policy_context", ssl.create_default_context)
        untrusted = by_id(check(dns, "sts.test"))["mta-sts"]
    assert untrusted.status == "warn" and "CERTIFICATE" in untrusted.summary.upper()


# --- contract details ---------------------------------------------------------------

def test_ids_unique_summaries_never_empty(dns) -> None:
    for target in ("127.0.0.2", "good.test", "eleven.test", "2001:db8::1"):
        report = check(dns, target)
        ids = [c.id for c in report.checks]
        assert len(ids) == len(set(ids)), target
        for c in report.checks:
            assert c.summary.strip()
            assert c.explanation is None or isinstance(c.explanation, str)
            assert c.status in ("pass", "warn", "fail", "skip", "error")


def test_lang_changes_only_wording(dns) -> None:
    en = check(dns, "good.test", lang="en")
    tr = check(dns, "good.test", lang="tr")
    assert [(c.id, c.status) for c in en.checks] == [(c.id, c.status) for c in tr.checks]
    assert [c.summary for c in en.checks] != [c.summary for c in tr.checks]
    assert tr.lang == "tr"


def test_email_address_checks_its_domain(dns) -> None:
    report = check(dns, "postmaster@good.test")
    assert report.kind == "domain" and status(report, "dmarc") == "pass"


def test_domain_check_makes_no_smtp_connection(dns, monkeypatch) -> None:
    import asyncio

    opened: list[object] = []
    real = asyncio.open_connection

    async def spy(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        opened.append(args)
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(asyncio, "open_connection", spy)
    check(dns, "good.test")
    assert opened == []


def test_every_query_goes_to_the_given_nameserver(dns) -> None:
    _port, zones = dns
    before = len(zones.queries)
    check(dns, "eleven.test")
    asked = zones.queries[before:]
    assert "eleven.test TXT" in asked and "d.eleven.test TXT" in asked
    assert "_dmarc.eleven.test TXT" in asked


def test_a_crashing_check_costs_only_its_own_result(dns, monkeypatch) -> None:
    from smtp_explain.check import run

    async def broken(*_args: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(run, "check_spf", broken)
    report = check(dns, "good.test")
    spf = by_id(report)["spf"]
    assert spf.status == "error" and "RuntimeError" in spf.summary
    assert status(report, "dmarc") == "pass"


# --- bad input --------------------------------------------------------------------

@pytest.mark.parametrize("target", ["", "not a target", "exa mple.com", "1.2.3", "a" * 400,
                                    "host:99999", "-bad-.test", "x@", "[::1]:"])
def test_invalid_targets_are_refused(target: str) -> None:
    with pytest.raises(TargetError):
        parse_target(target)


def test_huge_txt_cname_loop_and_truncated_answer_give_clear_results(dns) -> None:
    huge = check(dns, "huge.test")
    assert status(huge, "spf") == "fail"  # 30 long TXT records, none SPF: read over TCP
    assert all(len(e) < 3000 for c in huge.checks for e in c.evidence)
    loop = check(dns, "loop1.test")
    assert status(loop, "spf") in ("fail", "error")
    trunc = check(dns, "trunc.test")
    assert status(trunc, "spf") == "error" and status(trunc, "mx") == "error"


def test_domain_check_is_bounded_by_timeout_with_a_silent_server() -> None:
    with silent_udp() as port:
        started = time.monotonic()
        report = run_check("good.test", CheckOptions(nameservers=[("127.0.0.1", port)],
                                                     timeout=2))
        elapsed = time.monotonic() - started
    assert elapsed < 2 + 1.5, elapsed
    assert {c.status for c in report.checks} <= {"error", "warn", "skip"}
    assert not report.failed
