"""Decoding slips (issue 9): realistic synthetic bounces, one general fix each.

Every mail here is written for this test, modelled on how the named MTA or
provider lays out its notices; none is copied from another project's corpus.
"""

from __future__ import annotations

from smtp_explain.decoding.bounce import decode_mail
from smtp_explain.decoding.mail import Mail, address_in
from smtp_explain.model import BounceResult

# A Postfix-style RFC 3464 report (RFC 3464 section 2; Postfix bounce(8) layout).
POSTFIX_DSN = b"""From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: alice@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

This is the mail system at host mx.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; bob@example.com
Original-Recipient: rfc822;bob@example.com
Action: failed
Status: 5.2.2
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 552 5.2.2 <bob@example.com>: Mailbox full, quota exceeded

--b1
Content-Type: text/rfc822-headers

From: Alice <alice@example.org>
To: bob@example.com
Subject: Minutes

--b1--
"""


def rows(data: bytes) -> list[BounceResult]:
    return decode_mail(data)


def summary(data: bytes) -> list[tuple[str, str]]:
    return [(r.recipient, r.reason) for r in rows(data)]


# --- a file that starts with blank or whitespace lines --------------------------------

def test_blank_lines_before_the_headers_are_skipped() -> None:
    for lead in (b"\n", b"\n\n", b"   \n\t\n", b"\r\n \r\n"):
        assert summary(lead + POSTFIX_DSN) == [("bob@example.com", "mailboxfull")], lead


def test_text_with_no_headers_keeps_its_leading_blank_line() -> None:
    # Not a header block after the blank line: the text stays the body.
    mail = Mail(b"\nThe mail system could not deliver: bob@example.com: mailbox full\n")
    assert mail.root.headers == []
    assert "mailbox full" in mail.body


def test_blank_lines_before_an_attached_mail_are_skipped() -> None:
    forwarded = POSTFIX_DSN.replace(b"Content-Type: text/rfc822-headers\n\n",
                                    b"Content-Type: message/rfc822\n\n\n")
    mail = Mail(forwarded)
    assert mail.original is not None
    assert mail.original.header("subject") == "Minutes"


# --- a DSN forwarded inside message/rfc822 --------------------------------------------

def forwarded(inner: bytes, subject: bytes = b"Fwd: Undelivered Mail Returned to Sender",
              encoding: bytes = b"") -> bytes:
    cte = b"Content-Transfer-Encoding: " + encoding + b"\n" if encoding else b""
    if encoding == b"base64":
        import base64
        inner = base64.encodebytes(inner)
    return (b"From: Alice <alice@example.org>\nTo: helpdesk@example.org\nSubject: " + subject
            + b"\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"outer\"\n\n"
            b"--outer\nContent-Type: text/plain\n\nWhy did this come back? Ask carol@example.org.\n\n"
            b"--outer\nContent-Type: message/rfc822\n" + cte + b"\n" + inner + b"\n--outer--\n")


def test_a_bounce_forwarded_as_attachment_is_decoded() -> None:
    assert summary(forwarded(POSTFIX_DSN)) == [("bob@example.com", "mailboxfull")]
    assert summary(forwarded(POSTFIX_DSN, b"Please look at this")) == [
        ("bob@example.com", "mailboxfull")]
    assert summary(forwarded(POSTFIX_DSN, encoding=b"base64")) == [
        ("bob@example.com", "mailboxfull")]


def test_a_forwarded_plain_text_bounce_from_a_daemon_is_decoded() -> None:
    qmail = (b"From: MAILER-DAEMON@mail.example.net\nTo: alice@example.org\n"
             b"Subject: failure notice\n\n"
             b"Hi. This is the qmail-send program at mail.example.net.\n"
             b"I'm afraid I wasn't able to deliver your message to the following addresses.\n"
             b"This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
             b"<bob@example.com>:\n192.0.2.7 does not like recipient.\n"
             b"Remote host said: 550 5.1.1 <bob@example.com>: No such user\n"
             b"Giving up on 192.0.2.7.\n")
    assert summary(forwarded(qmail)) == [("bob@example.com", "userunknown")]


def test_a_bounce_attaching_the_original_is_not_unwrapped() -> None:
    # The original that bounced is attached as message/rfc822; it is an ordinary mail.
    bounce = POSTFIX_DSN.replace(b"Content-Type: text/rfc822-headers",
                                 b"Content-Type: message/rfc822")
    assert summary(bounce) == [("bob@example.com", "mailboxfull")]


