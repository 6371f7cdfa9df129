"""Inviting people to enrol (coordinators): the enrolment link, a ready-to-send invitation,
and a printable one-page poster with a QR code to the link.

The link is ``<TANDEM_BASE_URL>/enrol?programme=<id>``; both texts are written in the
coordinator's language.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import qrcode
from fpdf import FPDF
from sqlalchemy.orm import Session, sessionmaker

from core.accounts.invitations import base_url
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.i18n import N_, format_date, t
from core.kernel.text import clean_text
from core.kernel.tx import reading
from core.programmes.options import FORMATS, RELATIONSHIP_TYPES
from core.programmes.programmes import programme_or_404

MAX_PITCH = 500


# A Unicode TrueType font for the poster (names have accents and dashes); the
# PDF core fonts only know Latin-1. TANDEM_PDF_FONT points to another one.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)


def enrolment_link(programme_id: int) -> str:
    """Where a person enrols in the programme (the invitation's and the poster's link)."""
    return f"{base_url()}/enrol?programme={int(programme_id)}"


@dataclass(frozen=True)
class _Facts:
    programme_id: int
    name: str
    description: str
    format: str
    relationship_type: str
    cadence_days: int
    session_minutes: int
    start_date: dt.date | None
    end_date: dt.date | None
    opens: dt.date | None
    closes: dt.date | None
    support_contact: str
    status: str


def _facts(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> _Facts:
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        p = programme_or_404(s, programme_id)
        return _Facts(
            p.id,
            p.name,
            p.description or "",
            p.format,
            p.relationship_type,
            p.cadence_days,
            p.session_minutes,
            p.start_date,
            p.end_date,
            p.enrolment_opens,
            p.enrolment_closes,
            p.support_contact or "",
            p.status,
        )


# "every two weeks" reads better inside a sentence than the adjective "fortnightly".
CADENCE_PHRASES: dict[int, str] = {
    7: N_("every week"),
    14: N_("every two weeks"),
    30: N_("every month"),
}


def _rhythm(f: _Facts) -> str:
    cadence = CADENCE_PHRASES.get(f.cadence_days)
    return t(
        "{format}: {minutes}-minute meetings {cadence}.",
        format=t(FORMATS.get(f.format, f.format)),
        cadence=t(cadence) if cadence else t("every {n} days", n=f.cadence_days),
        minutes=f.session_minutes,
    )


def _when(f: _Facts) -> str:
    if f.start_date and f.end_date:
        return t(
            "From {start} to {end}.", start=format_date(f.start_date), end=format_date(f.end_date)
        )
    return ""


def _window(f: _Facts) -> str:
    if f.opens and f.closes:
        return t(
            "Enrolment is open from {opens} to {closes}.",
            opens=format_date(f.opens),
            closes=format_date(f.closes),
        )
    return ""


def invitation_text(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> str:
    """A ready-to-send invitation with the enrolment link, in the viewer's language."""
    f = _facts(sf, viewer, programme_id)
    parts = [
        t("Join {name}", name=f.name),
        f.description,
        "\n".join(
            x
            for x in (
                t(RELATIONSHIP_TYPES.get(f.relationship_type, f.relationship_type)) + ".",
                _when(f),
                _rhythm(f),
                _window(f),
            )
            if x
        ),
        t("Sign up here: {link}", link=enrolment_link(f.programme_id)),
    ]
    if f.support_contact:
        parts.append(t("Questions? Contact {contact}.", contact=f.support_contact))
    return "\n\n".join(p for p in parts if p.strip())


# --------------------------------------------------------------------------- poster


def _font_path() -> Path | None:
    configured = os.environ.get("TANDEM_PDF_FONT")
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


class _Poster(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(20, 20, 20)
        font = _font_path()
        self.bold = ""
        if font is not None:
            self.add_font("Poster", "", str(font))
            bold = font.with_name(font.stem + "-Bold" + font.suffix)
            if bold.is_file():
                self.add_font("Poster", "B", str(bold))
                self.bold = "B"
            self.family = "Poster"
            self.unicode = True
        else:  # no TrueType font found: Helvetica, text reduced to Latin-1
            self.family = "Helvetica"
            self.bold = "B"
            self.unicode = False

    def text_of(self, value: str) -> str:
        if self.unicode:
            return value
        value = value.replace("—", "-").replace("–", "-").replace("→", "->")
        value = value.replace("’", "'").replace("“", '"').replace("”", '"')
        return value.encode("latin-1", "replace").decode("latin-1")

    def block(
        self, value: str, size: float, *, height: float, colour: int = 30, bold: bool = False
    ) -> None:
        self.set_font(self.family, style=self.bold if bold else "", size=size)
        self.set_text_color(colour)
        self.multi_cell(0, height, self.text_of(value), align="C", new_x="LMARGIN", new_y="NEXT")


def _qr_image(link: str):  # type: ignore[no-untyped-def]
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2)
    qr.add_data(link)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").get_image()


def clean_pitch(pitch: str) -> str:
    """The poster's pitch as it will be printed, or InvalidInput with the reason."""
    return clean_text(pitch, t("Pitch"), max_chars=MAX_PITCH)


def poster_pdf(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, *, pitch: str = ""
) -> bytes:
    """A printable A4 poster: name, dates, a short pitch and a QR code to the enrolment link."""
    pitch = clean_pitch(pitch)
    f = _facts(sf, viewer, programme_id)
    if not pitch:
        pitch = (
            f.description
            if len(f.description) <= MAX_PITCH
            else f.description[: MAX_PITCH - 1] + "…"
        )
    link = enrolment_link(f.programme_id)
    pdf = _Poster()
    pdf.set_title(f.name)
    pdf.set_subject(t("Join {name}", name=f.name))
    pdf.set_creator("Tandem")
    pdf.add_page()
    pdf.set_fill_color(33, 97, 140)
    pdf.rect(0, 0, 210, 12, style="F")
    pdf.set_y(24)
    pdf.block(t("Peer mentoring at work"), 14, height=8, colour=90)
    pdf.ln(2)
    pdf.block(f.name, 26, height=12, colour=20, bold=True)
    pdf.ln(3)
    for line in (_when(f), _rhythm(f)):
        if line:
            pdf.block(line, 13, height=7, colour=60)
    if pitch:
        pdf.ln(6)
        pdf.block(pitch, 14, height=7.5, colour=30)
    # The QR code sits in the lower half whatever the text above takes.
    size = 70.0
    top = min(max(pdf.get_y() + 14, 110.0), 297 - 20 - size - 34)
    pdf.image(_qr_image(link), x=(210 - size) / 2, y=top, w=size, h=size, link=link)
    pdf.set_y(top + size + 3)
    pdf.block(t("Scan to sign up"), 15, height=8, colour=20, bold=True)
    pdf.block(link, 10, height=6, colour=80)
    window = _window(f)
    if window:
        pdf.block(window, 12, height=7, colour=60)
    if f.support_contact:
        pdf.block(
            t("Questions? Contact {contact}.", contact=f.support_contact), 10, height=6, colour=90
        )
    pdf.set_fill_color(33, 97, 140)
    pdf.rect(0, 285, 210, 12, style="F")
    return bytes(pdf.output())
