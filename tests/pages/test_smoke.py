"""Every page renders for every role without exception."""

import pytest

from core.kernel.access import PAGE_ROLES
from tests.pages.conftest import texts
from ui.nav import PAGES

USERS = {"participant": "camille", "coordinator": "coord", "admin": "admin"}


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.page_id)
@pytest.mark.parametrize("role", list(USERS))
def test_every_page_renders_for_every_role_that_may_open_it(open_app, spec, role):
    if not any(
        r == role or (r == "coordinator" and role == "admin") for r in PAGE_ROLES[spec.page_id]
    ):
        pytest.skip("page not available to this role")
    at = open_app(USERS[role], page=f"pages/{spec.file}")
    assert not at.exception
    assert "not available to your role" not in texts(at)