def test_an_ordinary_mail_with_an_attached_mail_is_no_bounce() -> None:
    note = (b"From: Dan <dan@example.com>\nTo: Alice <alice@example.org>\n"
            b"Subject: Re: minutes\n\nSee you then.\n")
    assert rows(forwarded(note, b"Fwd: minutes")) == []


# --- quoted-printable and encoded-word addresses --------------------------------------

def test_encoded_words_and_qp_escapes_around_addresses_are_undone() -> None:
    assert address_in("=?utf-8?Q?bob=40example=2Ecom?=") == "bob@example.com"
    assert address_in("=?utf-8?B?Ym9iQGV4YW1wbGUuY29t?=") == "bob@example.com"
    assert address_in("=3Cbob@example.com=3E") == "bob@example.com"
    assert address_in("Bob <bob@exam=\nple.com>") == "bob@example.com"
    # SRS and VERP local parts hold "=" and hex: left alone.
    assert address_in("SRS0=AB12=TT=example.org=alice@fwd.example.net") == (
        "srs0=ab12=tt=example.org=alice@fwd.example.net")


EXIM_QP = b"""From: Mail Delivery System <Mailer-Daemon@mx.example.net>
To: alice@example.org
Subject: Mail delivery failed: returning message to sender
X-Failed-Recipients: =?utf-8?Q?bob=40example.com?=
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  =3Cbob@example.com=3E
    host mx.example.com [192.0.2.7]
    SMTP error from remote mail server after RCPT TO:<bob@example.com>:
    550 5.1.1 No such user here
"""


def test_a_qp_body_read_undecoded_gives_the_plain_address() -> None:
    assert summary(EXIM_QP) == [("bob@example.com", "userunknown")]
    plain = EXIM_QP.replace(b"X-Failed-Recipients: =?utf-8?Q?bob=40example.com?=\n", b"")
    assert summary(plain.replace(b"Exim", b"")) == [("bob@example.com", "userunknown")]


# --- a leading quote kept on the address ----------------------------------------------

def test_a_quote_before_an_address_is_not_part_of_it() -> None:
    notice = (b"From: postmaster@mail.example.net\nTo: alice@example.org\n"
              b"Subject: Undeliverable mail\n\n"
              b"Delivery to the following recipient failed permanently:\n\n"
              b"    'bob@example.com'\n\nReason: 550 5.1.1 Mailbox does not exist\n")
    assert summary(notice) == [("bob@example.com", "userunknown")]
    assert address_in("`carol@example.com`") == "carol@example.com"
    assert address_in("'@example.com") == ""


# --- addresses in help text or quoted headers -----------------------------------------

def test_help_text_and_quoted_sender_headers_name_no_recipient() -> None:
    notice = (b"From: Mail Delivery System <MAILER-DAEMON@relay.example.net>\n"
              b"To: alice@example.org\nSubject: Mail delivery failed\n\n"
              b"Your message to carol@example.com could not be delivered.\n"
              b"The mailbox is full (552 5.2.2 quota exceeded).\n\n"
              b"If you need assistance, please contact helpdesk@example.net or write to\n"
              b"support@example.net. Questions? mailto:abuse@example.net\n\n"
              b"From: Alice <alice@example.org>\nReply-To: alice.private@example.org\n"
              b"Subject: lunch\n")
    assert summary(notice) == [("carol@example.com", "mailboxfull")]


def test_a_list_of_failed_addresses_after_a_colon_is_kept() -> None:
    notice = (b"From: postmaster@relay.example.net\nTo: alice@example.org\n"
              b"Subject: Delivery failure\n\n"
              b"Please contact your administrator if this persists. Failed recipients:\n"
              b"  bob@example.com: 550 5.1.1 user unknown\n"
              b"  carol@example.com: 552 5.2.2 mailbox full\n")
    assert summary(notice) == [("bob@example.com", "userunknown"),
                               ("carol@example.com", "mailboxfull")]


# --- the same address emitted many times ----------------------------------------------

