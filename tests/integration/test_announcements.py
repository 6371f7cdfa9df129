"""Announcements, the invitation text and the poster PDF."""

import datetime as dt
import re
import zlib

import pytest

from core.insights import home
from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.programmes import announcements, outreach
from tests.builders import enrol, make_participant, make_programme, make_user


@pytest.fixture
def world(sf):
    clock.set_now(dt.datetime(2026, 11, 27, 9))
    coord = make_user(sf, "coord", ["coordinator"])
    zoe = make_participant(sf, "zoe")
    ana = make_participant(sf, "ana")
    with sf.begin() as s:
        p = make_programme(
            s,
            "Peer mentoring — Spring 2027",
            status="enrolment",
            description="Colleagues help each other grow.",
            enrolment_opens=dt.date(2026, 11, 20),
            enrolment_closes=dt.date(2026, 12, 10),
            support_contact="hr@example.com",
        )
        enrol(s, p, zoe.person_id)
    return coord, zoe, ana, p.id


def titles(sf, viewer):
    return [a.title for a in home.announcements_for(sf, viewer)]


def test_an_announcement_to_everyone_shows_on_everyones_home(sf, world):
    coord, zoe, ana, _ = world
    announcements.publish_announcement(
        sf, coord, title="Welcome", body="Hello all.", programme_id=None
    )
    assert titles(sf, zoe) == ["Welcome"] and titles(sf, ana) == ["Welcome"]


def test_an_announcement_to_a_programme_shows_only_to_its_participants(sf, world):
    coord, zoe, ana, pid = world
    row = announcements.publish_announcement(
        sf, coord, title="Enrolment closes soon", body="Three days left.", programme_id=pid
    )
    assert row.programme == "Peer mentoring — Spring 2027"
    assert titles(sf, zoe) == ["Enrolment closes soon"] and titles(sf, ana) == []


def test_unpublishing_hides_it_and_publishing_again_brings_it_back(sf, world):
    coord, zoe, _, _ = world
    row = announcements.publish_announcement(sf, coord, title="Hi", body="x", programme_id=None)
    announcements.set_published(sf, coord, row.announcement_id, False)
    announcements.set_published(sf, coord, row.announcement_id, False)  # twice: no change
    assert titles(sf, zoe) == []
    assert announcements.list_announcements(sf, coord)[0].published_at is None
    announcements.set_published(sf, coord, row.announcement_id, True)
    assert titles(sf, zoe) == ["Hi"]


def test_a_double_submit_publishes_once(sf, world):
    coord, zoe, _, _ = world
    announcements.publish_announcement(sf, coord, title="Hi", body="x", programme_id=None)
    with pytest.raises(Conflict, match="already published"):
        announcements.publish_announcement(sf, coord, title="Hi", body="x", programme_id=None)
    assert titles(sf, zoe) == ["Hi"]


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("", "x", "“Title” cannot be empty."),
        ("Hi", "   ", "“Message” cannot be empty."),
        ("x" * 50_000, "x", "“Title” is too long: 50,000 characters, at most 200."),
        ("Hi", "x" * 50_000, "“Message” is too long: 50,000 characters, at most 5,000."),
    ],
)
def test_bad_announcement_input_gets_a_precise_message(sf, world, title, body, message):
    coord, zoe, _, _ = world
    with pytest.raises(InvalidInput, match=message):
        announcements.publish_announcement(sf, coord, title=title, body=body, programme_id=None)
    assert titles(sf, zoe) == []


def test_html_is_stored_exactly_as_typed(sf, world):
    coord, zoe, _, _ = world
    html = "<script>alert(1)</script>"
    announcements.publish_announcement(sf, coord, title=html, body=html, programme_id=None)
    card = home.announcements_for(sf, zoe)[0]
    assert (card.title, card.body) == (html, html)


def test_participants_cannot_publish(sf, world):
    _, zoe, _, _ = world
    with pytest.raises(NotAllowed):
        announcements.publish_announcement(sf, zoe, title="Hi", body="x", programme_id=None)


def test_the_enrolment_link_uses_the_configured_address(monkeypatch):
    monkeypatch.delenv("TANDEM_BASE_URL", raising=False)
    assert outreach.enrolment_link(7) == "http://localhost:8501/enrol?programme=7"
    monkeypatch.setenv("TANDEM_BASE_URL", "https://tandem.example.com/")
    assert outreach.enrolment_link(7) == "https://tandem.example.com/enrol?programme=7"


def test_the_invitation_gives_the_programme_the_dates_and_the_link(sf, world, monkeypatch):
    monkeypatch.setenv("TANDEM_BASE_URL", "https://tandem.example.com")
    coord, _, _, pid = world
    text = outreach.invitation_text(sf, coord, pid)
    assert text.startswith("Join Peer mentoring — Spring 2027")
    assert "Enrolment is open from Nov 20, 2026 to Dec 10, 2026." in text
    assert f"Sign up here: https://tandem.example.com/enrol?programme={pid}" in text
    assert "Questions? Contact hr@example.com." in text


# --------------------------------------------------------------------------- the poster


def pdf_text(data: bytes) -> str:
    """The text a PDF shows, read through each font's ToUnicode map (fpdf2 writes glyph ids).

    Each string is decoded with every font's map: the right font gives the real text,
    the others give noise that no assertion matches.
    """
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            streams.append(raw)
    maps = []
    for s in streams:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", s, re.S):
            pairs = re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block)
            maps.append(
                {
                    bytes.fromhex(c.decode()): bytes.fromhex(u.decode()).decode("utf-16-be")
                    for c, u in pairs
                }
            )
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def unescape(m: re.Match) -> bytes:
        code = m.group(1)
        return bytes([int(code, 8)]) if code[:1].isdigit() else escapes.get(code, code)

    strings = [
        re.sub(rb"\\([nrtbf()\\]|[0-7]{1,3})", unescape, literal)
        for s in streams
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", s, re.S)
    ]
    if not maps:
        return "\n".join(raw.decode("latin-1") for raw in strings)
    return "\n".join(
        "".join(glyphs.get(raw[i : i + 2], "?") for i in range(0, len(raw), 2))
        for glyphs in maps
        for raw in strings
    )


def test_the_poster_is_a_one_page_pdf_with_the_name_dates_pitch_and_link(sf, world):
    coord, _, _, pid = world
    data = outreach.poster_pdf(sf, coord, pid, pitch="Grow with a colleague.")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    text = pdf_text(data)
    assert "Peer mentoring — Spring 2027" in text and "Autumn" not in text
    assert "Grow with a colleague." in text
    assert f"/enrol?programme={pid}" in text
    assert "Enrolment is open from Nov 20, 2026 to Dec 10, 2026." in text


def test_the_longest_name_and_pitch_still_fit_on_one_page(sf, world):
    coord, _, _, _ = world
    with sf.begin() as s:
        p = make_programme(s, "W" * 160, description="", support_contact="x" * 200)
    data = outreach.poster_pdf(sf, coord, p.id, pitch="Mmmm " * 100)
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1


def test_a_pitch_over_500_characters_gets_a_precise_message(sf, world):
    coord, _, _, pid = world
    with pytest.raises(InvalidInput, match="“Pitch” is too long: 501 characters, at most 500."):
        outreach.poster_pdf(sf, coord, pid, pitch="x" * 501)
