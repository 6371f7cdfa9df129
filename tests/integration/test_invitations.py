"""Invitations: hashed single-use tokens, expiry, replacement, and the account they create."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from core.accounts import invitation_csv, invitations
from core.accounts.auth import sign_in
from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from db.models import Account, AuditLog, Base, Invitation, Person
from tests.builders import make_account, make_person, make_user

PASSWORD = "a-long-enough-password"


@pytest.fixture
def coord(sf):
    return make_user(sf, "coord", ("coordinator",))


@pytest.fixture
def newcomer(sf) -> int:
    with sf.begin() as s:
        return make_person(s, "Nina Newcomer", email="nina@example.com", language="fr").id


def token_of(issued: invitations.IssuedInvitation) -> str:
    return invitations.token_from(issued.link)


def issue_one(sf, coord, person_id: int) -> str:
    (issued,) = invitations.issue_invitations(sf, coord, [person_id])
    return token_of(issued)


def test_the_raw_token_is_stored_nowhere_only_its_sha256(sf, coord, newcomer):
    token = issue_one(sf, coord, newcomer)
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    dump = []
    with sf.begin() as s:
        for table in Base.metadata.sorted_tables:
            dump.extend(repr(tuple(row)) for row in s.execute(select(table)))
        stored = s.scalars(select(Invitation.token_hash)).one()
    assert token not in "\n".join(dump)
    assert stored == invitations.digest(token)


def test_links_use_the_configured_base_url(sf, coord, newcomer, monkeypatch):
    monkeypatch.setenv("TANDEM_BASE_URL", "https://tandem.example.org/")
    clock.set_now(dt.datetime(2026, 3, 1, 10, 0))
    (issued,) = invitations.issue_invitations(sf, coord, [newcomer])
    assert issued.link.startswith("https://tandem.example.org/invite?token=")
    assert issued.expires_at == dt.datetime(2026, 3, 15, 10, 0)


def test_accepting_creates_a_participant_account_that_can_sign_in(sf, coord, newcomer):
    token = issue_one(sf, coord, newcomer)
    assert invitations.check_invitation(sf, token).name == "Nina Newcomer"
    accepted = invitations.accept_invitation(sf, token, " Nina ", PASSWORD, PASSWORD)
    assert accepted == invitations.Accepted("nina", "Nina Newcomer")
    signed = sign_in(sf, "nina", PASSWORD)
    assert signed is not None
    assert signed.viewer.roles == frozenset({"participant"})
    assert signed.viewer.language == "fr"  # from the person
    with sf.begin() as s:
        assert s.scalars(select(Invitation.used_at)).one() is not None
        line = s.scalars(select(AuditLog).where(AuditLog.action == "invitation_accepted")).one()
        assert (line.actor_username, line.target) == ("nina", "nina@example.com")


def test_a_used_token_is_refused_the_second_time(sf, coord, newcomer):
    token = issue_one(sf, coord, newcomer)
    invitations.accept_invitation(sf, token, "nina", PASSWORD, PASSWORD)
    with pytest.raises(Conflict) as e:
        invitations.accept_invitation(sf, token, "nina2", PASSWORD, PASSWORD)
    assert str(e.value) == (
        "This invitation link was already used. Sign in with the username you chose; if you forgot your password, ask an admin to reset it."
    )


def test_an_expired_token_says_when_it_expired(sf, coord, newcomer):
    clock.set_now(dt.datetime(2026, 3, 1, 10, 0))
    token = issue_one(sf, coord, newcomer)
    clock.set_now(dt.datetime(2026, 3, 15, 9, 59))
    assert invitations.check_invitation(sf, token).name == "Nina Newcomer"
    clock.set_now(dt.datetime(2026, 3, 15, 10, 0))
    with pytest.raises(InvalidInput) as e:
        invitations.accept_invitation(sf, token, "nina", PASSWORD, PASSWORD)
    assert str(e.value) == (
        "This invitation link expired on Mar 15, 2026. Ask your coordinator for a new one."
    )


def test_an_unknown_or_mangled_token_is_refused(sf, coord, newcomer):
    token = issue_one(sf, coord, newcomer)
    message = "This invitation link is not valid. Check that you copied the whole link, or ask your coordinator for a new one."
    for bad in ("", token[:-1], "x" * 500):
        with pytest.raises(InvalidInput) as e:
            invitations.check_invitation(sf, bad)
        assert str(e.value) == message


def test_reissuing_replaces_the_older_unused_link(sf, coord, newcomer):
    old = issue_one(sf, coord, newcomer)
    new = issue_one(sf, coord, newcomer)
    with pytest.raises(InvalidInput) as e:
        invitations.accept_invitation(sf, old, "nina", PASSWORD, PASSWORD)
    assert str(e.value) == (
        "This invitation link was replaced by a newer one. Use the most recent link you received."
    )
    assert invitations.accept_invitation(sf, new, "nina", PASSWORD, PASSWORD).username == "nina"


def test_a_person_who_already_has_an_account_is_told_to_sign_in(sf, coord, newcomer):
    token = issue_one(sf, coord, newcomer)
    with sf.begin() as s:
        make_account(s, "nina", person=s.get(Person, newcomer))
    with pytest.raises(Conflict) as e:
        invitations.check_invitation(sf, token)
    assert str(e.value) == (
        "You already have an account: sign in with it. If you forgot your password, ask an admin to reset it."
    )


def test_a_deactivated_person_cannot_use_their_link(sf, coord, newcomer):
    token = issue_one(sf, coord, newcomer)
    with sf.begin() as s:
        s.get(Person, newcomer).is_active = False
    with pytest.raises(NotAllowed):
        invitations.accept_invitation(sf, token, "nina", PASSWORD, PASSWORD)


def test_bad_choices_are_refused_and_leave_the_link_usable(sf, coord, newcomer):
    token = issue_one(sf, coord, newcomer)
    make_user(sf, "taken", ("participant",))
    with pytest.raises(InvalidInput, match="The two passwords differ."):
        invitations.accept_invitation(sf, token, "nina", PASSWORD, PASSWORD + "x")
    with pytest.raises(InvalidInput, match="too short"):
        invitations.accept_invitation(sf, token, "nina", "short", "short")
    with pytest.raises(InvalidInput, match="A username has 2 to 60 characters"):
        invitations.accept_invitation(sf, token, "N", PASSWORD, PASSWORD)
    with pytest.raises(Conflict, match="The username “taken” is already taken."):
        invitations.accept_invitation(sf, token, "taken", PASSWORD, PASSWORD)
    assert invitations.accept_invitation(sf, token, "nina", PASSWORD, PASSWORD).username == "nina"


def test_inviting_not_yet_invited_skips_people_with_an_account_or_a_valid_link(sf, coord):
    with sf.begin() as s:
        invited = make_person(s, "Ivy").id
        make_person(s, "Fresh")
        make_person(s, "Gone", is_active=False)
    issue_one(sf, coord, invited)
    issued = invitations.issue_invitations(sf, coord, invitations.NOT_YET_INVITED)
    assert [i.name for i in issued] == ["Fresh"]  # not Ivy, Gone, nor coord (has an account)
    assert invitations.issue_invitations(sf, coord, invitations.NOT_YET_INVITED) == []
    again = invitations.issue_invitations(sf, coord, invitations.ALL_WITHOUT_ACCOUNT)
    assert sorted(i.name for i in again) == ["Fresh", "Ivy"]
    with sf.begin() as s:
        states = [
            invitations.invitation_state(inv, clock.now()) for inv in s.scalars(select(Invitation))
        ]
    assert sorted(states) == ["pending", "pending", "replaced", "replaced"]


def test_an_expired_link_counts_as_not_yet_invited(sf, coord, newcomer):
    clock.set_now(dt.datetime(2026, 3, 1, 10, 0))
    issue_one(sf, coord, newcomer)
    clock.set_now(dt.datetime(2026, 4, 1, 10, 0))
    issued = invitations.issue_invitations(sf, coord, invitations.NOT_YET_INVITED)
    assert [i.person_id for i in issued] == [newcomer]


def test_only_coordinators_issue_invitations(sf, newcomer):
    camille = make_user(sf, "camille", ("participant",))
    with pytest.raises(NotAllowed):
        invitations.issue_invitations(sf, camille, [newcomer])


def test_the_links_csv_has_one_line_per_person_and_neutralises_formulas(sf, coord):
    with sf.begin() as s:
        pid = make_person(s, '=HYPERLINK("http://evil")', department="@Sales").id
    (issued,) = invitations.issue_invitations(sf, coord, [pid])
    rows = list(csv.reader(io.StringIO(invitation_csv.links_csv([issued]).decode("utf-8-sig"))))
    assert rows[0] == ["name", "email", "department", "link", "expires"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][2] == "'@Sales"
    assert rows[1][3] == issued.link


def test_a_pasted_link_or_bare_code_both_work(sf, coord, newcomer):
    (issued,) = invitations.issue_invitations(sf, coord, [newcomer])
    assert invitations.check_invitation(sf, "  " + issued.link + " ").name == "Nina Newcomer"
    assert invitations.check_invitation(sf, token_of(issued)).name == "Nina Newcomer"


def test_accepting_twice_in_a_row_creates_one_account(sf, coord, newcomer):
    token = issue_one(sf, coord, newcomer)
    invitations.accept_invitation(sf, token, "nina", PASSWORD, PASSWORD)
    with pytest.raises(Conflict):
        invitations.accept_invitation(sf, token, "nina", PASSWORD, PASSWORD)
    with sf.begin() as s:
        assert len(s.scalars(select(Account).where(Account.person_id == newcomer)).all()) == 1
