"""Shared resources: every member sees them, the adder deletes, only http(s) links."""

import datetime as dt

import pytest

from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.relationship import lifecycle, peer_view, resources
from tests.builders import make_circle, make_participant

NOW = dt.datetime(2026, 3, 10, 9, 0)


@pytest.fixture
def circle(sf):
    clock.set_now(NOW)
    group = make_circle(sf, ("ann", "bob", "cyd"))
    return [*group, make_participant(sf, "out")], group.match_id


def test_every_member_sees_a_resource_and_only_the_adder_deletes_it(sf, circle):
    (ann, bob, cyd, _), m = circle
    book = resources.add_resource(
        sf, ann, m, kind="book", title="Radical Candor", note="Chapter 3 on feedback"
    )
    clock.advance(minutes=1)
    talk = resources.add_resource(
        sf, bob, m, kind="talk", title="The power of vulnerability", url="https://www.ted.com/x"
    )
    for viewer in (ann, bob, cyd):
        seen = peer_view.my_peer_page(sf, viewer, m).shared
        assert [r.title for r in seen] == ["The power of vulnerability", "Radical Candor"]
    assert [(r.added_by, r.added_by_me) for r in peer_view.my_peer_page(sf, ann, m).shared] == [
        ("Bob", False),
        ("Ann", True),
    ]
    with pytest.raises(NotAllowed, match="who added"):
        resources.delete_resource(sf, cyd, book.resource_id)
    resources.delete_resource(sf, ann, book.resource_id)
    with pytest.raises(NotFound, match="already removed"):
        resources.delete_resource(sf, ann, book.resource_id)
    assert [r.resource_id for r in peer_view.my_peer_page(sf, cyd, m).shared] == [talk.resource_id]


@pytest.mark.parametrize(
    ("kind", "url", "message"),
    [
        ("link", "javascript:alert(document.cookie)", "http:// or https://"),
        ("talk", "data:text/html,hi", "http:// or https://"),
        ("link", "", "needs its web address"),
        ("link", "https://exa mple.com", "not a valid web address"),
        ("party", "https://example.com", "Choose a kind"),
    ],
)
def test_unsafe_or_malformed_resources_are_refused_and_nothing_is_stored(
    sf, circle, kind, url, message
):
    (ann, *_), m = circle
    with pytest.raises(InvalidInput, match=message):
        resources.add_resource(sf, ann, m, kind=kind, title="T", url=url)
    assert peer_view.my_peer_page(sf, ann, m).shared == []


def test_a_title_is_required_and_text_is_stored_as_typed(sf, circle):
    (ann, *_), m = circle
    with pytest.raises(InvalidInput, match="Title"):
        resources.add_resource(sf, ann, m, kind="book", title="  ")
    r = resources.add_resource(sf, ann, m, kind="other", title="<script>x</script>", note="**b**")
    assert (r.title, r.note) == ("<script>x</script>", "**b**")


def test_adding_the_same_resource_twice_is_refused(sf, circle):
    (ann, bob, *_), m = circle
    resources.add_resource(sf, ann, m, kind="link", title="Guide", url="https://a.example")
    with pytest.raises(Conflict, match="already"):
        resources.add_resource(sf, bob, m, kind="link", title="guide", url="https://a.example")


def test_a_non_member_can_neither_read_add_nor_delete(sf, circle):
    (ann, _, _, out), m = circle
    r = resources.add_resource(sf, ann, m, kind="book", title="Book")
    with pytest.raises(NotAllowed):
        peer_view.my_peer_page(sf, out, m)
    with pytest.raises(NotAllowed):
        resources.add_resource(sf, out, m, kind="book", title="Mine")
    with pytest.raises(NotAllowed):
        resources.delete_resource(sf, out, r.resource_id)


def test_after_the_end_nobody_adds_resources(sf, circle):
    (ann, bob, *_), m = circle
    lifecycle.end_relationship(sf, bob, m)
    with pytest.raises(NotAllowed):
        resources.add_resource(sf, ann, m, kind="book", title="Late")