def test_one_row_per_recipient_keeping_the_final_failure() -> None:
    # A report that lists a recipient once per attempt (a delay, then the failure) and
    # again in another case: one row, the failure.
    blocks = (b"Final-Recipient: rfc822; bob@example.com\nAction: delayed\nStatus: 4.4.1\n"
              b"Diagnostic-Code: smtp; 421 4.4.1 Connection timed out\n\n"
              b"Final-Recipient: rfc822; bob@example.com\nAction: failed\nStatus: 5.1.1\n"
              b"Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>: User unknown\n\n"
              b"Final-Recipient: rfc822; BOB@example.com\nAction: failed\nStatus: 5.1.1\n\n"
              b"Final-Recipient: rfc822; carol@example.com\nAction: failed\nStatus: 5.2.2\n"
              b"Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\n")
    start = POSTFIX_DSN.index(b"Final-Recipient")
    end = POSTFIX_DSN.index(b"\n--b1\nContent-Type: text/rfc822-headers")
    mail = POSTFIX_DSN[:start] + blocks + POSTFIX_DSN[end:]
    found = rows(mail)
    assert [(r.recipient, r.reason, r.status) for r in found] == [
        ("bob@example.com", "userunknown", "5.1.1"), ("carol@example.com", "mailboxfull", "5.2.2")]
    assert "User unknown" in found[0].diagnostic


# --- Sendmail: the remote reply, not Sendmail's own "User unknown" line -------------------
# Layout of Sendmail 8 returns (sendmail/savemail.c: "The following addresses had
# permanent fatal errors", "(reason: ...)", "Transcript of session follows").

SENDMAIL = b"""From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.net>
To: <alice@example.org>
Subject: Returned mail: see transcript for details
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="k1"
Auto-Submitted: auto-generated (failure)

This is a MIME-encapsulated message

--k1

The original message was received at Mon, 2 Mar 2026 10:00:00 +0000
from host.example.org [192.0.2.1]

   ----- The following addresses had permanent fatal errors -----
<bob@example.com>
    (reason: 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual alias table)

   ----- Transcript of session follows -----
550 5.1.1 <bob@example.com>... User unknown

--k1
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.net
Arrival-Date: Mon, 2 Mar 2026 10:00:00 +0000

Final-Recipient: RFC822; bob@example.com
Action: failed
Status: 5.1.1
Remote-MTA: DNS; mx.example.com
DIAGNOSTIC
Last-Attempt-Date: Mon, 2 Mar 2026 10:00:02 +0000

--k1--
"""
REMOTE = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual alias table"


def test_sendmail_keeps_the_remote_reply_from_the_address_list() -> None:
    for diagnostic in (b"", b"Diagnostic-Code: SMTP; 550 5.1.1 <bob@example.com>... User unknown"):
        found = rows(SENDMAIL.replace(b"DIAGNOSTIC", diagnostic))
        assert [(r.recipient, r.reason, r.diagnostic) for r in found] == [
            ("bob@example.com", "userunknown", REMOTE)], diagnostic


def test_sendmail_without_a_report_part_keeps_the_remote_reply() -> None:
    body = SENDMAIL.split(b"--k1\n\n", 1)[1].split(b"--k1\n", 1)[0]
    v5 = (b"From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.net>\n"
          b"To: <alice@example.org>\nSubject: Returned mail: User unknown\n\n" + body)
    assert [(r.recipient, r.diagnostic) for r in rows(v5)] == [("bob@example.com", REMOTE)]


def test_sendmail_own_summary_of_a_local_error_stays_its_own_line() -> None:
    # "(reason: 550 Host unknown)" only repeats Sendmail's own verdict: the fuller own
    # line is kept.
    local = SENDMAIL.replace(REMOTE.encode(), b"550 Host unknown").replace(
        b"550 5.1.1 <bob@example.com>... User unknown",
        b"550 5.1.2 <bob@example.com>... Host unknown (Name server: example.com: host not found)")
    found = rows(local.replace(b"DIAGNOSTIC", b""))
    assert found[0].diagnostic.startswith("550 5.1.2 <bob@example.com>... Host unknown (Name")


# --- X.400 and Exchange 5.5 addresses -------------------------------------------------
# Exchange 5.5 IMS reports name a recipient with no SMTP address by its X.400 O/R
# address (RFC 1327 / RFC 2156 attribute=value pairs) or its directory name.

