"""Every thing shown by name has a name in every language: provider kinds, reasons, labels."""

from __future__ import annotations

import pytest

from smtp_explain import catalog

KINDS = {"provider", "gateway", "sending-service", "mta", "hosting", "forwarding"}
PROVIDERS = catalog.facts("providers")["providers"]


def test_every_provider_has_a_known_kind() -> None:
    for provider_id, entry in PROVIDERS.items():
        assert entry.get("kind") in KINDS, provider_id


def test_mail_server_programs_are_server_software_not_providers() -> None:
    for program in ("postfix", "exim", "sendmail", "qmail", "exchange"):
        assert catalog.provider_kind(program) == "mta"
        assert catalog.provider_kind_label("tr", program) == "Sunucu yazılımı"
        assert catalog.provider_kind_label("en", program) == "Server software"
    for mailbox_provider in ("google", "microsoft", "yahoo"):
        assert catalog.provider_kind(mailbox_provider) == "provider"
        assert "sağlayıcı" in catalog.provider_kind_label("tr", mailbox_provider).lower()


@pytest.mark.parametrize("lang", catalog.languages())
@pytest.mark.parametrize("name", ["ui", "web"])
def test_every_kind_has_a_label(lang: str, name: str) -> None:
    labels = catalog.texts(lang, name)["labels"]
    for kind in KINDS:
        assert labels.get("provider_kind_" + kind.replace("-", "_"), "").strip(), (lang, name, kind)


REASONS = list(catalog.facts("reasons")["reasons"])


@pytest.mark.parametrize("lang", catalog.languages())
def test_every_reason_has_a_short_name(lang: str) -> None:
    names = {reason: catalog.reason_name(lang, reason) for reason in REASONS}
    for reason, name in names.items():
        assert name.strip() and len(name) <= 32, (lang, reason, name)
        # read straight from the file, so a fallback to the id or to English cannot pass
        assert catalog.texts(lang, "reasons")["reasons"][reason]["name"] == name
    assert len(set(names.values())) == len(names), "two reasons share a name"


def test_turkish_names_are_turkish() -> None:
    for reason in REASONS:
        tr, en = catalog.reason_name("tr", reason), catalog.reason_name("en", reason)
        assert tr.lower() != reason and tr != en, reason
    assert catalog.reason_name("en", "blocked") == "Blocked"
    assert catalog.reason_name("tr", "norelaying") == "Aktarma reddedildi"


def test_an_unknown_reason_is_named_by_its_id() -> None:
    assert catalog.reason_name("tr", "no-such-reason") == "no-such-reason"


LABELS = [
    *(f"evidence_{kind}" for kind in ("rule", "status", "reply_code", "blocklist", "provider", "user_rule")),
    "section",
    *(f"bounce_{kind}" for kind in ("hard", "soft", "none")),
    *(f"retry_name_{value}" for value in ("no", "later", "after_fix", "not_needed")),
    *(f"who_{value}" for value in ("sender", "sender_admin", "recipient", "recipient_admin", "nobody")),
]


@pytest.mark.parametrize("lang", catalog.languages())
def test_short_labels_exist_in_every_language(lang: str) -> None:
    labels = catalog.texts(lang, "ui")["labels"]
    missing = [key for key in LABELS if not str(labels.get(key, "")).strip()]
    assert not missing, missing


def test_turkish_short_labels_are_translated() -> None:
    same = [key for key in LABELS if catalog.ui("tr", key) == catalog.ui("en", key)]
    assert not same, same
    assert catalog.ui("tr", "section") == "bölüm"
    assert catalog.ui("tr", "bounce_soft") == "yumuşak geri dönüş"


@pytest.mark.parametrize("lang", catalog.languages())
def test_progress_label_counts_in_every_language(lang: str) -> None:
    label = catalog.ui(lang, "progress_mails")
    assert "{count}" in label and label.replace("{count}", "").strip()
