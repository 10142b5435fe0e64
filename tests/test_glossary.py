"""One term per concept: no text uses a variant its language's glossary forbids."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from smtp_explain import catalog
from smtp_explain.glossary import Glossary, fold, glossary, parse_term, strings

TEMPLATES = Path(catalog.__file__).resolve().parent / "web" / "templates"
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_VISIBLE_ATTR = re.compile(r"""\b(?:alt|title|placeholder|aria-label|value)\s*=\s*"([^"]*)\"""")
_TAG = re.compile(r"<[^>]*>")


def _text_files(lang: str) -> list[Path]:
    # glossary.toml itself names the variants: it is the one file not checked
    return sorted(p for p in (catalog.TEXTS_DIR / lang).glob("*.toml") if p.stem != "glossary")


def _template_texts(source: str) -> list[str]:
    """What a reader reads as prose: text between tags and the visible attributes.

    Scripts, styles and code examples (``pre``, ``code``) are not prose."""
    source = _JINJA.sub(" ", source)
    source = re.sub(r"<(script|style|pre|code)\b.*?</\1>", " ", source, flags=re.S)
    return [*_VISIBLE_ATTR.findall(source), _TAG.sub(" ", source)]


@pytest.mark.parametrize("lang", catalog.languages())
def test_texts_use_the_glossary_terms(lang: str) -> None:
    check = glossary(lang)
    found = []
    for path in _text_files(lang):
        for key, text in strings(tomllib.loads(path.read_text(encoding="utf-8"))):
            found += [f"{path.name}:{key}: {f.found!r} (use {f.preferred!r})" for f in check.findings(text)]
    assert not found, f"{len(found)} forbidden variants:\n" + "\n".join(found)


def test_templates_hold_no_forbidden_variant() -> None:
    templates = sorted(TEMPLATES.glob("*.html"))
    assert templates
    found = [
        f"{path.name}: {f.found!r}"
        for path in templates
        for text in _template_texts(path.read_text(encoding="utf-8"))
        for lang in catalog.languages()
        for f in glossary(lang).findings(text)
    ]
    assert not found, found


def test_template_scan_sees_visible_text_only() -> None:
    html = ('<p title="A blacklist">{{ t.blacklist }} Blacklisted <a href="/blacklist">x</a></p>'
            '{# blacklist #}<script>let blacklist = 1;</script>'
            '<pre>curl /blacklist</pre>')
    found = [f.found for t in _template_texts(html) for f in glossary("en").findings(t)]
    assert sorted(found) == ["blacklist", "blacklisted"]


@pytest.mark.parametrize("lang", catalog.languages())
def test_glossary_is_well_formed(lang: str) -> None:
    terms = glossary(lang).terms
    assert len(terms) >= 5
    concepts = [t.concept for t in terms]
    assert len(concepts) == len(set(concepts)), "a concept twice"
    for term in terms:
        # the preferred term itself is never reported, nor is it one of its variants
        assert not glossary(lang).findings(term.preferred), term
        assert fold(term.preferred, lang) not in {fold(v, lang) for v in term.variants}


def test_the_turkish_glossary_covers_the_issue_terms() -> None:
    preferred = {t.concept: t.preferred for t in glossary("tr").terms}
    assert preferred["relay"] == "aktarma"
    assert preferred["hard-bounce"] == "sert geri dönüş"
    assert preferred["soft-bounce"] == "yumuşak geri dönüş"
    assert preferred["sender"] == "gönderen"
    assert preferred["digit"] == "rakam"
    assert preferred["blocklist"] == "kara liste"


TR = glossary("tr")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hata göndericiye iletilir.", ["göndericiye"]),       # suffix
        ("Kütüphane güncel değil.", []),                       # 'hane' inside a word
        ("Üç haneli kod", ["haneli"]),
        ("RÖLE kapalı; Röleyi açın", ["röle", "röleyi"]),        # case folding
        ("Servis İzni", ["servis"]),
        ("Geçici geri\n dönüşler", ["geçici geri\n dönüşler"]),  # phrase across white space
        ("Kalıcı hata ve kalıcı geri dönüş", ["kalıcı geri dönüş"]),
        ("'Relay access denied' yazıyorsa", []),               # quoted server reply
        ("aktarmayı (relay) reddeder", []),                    # gloss after the preferred term
        ("yönlendirme (relay) reddi", ["relay"]),              # a bracket elsewhere is prose
        ("sert geri dönüş (hard bounce)", []),
        ("kara liste (blocklist) ve blocklist'ler", ["blocklist"]),
        ("blocklist.de ve Sender Score Blocklist'i", []),     # proper names
        ("https://example.org/relay sayfası", []),            # web address
        ("Validity'nin röle listesi", ["röle"]),               # an apostrophe suffix is no quote
        ("JSON API'yi (/api/bounce) kullanın", []),            # a URL path
        ("kabul edilen/röle alan adları", ["röle"]),           # a slash between words is prose
        ("Kalıcı geri dönüş (hard bounce)", ["kalıcı geri dönüş", "hard bounce"]),  # no 'bounce' twice
        ("açık röle", ["açık röle"]),                          # the longest of overlapping variants
        ("sunucu günlüğünde (log) arayın", []),                # gloss after a softened stem
        ("bir MTA log satırı", ["log"]),
        ("AUTH LOGIN ya da PLAIN", []),                        # a mechanism's name, not 'log'
    ],
)
def test_turkish_findings(text: str, expected: list[str]) -> None:
    assert sorted(f.found for f in TR.findings(text)) == sorted(expected)


def test_english_findings() -> None:
    en = glossary("en")
    assert [f.found for f in en.findings("The IP is blacklisted on a block list.")] == [
        "blacklisted", "block list"]
    assert en.findings("Listed by the Passive Spam Block List.") == []
    assert [f.preferred for f in en.findings("a whitelist")] == ["allowlist"]


def test_a_malformed_glossary_line_is_an_error() -> None:
    with pytest.raises(catalog.KnowledgeError):
        parse_term("relay: aktarma")
    with pytest.raises(catalog.KnowledgeError):
        parse_term("relay aktarma | röle")
    g = Glossary("tr", [parse_term("relay: aktarma | röle")], [])
    assert [f.variant for f in g.findings("bir röle")] == ["röle"]


def test_strings_walks_tables_and_lists() -> None:
    data = {"a": {"b": "x", "c": ["y", "z"]}, "d": 1}
    assert strings(data) == [("a.b", "x"), ("a.c[0]", "y"), ("a.c[1]", "z")]


def test_turkish_softened_stems_are_found_and_english_has_none() -> None:
    tr = Glossary("tr", [parse_term("block: engel | blok")], [])
    assert [f.found for f in tr.findings("Bloğu kaldırın; blokta kalmayın")] == ["bloğu", "blokta"]
    en = Glossary("en", [parse_term("talk: speak | talk")], [])
    assert en.findings("talğ") == [] and len(en.findings("talking")) == 1