EXCHANGE55 = b"""From: System Administrator <postmaster@example.com>
To: alice@example.org
Subject: Undeliverable: Quarterly figures
X-Mailer: Internet Mail Service (5.5.2653.19)
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-8859-1"

Your message

  To:      Smith, Bob; Jones, Carol; Dan
  Subject: Quarterly figures
  Sent:    Mon, 2 Mar 2026 10:00:00 +0000

did not reach the following recipient(s):

c=US;a= ;p=Example Org;o=Site1;s=Smith;g=Bob; on Mon, 2 Mar 2026 10:00:05 +0000
    The recipient name is not recognized
\tThe MTS-ID of the original message is: c=US;a= ;p=Example Org;l=SERVER1-060302100005Z-123
    MSEXCH:IMS:Example Org:Site1:SERVER1 0 (000C05A6) Unknown Recipient

/O=EXAMPLE ORG/OU=SITE1/CN=RECIPIENTS/CN=CJONES on Mon, 2 Mar 2026 10:00:05 +0000
    The recipient name is not recognized
    MSEXCH:IMS:Example Org:Site1:SERVER1 0 (000C05A6) Unknown Recipient

dan@example.com on Mon, 2 Mar 2026 10:00:05 +0000
    The recipient name is not recognized
    MSEXCH:IMS:Example Org:Site1:SERVER1 0 (000C05A6) Unknown Recipient
"""


def test_exchange55_reports_x400_and_directory_recipients_as_they_are() -> None:
    assert summary(EXCHANGE55) == [
        ("c=us;p=example org;o=site1;s=smith;g=bob", "userunknown"),
        ("/o=example org/ou=site1/cn=recipients/cn=cjones", "userunknown"),
        ("dan@example.com", "userunknown"),
    ]
    for row in rows(EXCHANGE55):
        assert "MTS-ID" not in row.diagnostic and "Unknown Recipient" in row.diagnostic


def test_a_dsn_naming_an_x400_recipient_is_decoded_without_a_made_up_address() -> None:
    for field, expected in (
            (b"x400; c=US;a= ;p=Example Org;o=Site1;s=Smith;g=Bob;",
             "c=us;p=example org;o=site1;s=smith;g=bob"),
            (b"rfc822; /O=EXAMPLE ORG/OU=SITE1/CN=RECIPIENTS/CN=BSMITH",
             "/o=example org/ou=site1/cn=recipients/cn=bsmith"),
            (b"x400; c=US;a= ;p=Example Org;o=Site1;RFC-822=bsmith(a)example.com;",
             "bsmith@example.com")):
        mail = POSTFIX_DSN.replace(b"Final-Recipient: rfc822; bob@example.com", b"Final-Recipient: "
                                   + field).replace(b"Original-Recipient: rfc822;bob@example.com\n", b"")
        mail = mail.replace(b"I'm sorry", b"Contact helpdesk@example.net. I'm sorry")
        assert summary(mail) == [(expected, "mailboxfull")], field


def test_things_that_only_look_like_x400_are_no_recipient() -> None:
    from smtp_explain.decoding.mail import directory_address
    for text in ("c=US; nothing else", "a=b;c=d", "Status: 5.1.1",
                 "The MTS-ID of the original message is: c=US;a= ;p=Org;l=SRV-0603Z-1"):
        assert directory_address(text) == "", text


# --- AOL's old "Mail Delivery Problem" notices -----------------------------------------
# Layout as AOL's help pages describe it: recipients listed under one sentence, bare
# screen names standing for screenname@aol.com.

AOL = b"""Return-Path: <>
From: Mail Delivery Subsystem <MAILER-DAEMON@aol.com>
To: alice@example.org
Subject: Mail Delivery Problem
Date: Tue, 14 Jul 1998 20:48:05 -0400 (EDT)

Your mail to the following recipients could not be delivered because they are not accepting mail from alice@example.org:
\tBob Smith123
\tcarolsn

"""
AOL_LISTED = b"""From: Mail Delivery Subsystem <MAILER-DAEMON@aol.com>
To: alice@example.org
Subject: Mail Delivery Problem
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="aolb"

--aolb
Content-Type: text/plain

Your mail to the following recipients could not be delivered:
\tdansn@aol.com   (Mailbox is full)
\teve42 : unknown screen name

--aolb
Content-Type: message/rfc822

From: alice@example.org
To: dansn@aol.com, eve42@aol.com
Subject: picnic

Saturday?
--aolb--
"""


def test_aol_screen_names_become_aol_addresses_with_the_cause() -> None:
    found = rows(AOL)
    assert [r.recipient for r in found] == ["bobsmith123@aol.com", "carolsn@aol.com"]
    assert {r.decoded_by for r in found} == {"aol"}
    for row in found:
        assert row.diagnostic.endswith("not accepting mail from alice@example.org")
        assert row.action == "failed"


