"""Turkish rules: each pattern is its readable note spelled out, and a word family is
understood in its usual forms (suffixes, tenses, capitals, typed without Turkish
letters), not only in the one sentence a rule was first written for."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from smtp_explain.catalog import KNOWLEDGE_DIR
from smtp_explain.explanation import explain

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from turkish_pattern import expand, pattern_of

RULES = tomllib.loads((KNOWLEDGE_DIR / "rules" / "turkish.toml").read_text(encoding="utf-8"))["rules"]


@pytest.mark.parametrize("rule", RULES, ids=[rule["id"] for rule in RULES])
def test_pattern_is_the_note_spelled_out(rule: dict[str, str]) -> None:
    assert rule["id"].startswith("tr-")
    assert rule["pattern"] == pattern_of(rule["note"]), (
        f"{rule['id']}: run python tools/turkish_pattern.py --write")


def test_expansion_spells_out_the_letters_that_vary() -> None:
    assert expand("şifre") == r"[şs][ıi]\x{307}?fre"
    assert expand(r"ağa\S* [^ç]") == r"a[ğg]a\S* [^ç]"  # escapes and classes stay as written


# One family per line: different forms of the same failure, as programs print them and
# people type them (without Turkish letters, in capitals, with other suffixes).
FAMILIES = [
    ("networkerror", ["SMTP sunucusuna bağlanılamıyor", "smtp sunucusuna baglanilamadi",
                      "Sunucuya bağlanamadım", "BAĞLANTI REDDEDİLDİ", "Sunucu bulunamıyor",
                      "ana makine adı çözümlenemedi", "SMTP sunucusu bulunamadı"]),
    ("networkerror", ["Bağlantı koptu", "baglanti kesildi", "Bağlantı karşı taraftan kesildi",
                      "zaman aşımına uğradı", "ZAMAN AŞIMI", "zaman asimi hatasi",
                      "Sunucu yanıt vermiyor", "Bağlantı hatası"]),
    ("securityerror", ["Kimlik doğrulama başarısız", "KİMLİK DOĞRULAMASI BAŞARISIZ OLDU",
                       "kimlik dogrulama basarisiz", "Kimlik doğrulanamıyor",
                       "şifre yanlış", "Şifreniz hatalı", "parolası geçersiz",
                       "kullanıcı adı veya şifre hatalı", "Kimlik bilgileri geçersiz",
                       "giriş başarısız", "Yanlış şifre", "Hatalı kullanıcı adı veya şifre",
                       "GEÇERSİZ KULLANICI ADI", "Şifreniz doğru değil"]),
    ("failedstarttls", ["SSL hatası", "TLS el sıkışması başarısız",
                        "Sertifika doğrulanamadı", "sertifikanın süresi dolmuş",
                        "sunucu STARTTLS desteklemiyor"]),
    ("mailboxfull", ["posta kutusu dolu", "Posta kutusu doldu", "posta kutusu dolmuş",
                     "POSTA KUTUSU DOLU DİYOR", "alıcının kotası doldu", "kota aşıldı",
                     "mailbox dolu", "gelen kutusu dolu"]),
    ("userunknown", ["Adres bulunamadı", "adres bulunamıyor", "Kullanıcı bulunmuyor",
                     "böyle bir kullanıcı bulunmamaktadır", "Böyle bir e-posta hesabı yok",
                     "Alıcı adresi geçersiz", "geçersiz alıcı", "ALICI BULUNAMADI"]),
    ("mesgtoobig", ["ileti çok büyük", "İleti boyutu sınırı aşıyor",
                    "e-posta boyutu izin verilen sınırı aştı", "Ek dosya çok büyük"]),
    ("speeding", ["gönderme sınırı aşıldı", "Gönderim limitiniz doldu",
                  "günlük gönderim limitine ulaştınız", "Saatlik mail limiti aşıldı",
                  "gönderim limitine takıldım"]),
    ("spamdetected", ["spam olarak işaretlendi", "İletiniz spam olarak algılandı",
                      "spam olduğu için reddedildi", "spam filtresine takıldı"]),
    ("blocked", ["kara listede", "IP adresiniz kara listelere girmiş", "karalisteye alınmış"]),
    ("toomanyconn", ["çok fazla alıcı", "alıcı sayısı sınırı aşıldı"]),
    ("norelaying", ["aktarma izni yok", "röle erişimi reddedildi", "relay izni yok"]),
    # Wordings of KDE, GNOME Online Accounts and glib-networking (turkish_programs.toml).
    ("securityerror", ["smtp.example.net oturumu açılamadı", "OTURUMU AÇILAMIYOR",
                       "Kimlik bilgileri alınamadı", "kimlik bilgilerinin suresi doldu",
                       "Sunucu CRAM-MD5 yöntemini desteklemiyor", "Boş şifre"]),
    ("failedstarttls", ["TLS el sıkışması tamamlanamadı", "TLS pazarlığı başarısız oldu",
                        "sertifika yetkilisi bilinmiyor", "Sertifikanın geçerlilik tarihi henüz gelmemiş",
                        "SSL kullanılabilir değil"]),
    ("networkerror", ["Alan adı çözümlenemedi", "soket okuma hatası", "Bağlantı kapalı",
                      "Bağlantı beklenmeyen şekilde koptu", "Sunucu bağlantıyı reddetti"]),
    # Resolver errors (glibc, GLib): a name that does not turn into an address.
    ("networkerror", ["İsim çözümlemesinde geçici hata", "ad çözünürlüğü başarısız",
                      "mail.example.com çözülemedi", "“imap.example.org” çözülürken bir hata oluştu",
                      "Isim ya da servis bilinmiyor"]),
]
CASES = [(reason, text) for reason, texts in FAMILIES for text in texts]


@pytest.mark.parametrize(("reason", "text"), CASES, ids=[text for _, text in CASES])
def test_word_family_forms_get_one_reason(reason: str, text: str) -> None:
    assert explain(text).reason == reason


def test_a_server_reply_quoted_in_a_turkish_sentence_still_decides() -> None:
    # The program's words only say that sending failed; the server's words say why.
    quoted = ("İleti gönderilirken hata oluştu: 550 5.1.1 <bob@example.com>: Recipient "
              "address rejected: User unknown in virtual mailbox table")
    assert explain(quoted).reason == "userunknown"
    assert explain("SMTP sorunu (535): Kimlik doğrulama başarısız").reply_code == "535"


def test_an_invalid_user_name_is_a_login_problem_an_invalid_user_is_an_address() -> None:
    assert explain("Geçersiz kullanıcı adı veya parola").reason == "securityerror"
    assert explain("550 Geçersiz kullanıcı").reason == "userunknown"
    assert explain("550 Geçersiz kullanıcı adresi").reason == "userunknown"


# A Turkish rendering of an SMTP reply text (RFC 5321, RFC 4954) gets the reason its
# English original gets: the language does not change what the server said.
RFC_PAIRS = [
    ("Syntax error, command unrecognized", "Sözdizimi hatası, komut tanınmadı"),
    ("Command parameter not implemented", "Komut parametresi uygulanmadı"),
    ("Requested action aborted: local error in processing",
     "İstenen eylem iptal edildi: işlemde yerel hata"),
    ("Requested action not taken: insufficient system storage",
     "İstenen eylem gerçekleştirilmedi: yetersiz sistem depolaması"),
    ("User not local; please try <forward-path>", "Kullanıcı yerel değil; lütfen <forward-path> deneyin"),
    ("Authentication mechanism is too weak", "Kimlik doğrulama mekanizması çok zayıf"),
    ("Encryption required for requested authentication mechanism",
     "İstenen kimlik doğrulama mekanizması için şifreleme gerekli"),
    ("A password transition is needed", "Bir parola geçişi gerekli"),
    ("Temporary authentication failure", "Geçici kimlik doğrulama hatası"),
    ("Must issue a STARTTLS command first", "Önce STARTTLS komutu verilmelidir"),
]


@pytest.mark.parametrize(("english", "turkish"), RFC_PAIRS, ids=[e for e, _ in RFC_PAIRS])
def test_a_turkish_reply_text_gets_its_english_originals_reason(english: str, turkish: str) -> None:
    assert explain(turkish).reason == explain(english).reason != "undefined"


def test_only_a_host_name_that_does_not_resolve_is_a_dns_failure() -> None:
    # "çözülemedi" is also everyday Turkish ("the problem could not be solved").
    assert explain("“smtp.example.net” çözülemedi").reason == "networkerror"
    assert explain("Sorun çözülemedi").reason == "undefined"
