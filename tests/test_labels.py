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