def test_aol_per_recipient_words_go_with_each_recipient() -> None:
    found = rows(AOL_LISTED)
    assert [(r.recipient, r.diagnostic.rpartition(": ")[2]) for r in found] == [
        ("dansn@aol.com", "Mailbox is full"), ("eve42@aol.com", "unknown screen name")]
    assert found[0].reason == "mailboxfull"


def test_a_listed_name_that_is_no_screen_name_is_not_made_an_address() -> None:
    odd = AOL.replace(b"\tcarolsn\n", b"\t1st-choice!\n")
    assert [r.recipient for r in rows(odd)] == ["bobsmith123@aol.com"]


# --- Hotmail complaint (JMRP) reports are feedback -------------------------------------
# JMRP reports (Microsoft's Junk Mail Reporting Program) come from staff@hotmail.com,
# "complaint about message from <IP>", the mail attached with X-HmXmrOriginalRecipient;
# newer ones are ARF (RFC 5965) reports with the same header in the attached copy.

JMRP = b"""From: staff@hotmail.com
To: fbl@example.org
Subject: complaint about message from 192.0.2.44
Date: Mon, 2 Mar 2026 10:00:00 -0800
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="jmrp1"

--jmrp1
Content-Type: message/rfc822
Content-Disposition: inline

X-HmXmrOriginalRecipient: <bob@hotmail.com>
Received: from mail.example.org ([192.0.2.44]) by mx.hotmail.com
From: News <news@example.org>
To: subscribers@example.org
Subject: Weekly news
Message-ID: <n1@example.org>

Hello reader.
--jmrp1--
"""


def test_a_jmrp_complaint_is_feedback_from_the_complaining_mailbox() -> None:
    found = rows(JMRP)
    assert [(r.recipient, r.reason, r.feedback_type, r.hard_bounce) for r in found] == [
        ("bob@hotmail.com", "feedback", "abuse", False)]


def test_a_jmrp_report_in_arf_names_the_complaining_mailbox() -> None:
    arf = JMRP.replace(b'multipart/mixed; boundary="jmrp1"',
                       b'multipart/report; report-type=feedback-report; boundary="jmrp1"')
    arf = arf.replace(b"--jmrp1\nContent-Type: message/rfc822",
                      b"--jmrp1\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
                      b"User-Agent: Hotmail FBL\nVersion: 0.1\nSource-IP: 192.0.2.44\n\n"
                      b"--jmrp1\nContent-Type: message/rfc822")
    assert summary(arf) == [("bob@hotmail.com", "feedback")]


def test_a_complaint_subject_alone_is_no_feedback_report() -> None:
    plain = JMRP.replace(b"X-HmXmrOriginalRecipient: <bob@hotmail.com>\n", b"")
    assert all(r.reason != "feedback" for r in rows(plain))


# --- challenge/response notices are held mail, not failed addresses --------------------

BLUEBOTTLE = b"""From: Bob <bob@bluebottle.com>
To: alice@example.org
Subject: Please confirm your message
Auto-Submitted: auto-replied
Date: Mon, 2 Mar 2026 10:00:00 +0000

Hi,

You just sent an email to my Bluebottle email account (bob@bluebottle.com).
To make sure I only receive mail from real people, please confirm your message
by clicking on the link below. Once confirmed, your message will be delivered
and you will not have to confirm again.

https://www.bluebottle.example/confirm?id=example

If you have questions, contact support@bluebottle.com.
"""
BOXBE = b"""From: Bob via Boxbe <notify@boxbe.com>
Reply-To: bob@example.com
To: alice@example.org
Subject: Request to join my guest list (Re: picnic)
Date: Mon, 2 Mar 2026 10:00:00 +0000

Hello alice@example.org,

Your message about "picnic" was waitlisted.

Please add yourself to my Guest List so your messages will be delivered to my
Inbox. Use the link below.

Thank you,
bob@example.com
"""


def test_challenge_notices_hold_the_mail_for_the_protected_address() -> None:
    for mail, protected in ((BLUEBOTTLE, "bob@bluebottle.com"), (BOXBE, "bob@example.com")):
        found = rows(mail)
        assert [(r.recipient, r.reason, r.action, r.hard_bounce, r.decoded_by)
                for r in found] == [(protected, "onhold", "delayed", False, "challenge")]
        assert found[0].status.startswith("4.")


