"""An outbox row (or a person's day of them) as the e-mail that is sent.

Plain text in the recipient's language: what the source wrote, the link into Tandem, and
a footer with the one-click unsubscribe link for that kind (also in the List-Unsubscribe
header) and where to change every choice. The footer and the digest add no private text:
only the subjects and links the sources wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid

from core.accounts.invitations import base_url
from core.kernel.i18n import speaking, t, tn
from core.notify.message import Kind
from core.notify.prefs import LABELS, unsubscribe_url
from core.notify.smtp import SmtpSettings
from db.models import Notification

PROFILE_PATH = "profile"


def link(path: str) -> str:
    return f"{base_url()}/{path.lstrip('/')}" if path else base_url()


def _message(
    config: SmtpSettings, to: str, subject: str, text: str, unsubscribe: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.set_content(text)
    return message


def _footer(unsubscribe: str, kind_label: str) -> str:
    return "\n".join(
        [
            "",
            "-- ",
            t("Tandem, your peer-mentoring programme."),
            t("Stop e-mails about “{what}”: {url}", what=kind_label, url=unsubscribe),
            t("Choose what you receive, and when: {url}", url=link(PROFILE_PATH)),
        ]
    )


def single(row: Notification, config: SmtpSettings) -> EmailMessage:
    kind = Kind(row.kind)
    unsubscribe = unsubscribe_url(row.person_id, kind)
    with speaking(row.locale):
        text = (
            "\n".join([row.body.rstrip(), "", t("Open Tandem: {url}", url=link(row.path))])
            + "\n"
            + _footer(unsubscribe, t(LABELS[kind]))
        )
        message = _message(config, row.to_address, row.subject, text, unsubscribe)
    if row.attachment is not None and row.attachment_name:
        maintype, _, subtype = (row.attachment_type or "application/octet-stream").partition("/")
        message.add_attachment(
            row.attachment, maintype=maintype, subtype=subtype, filename=row.attachment_name
        )
    return message


def digest(rows: Sequence[Notification], config: SmtpSettings) -> EmailMessage:
    """One person's daily items in one e-mail: the subjects, each with its link."""
    first = rows[0]
    kinds = sorted({Kind(r.kind) for r in rows})
    unsubscribe = unsubscribe_url(first.person_id, kinds[0])
    with speaking(first.locale):
        lines = [
            tn(
                "One thing waits for you in Tandem:",
                "{n} things wait for you in Tandem:",
                len(rows),
            ),
            "",
        ]
        for row in rows:
            lines += [f"• {row.subject}", f"  {link(row.path)}", ""]
        text = (
            "\n".join(lines)
            + "\n"
            + "\n".join(
                [
                    "-- ",
                    t("Tandem, your peer-mentoring programme."),
                    t(
                        "You receive this summary once a day. Choose what you receive, and when: {url}",
                        url=link(PROFILE_PATH),
                    ),
                ]
            )
        )
        subject = tn(
            "Tandem: your daily summary (one item)",
            "Tandem: your daily summary ({n} items)",
            len(rows),
        )
        return _message(config, first.to_address, subject, text, unsubscribe)
