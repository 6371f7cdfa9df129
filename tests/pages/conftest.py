"""AppTest fixtures: the real app (Home.py router) on a fresh copy of the seeded demo."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.kernel import clock
from core.kernel.store import open_store
from demo import company as demo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = open_store(f"sqlite:///{path}")
    demo.seed_demo(store.sf)
    # Closing the last connection checkpoints the WAL into the file, so a copy is whole.
    store.engine.dispose()
    return path


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh copy of the demo database, selected through DATABASE_URL like in production."""
    path = tmp_path / "tandem.db"
    shutil.copy(demo_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TANDEM_DEMO", "1")
    monkeypatch.setenv("TANDEM_STATE_DIR", str(tmp_path / "state"))
    return url


@pytest.fixture
def demo_store(demo_url: str):  # type: ignore[no-untyped-def]
    """The store behind the app under test, for arranging data and checking results."""
    store = open_store(demo_url, migrate=False)
    yield store
    store.engine.dispose()


def sign_in_as(at: AppTest, username: str) -> None:
    """Mark the AppTest session signed in (what a successful login leaves behind)."""
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["logout"] = None
    at.session_state["tandem_issued_at"] = clock.now()


@pytest.fixture
def open_app(demo_url: str) -> Callable[..., AppTest]:
    """open_app("camille", page="pages/profile.py") → a run AppTest, signed in (or not)."""

    def _open(
        username: str | None = None, page: str | None = None, lang: str | None = None
    ) -> AppTest:
        at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=30)
        if lang:
            at.session_state["tandem_lang"] = lang
        if username:
            sign_in_as(at, username)
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return _open


def document_language(at: AppTest) -> set[str]:
    """The languages the run tells the browser page (<html lang>), through ui.locale's script."""
    bodies = [h.proto.body for h in at.get("html") if "documentElement.lang" in h.proto.body]
    return {m.group(1) for body in bodies if (m := re.search(r'lang = "(\w+)"', body))}


def texts(at: AppTest) -> str:
    """Everything the page shows as text, for assertions."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "success",
        "error",
        "warning",
        "text",
    ):
        parts.extend(str(getattr(el, "value", "")) for el in getattr(at, kind))
    parts.extend(str(m.label) + " " + str(m.value) for m in at.metric)
    return "\n".join(parts)


def dashboard_sections(at: AppTest) -> Iterator[str]:
    """Open each section of the dashboard in turn (ui.dashboard.sections), yielding its code;
    the AppTest then shows that section, as a coordinator clicking through them would see."""
    from ui.dashboard.sections import SECTIONS

    for code in SECTIONS:
        at.segmented_control(key="dash_section").set_value(code).run()
        assert not at.exception, [e.value for e in at.exception]
        yield code


def dashboard_texts(at: AppTest) -> str:
    """Everything the dashboard shows as text, over all its sections."""
    return "\n".join(texts(at) for _ in dashboard_sections(at))