def test_a_vacation_reply_is_still_a_vacation_reply() -> None:
    away = (b"From: Bob <bob@example.com>\nTo: alice@example.org\nSubject: Out of office\n"
            b"Auto-Submitted: auto-replied\n\nI am away until Monday; please write to "
            b"carol@example.com for anything urgent.\n")
    assert summary(away) == [("bob@example.com", "vacation")]


def test_an_mbox_saved_with_blank_lines_on_top_is_split_into_its_mails() -> None:
    from smtp_explain import decode
    second = POSTFIX_DSN.replace(b"bob@example.com", b"carol@example.com")
    mbox = (b"\n \n" + b"From MAILER-DAEMON Mon Mar  2 10:00:00 2026\n" + POSTFIX_DSN
            + b"\nFrom MAILER-DAEMON Mon Mar  2 10:00:01 2026\n" + second)
    assert [(r.recipient, r.mail_index) for r in decode(mbox)] == [
        ("bob@example.com", 1), ("carol@example.com", 2)]


# --- a reply code after a prefix --------------------------------------------------------
# Postfix words a greeting refusal "host X[IP] refused to talk to me: 554 ..." (smtp(8)).

def test_a_reply_code_after_a_prefix_is_read() -> None:
    for diagnostic, code in (
            (b"X-Postfix; host mx.example.com[192.0.2.9] refused to talk to me: 554 "
             b"mx.example.com ESMTP not accepting messages", "554"),
            (b"smtp; host mx.example.com[192.0.2.9] refused to talk to me: 421-mx.example.com "
             b"busy\n    421 try again later", "421")):
        mail = POSTFIX_DSN.replace(
            b"smtp; 552 5.2.2 <bob@example.com>: Mailbox full, quota exceeded", diagnostic
        ).replace(b"Status: 5.2.2", b"Status: 5.0.0" if code == "554" else b"Status: 4.0.0")
        found = rows(mail)
        assert [(r.recipient, r.reply_code) for r in found] == [("bob@example.com", code)]
        assert found[0].smtp_command == "CONN"


def test_a_recipient_named_like_a_help_desk_is_still_a_recipient() -> None:
    notice = (b"From: postmaster@relay.example.net\nTo: alice@example.org\n"
              b"Subject: Delivery failure\n\n"
              b"Your message to the Support team (support@example.com) could not be delivered:\n"
              b"550 5.1.1 mailbox unavailable\n\n"
              b"For assistance, write to helpdesk@relay.example.net.\n")
    assert [r.recipient for r in rows(notice)] == ["support@example.com"]


def test_a_bounce_attached_as_an_eml_file_is_decoded() -> None:
    import base64
    mail = (b"From: Alice <alice@example.org>\nTo: helpdesk@example.org\nSubject: bounced?\n"
            b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"outer\"\n\n"
            b"--outer\nContent-Type: text/plain\n\nSee the attached file.\n\n"
            b"--outer\nContent-Type: application/octet-stream; name=\"Undeliverable.eml\"\n"
            b"Content-Disposition: attachment; filename=\"Undeliverable.eml\"\n"
            b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(POSTFIX_DSN)
            + b"\n--outer--\n")
    assert summary(mail) == [("bob@example.com", "mailboxfull")]
    not_mail = mail.replace(b"Undeliverable.eml", b"Undeliverable.pdf")
    assert all(r.recipient != "bob@example.com" for r in rows(not_mail))


def test_a_plain_bounce_attaching_a_list_mail_is_not_unwrapped() -> None:
    # Exchange 5.5-style report from an administrator's address; the original that
    # bounced came from a list's "bounces@" sender, which looks like a daemon.
    original = (b"From: Weekly list <bounces@lists.example.org>\nTo: dan@example.com\n"
                b"Subject: Weekly digest\n\nHello.\n")
    report = EXCHANGE55.replace(b"Content-Type: text/plain; charset=\"iso-8859-1\"",
                                b"Content-Type: multipart/mixed; boundary=\"x\"")
    head, _, body = report.partition(b"\n\n")
    mail = (head + b"\n\n--x\nContent-Type: text/plain\n\n" + body
            + b"\n--x\nContent-Type: message/rfc822\n\n" + original + b"\n--x--\n")
    assert [r.recipient for r in rows(mail)][-1] == "dan@example.com"
    assert len(rows(mail)) == 3
