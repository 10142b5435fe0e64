"""The HTML pages: home, results, the code guide and the API description."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from smtp_explain import catalog
from smtp_explain.explanation import lookup
from smtp_explain.extract import normalize_code
from smtp_explain.model import CodeInfo

if TYPE_CHECKING:
    from smtp_explain.check.model import CheckResult
from smtp_explain.web import guide, language, openapi
from smtp_explain.web.findings import BounceReport, Finding, decode_bounce, explain_text
from smtp_explain.web.templating import link, render
from smtp_explain.web.upload import read_form

# A pasted text up to this length gets a shareable result URL (GET /explain?q=).
SHAREABLE_TEXT = 2000
# A bounce page lists at most this many recipients (the JSON API gives them all).
MAX_ROWS = 1000


def _home(request: Request, lang: str, problem: str = "", status_code: int = 200) -> Response:
    t = language.labels(lang)
    return render(request, "home.html", lang, title=t["home_title"],
                  description=t["home_description"], status_code=status_code,
                  examples=catalog.texts(lang, "web")["examples"], problem=problem)


async def home(request: Request) -> Response:
    return _home(request, language.choose(request))


async def _result(request: Request, lang: str, text: str, report: BounceReport | None,
                  filename: str = "") -> Response:
    t = language.labels(lang)
    findings: list[Finding] = []
    if text.strip():
        findings.append(Finding("finding-text", await explain_text(text, lang,
                                                                  request.app.state.worker)))
    if report is not None:
        findings.extend(report.findings)
    headline = findings[0].diagnosis.summary if findings else t["result_title"]
    from smtp_explain.web.checking import named_target

    check_target = named_target(text, findings[0].diagnosis.remote_host) \
        if text.strip() and findings else None
    return render(
        request, "result.html", lang,
        title=f"{t['result_title']}: {headline}",
        description=headline,
        private=True,
        text=text,
        share=link(lang, "/explain", q=text) if text.strip() and len(text) <= SHAREABLE_TEXT else "",
        findings=findings,
        report=report,
        max_rows=MAX_ROWS,
        filename=filename,
        check_target=check_target,
    )


async def explain_get(request: Request) -> Response:
    lang = language.choose(request)
    text = request.query_params.get("q", "")
    if not text.strip():
        return RedirectResponse(link(lang, "/"), status_code=303)
    return await _result(request, lang, text, None)


async def explain_post(request: Request) -> Response:
    lang = language.choose(request)
    form = await read_form(request)
    text = form.text("text")
    upload = form.file("file")
    if upload is None:
        if not text.strip():
            return _home(request, lang, language.labels(lang)["nothing_submitted"], 400)
        if len(text) <= SHAREABLE_TEXT:
            return RedirectResponse(link(lang, "/explain", q=text), status_code=303)
        return await _result(request, lang, text, None)
    filename, data = upload
    report = await request.app.state.worker.run(decode_bounce, data, lang)
    return await _result(request, lang, text, report, filename)


async def codes(request: Request) -> Response:
    lang = language.choose(request)
    t = language.labels(lang)
    return render(request, "codes.html", lang, title=t["codes_title"],
                  description=t["codes_description"], groups=guide.reply_groups(lang))


async def status_list(request: Request) -> Response:
    lang = language.choose(request)
    t = language.labels(lang)
    return render(request, "status.html", lang, title=t["status_title"],
                  description=t["status_description"], groups=guide.status_groups(lang),
                  classes=guide.status_classes(lang))


def _code_page(request: Request, info: CodeInfo, lang: str) -> Response:
    t = language.labels(lang)
    if info.kind == "reply":
        related = guide.status_codes_for_reply(info.code, info.reasons)
    else:
        related = guide.reply_codes_for_status(info.code, info.reasons[0] if info.reasons else None)
    return render(
        request, "code.html", lang,
        title=f"{info.code}: {info.summary}",
        description=f"{info.code}: {info.summary}. {info.explanation}",
        status_code=200 if info.known else 404,
        info=info,
        related=related,
        reason_summaries={r: guide.reason_summary(lang, r) for r in info.reasons},
        variants=[f"{k}{info.code[1:]}" for k in guide.STATUS_CLASSES]
        if info.code.startswith("X") else [],
        kind_label=t["reply_code"] if info.kind == "reply" else t["status_code"],
    )


async def code_page(request: Request) -> Response:
    return _lookup_page(request, "reply")


async def status_page(request: Request) -> Response:
    return _lookup_page(request, "status")


def _lookup_page(request: Request, kind: str) -> Response:
    lang = language.choose(request)
    raw = request.path_params["code"]
    shape = normalize_code(raw)
    if shape is None:
        raise HTTPException(404)
    found_kind, code = shape
    base = "/codes/" if found_kind == "reply" else "/status/"
    if found_kind != kind or code != raw:
        return RedirectResponse(link(lang, base + code), status_code=301)
    return _code_page(request, lookup(code, lang), lang)


async def reasons(request: Request) -> Response:
    lang = language.choose(request)
    t = language.labels(lang)
    return render(request, "reasons.html", lang, title=t["reasons_title"],
                  description=t["reasons_description"], reasons=guide.reasons(lang),
                  facts=catalog.facts("reasons")["reasons"])


async def reason_page(request: Request) -> Response:
    lang = language.choose(request)
    reason = request.path_params["reason"]
    if not guide.is_reason(reason):
        raise HTTPException(404)
    text = catalog.text_entry(lang, "reasons", "reasons", reason)
    return render(
        request, "reason.html", lang,
        title=f"{reason}: {text.get('summary', '')}",
        description=f"{text.get('summary', '')}. {text.get('explanation', '')}",
        reason=reason,
        text=text,
        facts=catalog.facts("reasons")["reasons"][reason],
        reply_codes=guide.reply_codes_for_reason(reason),
        status_codes=guide.status_codes_for_reason(reason),
    )


async def api_docs(request: Request) -> Response:
    lang = language.choose(request)
    t = language.labels(lang)
    spec = openapi.document(request.app.state.max_upload, lang)
    base_url = str(request.base_url).rstrip("/")
    return render(request, "docs.html", lang, title=t["docs_title"],
                  description=t["docs_description"],
                  spec=spec,
                  requests={f"{method} {path}": openapi.example_request(path, method, op,
                                                                        base_url, lang)
                            for path, methods in spec["paths"].items()
                            for method, op in methods.items()},
                  example_file=openapi.EXAMPLE_FILE,
                  body_limit=openapi.size_text(request.app.state.max_upload))


async def check_page(request: Request) -> Response:
    from smtp_explain.check.wording import label
    from smtp_explain.render.check_table import GROUPS, group_of
    from smtp_explain.web.checking import CheckRefused, web_check

    lang = language.choose(request)
    t = language.labels(lang)
    target = request.query_params.get("target", "").strip()
    report, problem, status_code = None, "", 200
    if target:
        try:
            report = await web_check(request, target, lang)
        except CheckRefused as exc:
            problem = t[exc.key].format(**exc.values)
            status_code = exc.status
    groups: list[tuple[str, list[CheckResult]]] = []
    if report is not None:
        for group in GROUPS:
            rows = [c for c in report.checks if group_of(c.id) == group]
            if rows:
                groups.append((label(lang, f"group_{group}"), rows))
    return render(request, "check.html", lang, title=t["check_title"],
                  description=t["check_description"], private=bool(target),
                  status_code=status_code, target=target, report=report, groups=groups,
                  problem=problem, status_label=lambda s: label(lang, s))


async def favicon(request: Request) -> Response:
    return Response(status_code=204, headers={"cache-control": "public, max-age=86400"})


routes = [
    Route("/", home, methods=["GET"]),
    Route("/explain", explain_get, methods=["GET"]),
    Route("/explain", explain_post, methods=["POST"]),
    Route("/codes", codes, methods=["GET"]),
    Route("/codes/{code}", code_page, methods=["GET"]),
    Route("/status", status_list, methods=["GET"]),
    Route("/status/{code}", status_page, methods=["GET"]),
    Route("/reasons", reasons, methods=["GET"]),
    Route("/reasons/{reason}", reason_page, methods=["GET"]),
    Route("/docs", api_docs, methods=["GET"]),
    Route("/check", check_page, methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET"]),
]
