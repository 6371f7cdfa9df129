"""AppTest: goals and the reflection journal, driven as camille and hugo."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.kernel import clock
from db.models import ActionItem, Goal, GoalComment, JournalEntry, Person
from tests.pages.conftest import texts

GOALS, JOURNAL = "pages/goals.py", "pages/journal.py"


def _person_id(store, name: str) -> int:
    with store.sf.begin() as s:
        return s.scalar(select(Person.id).where(Person.full_name == name))


def _draft(store, author_id: int) -> JournalEntry | None:
    with store.sf.begin() as s:
        return s.scalars(
            select(JournalEntry).where(
                JournalEntry.author_id == author_id, JournalEntry.status == "draft"
            )
        ).first()


def test_camille_resumes_her_draft_and_each_answer_is_saved_when_she_leaves_the_field(
    open_app, demo_store
):
    camille = _person_id(demo_store, "Camille Martin")
    at = open_app("camille", page=JOURNAL)
    assert at.text_area(key="journal_discussed").value == "Rehearsal of the first five minutes."
    at.text_area(key="journal_learned").input("Pause <b>before</b> answering").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _draft(demo_store, camille).learned == "Pause <b>before</b> answering"
    assert "Brouillon enregistré à" in texts(at)  # camille reads Tandem in French


def test_the_resumed_draft_is_sent_to_the_browser_on_every_run_until_she_changes_it(
    open_app, demo_store
):
    # Chromium, 2026-12-06: a run that set the answers once, cut short by the sign-in
    # cookie's late rerun, left empty fields in the browser, whose next run sent them
    # back empty: her draft's text was saved over with nothing. Every run now tells the
    # browser the answers again, until she changes one.
    camille = _person_id(demo_store, "Camille Martin")
    at = open_app("camille", page=JOURNAL)
    at.run()  # a rerun she did not ask for
    discussed = at.text_area(key="journal_discussed")
    assert discussed.proto.set_value and discussed.proto.value == (
        "Rehearsal of the first five minutes."
    )
    at.text_area(key="journal_learned").input("Pause before answering").run()
    assert at.text_area(key="journal_discussed").proto.set_value  # still as resumed
    assert not at.text_area(key="journal_learned").proto.set_value  # hers: left alone
    assert at.text_area(key="journal_learned").value == "Pause before answering"
    assert _draft(demo_store, camille).discussed == "Rehearsal of the first five minutes."


def test_a_free_standing_draft_resumes_free_standing(open_app, demo_store):
    camille = _person_id(demo_store, "Camille Martin")
    with demo_store.sf.begin() as s:
        s.get(JournalEntry, _draft(demo_store, camille).id).meeting_id = None
    at = open_app("camille", page=JOURNAL)
    assert at.selectbox(key="journal_meeting").value is None
    at.run()
    assert at.selectbox(key="journal_meeting").value is None


def test_camille_writes_a_reflection_with_an_action_item_finalises_and_shares_it(
    open_app, demo_store
):
    camille = _person_id(demo_store, "Camille Martin")
    hugo = _person_id(demo_store, "Hugo Bernard")
    at = open_app("camille", page=JOURNAL)
    at.button(key="journal_discard").click().run()  # start from a blank reflection
    assert at.text_area(key="journal_discussed").value == ""
    meeting = at.selectbox(key="journal_meeting").options[0]
    at.selectbox(key="journal_meeting").select_index(0).run()
    at.text_area(key="journal_discussed").input("Slides for the **quarterly** review").run()
    assert "Brouillon enregistré à" in texts(at)
    at.text_input(key="journal_action_title").input("Send Camille the SQL cheat sheet")
    at.selectbox(key="journal_action_owner").set_value(hugo)
    at.date_input(key="journal_action_due").set_value(clock.today() + dt.timedelta(days=4))
    at.button(key="journal_action_add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="journal_finalise").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success and "Réflexion enregistrée" in at.success[0].value
    assert at.text_area(key="journal_discussed").value == ""  # ready for the next one
    at.run()  # another rerun (a field's blur, a component's) keeps the offer to share
    assert at.success and "Réflexion enregistrée" in at.success[0].value
    at.button(key="journal_share_now").click().run()
    assert "journal_share_now" not in [b.key for b in at.button]  # shared: offered no more
    with demo_store.sf.begin() as s:
        # Private text is encrypted at rest: found in Python, not with SQL's "=" (exactly one).
        [entry] = [
            e
            for e in s.scalars(select(JournalEntry))
            if e.discussed == "Slides for the **quarterly** review"
        ]
        assert (entry.status, entry.shared, entry.author_id) == ("final", True, camille)
        assert entry.meeting_id is not None and meeting
        item = s.scalars(select(ActionItem).where(ActionItem.journal_entry_id == entry.id)).one()
        assert (item.owner_id, item.title) == (hugo, "Send Camille the SQL cheat sheet")
    # Hugo sees the shared entry, his action item, but never a private entry or a draft.
    hugo_at = open_app("hugo", page=JOURNAL)
    shown = texts(hugo_at)
    # Shown literally, as plain text: no Markdown, no links.
    assert "Slides for the **quarterly** review" in [el.value for el in hugo_at.text]
    assert "Start from the decision the audience has to make" in shown  # demo, shared
    assert "The budget slide of my review deck" not in shown  # demo, private
    assert "The opening story worked" not in shown  # demo, draft
    labels = [c.label for c in hugo_at.checkbox]
    assert any("Send Camille the SQL cheat sheet" in label for label in labels)


def test_an_empty_reflection_cannot_be_saved_and_says_why(open_app):
    at = open_app("hugo", page=JOURNAL)
    at.button(key="journal_finalise").click().run()
    assert not at.exception
    assert at.error and "Answer at least one prompt" in at.error[0].value


def test_a_too_long_answer_is_refused_with_a_message_and_stays_in_the_field(open_app, demo_store):
    hugo = _person_id(demo_store, "Hugo Bernard")
    at = open_app("hugo", page=JOURNAL)
    long_text = "x" * 5001
    at.text_area(key="journal_next_step").input(long_text).run()
    assert not at.exception
    assert at.error and "at most 5,000" in at.error[0].value
    assert at.text_area(key="journal_next_step").value == long_text
    draft = _draft(demo_store, hugo)
    assert draft is None or draft.next_step == ""


def test_camille_adds_a_goal_with_two_steps_ticks_one_and_shares_it(open_app, demo_store):
    camille = _person_id(demo_store, "Camille Martin")
    at = open_app("camille", page=GOALS)
    at.text_input(key="goal_new_title").input("Run the team retro <i>myself</i>")
    at.text_area(key="goal_new_outcome").input("Two retros run without help")
    at.selectbox(key="goal_new_category").set_value("career")
    at.text_area(key="goal_new_steps").input("Watch Hugo run one\nRun one with Hugo watching")
    at.button(key="FormSubmitter:goal_new_form-Ajouter l’objectif").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success and "Objectif ajouté" in at.success[0].value
    with demo_store.sf.begin() as s:
        [goal] = [  # titles are encrypted at rest: found in Python (exactly one)
            g for g in s.scalars(select(Goal)) if g.title == "Run the team retro <i>myself</i>"
        ]
        assert (goal.owner_id, goal.visibility, goal.category) == (camille, "private", "career")
        steps = [st.id for st in goal.steps]
    assert len(steps) == 2

    def half_done() -> int:
        return sum(1 for p in at.get("progress") if p.proto.value == 50)

    before = half_done()
    at.checkbox(key=f"step_done_{steps[0]}").check().run()
    assert not at.exception
    assert half_done() == before + 1  # one of its two steps done: 50 %
    with demo_store.sf.begin() as s:
        assert s.get(Goal, goal.id).steps[0].done_at is not None
    at.toggle(key=f"goal_share_{goal.id}").set_value(True).run()
    assert not at.exception
    hugo_at = open_app("hugo", page=GOALS)
    assert "Run the team retro <i>myself</i>" in texts(hugo_at).replace("\\", "")
    hugo_at.text_area(key=f"goal_comment_{goal.id}").input("I can watch the next one")
    hugo_at.button(key=f"goal_comment_post_{goal.id}").click().run()
    assert not hugo_at.exception
    with demo_store.sf.begin() as s:
        assert s.scalars(select(GoalComment.body).where(GoalComment.goal_id == goal.id)).all() == [
            "I can watch the next one"
        ]


def test_hugo_never_sees_camilles_private_goals(open_app):
    at = open_app("hugo", page=GOALS)
    shown = texts(at)
    assert "Present our campaign results at the quarterly review" in shown  # shared
    assert "Write my own SQL" not in shown and "focus mornings" not in shown  # private


def test_a_goal_without_a_title_is_refused_and_what_was_typed_stays(open_app):
    at = open_app("hugo", page=GOALS)
    at.text_area(key="goal_new_outcome").input("Something measurable")
    at.button(key="FormSubmitter:goal_new_form-Add the goal").click().run()
    assert not at.exception
    assert at.error and "“Goal” cannot be empty." in at.error[0].value
    assert at.text_area(key="goal_new_outcome").value == "Something measurable"


def test_home_shows_open_action_items_and_goal_progress(open_app):
    at = open_app("hugo")
    shown = texts(at)
    assert "My open action items" in shown
    assert "Share the SQL course link with Camille" in shown  # owned, from a private entry
    assert "Give clear, kind feedback in code reviews" in " ".join(
        p.proto.text for p in at.get("progress")
    )


def test_older_reflections_are_asked_for_under_the_tab_that_lists_them(open_app, demo_store):
    """Five reflections a tab; the tab says how many in all, and "Show older reflections"
    stands under the list it lengthens (not under the new reflection's form)."""
    from core.growth import journal
    from tests.builders import viewer_named

    hugo = viewer_named(demo_store.sf, "hugo")
    before = journal.my_entries(demo_store.sf, hugo).total
    for i in range(journal.PAGE_SIZE + 2):
        journal.finalise(demo_store.sf, hugo, None, {"discussed": f"Paging {i}"})
        clock.advance(minutes=1)
    at = open_app("hugo", page=JOURNAL)
    new, mine, theirs, _ = at.tabs
    total = before + journal.PAGE_SIZE + 2
    assert mine.label == f"My reflections ({total})"
    assert "journal_more" not in [b.key for b in new.button]
    assert [b.key for b in mine.button] == ["journal_more"]
    assert len(mine.expander) == journal.PAGE_SIZE
    mine.button(key="journal_more").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.tabs[1].expander) == min(total, 2 * journal.PAGE_SIZE)
