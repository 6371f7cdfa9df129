"""ui.auth.decode_cookie: every cookie that does not verify is None, never an exception."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.kernel import config
from ui.auth import decode_cookie

KEY = "Qm7vR2xK9pL4wN8tZ3cF6hJ1dS5gB0yAeU"
NOW = 1_800_000_000.0
LIFETIME = config.COOKIE_EXPIRY_DAYS * 86400


def token(payload: dict, key: str = KEY, algorithm: str = "HS256") -> str:
    return jwt.encode(payload, key, algorithm=algorithm)


def b64(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_cookie_we_issued_gives_its_username_and_issue_time():
    claims = decode_cookie(token({"username": "hugo", "exp_date": NOW + LIFETIME}), KEY, NOW)
    assert claims is not None
    assert claims.username == "hugo"
    assert claims.issued_at == dt.datetime.fromtimestamp(NOW, dt.UTC).replace(tzinfo=None)


GOOD = {"username": "admin", "exp_date": NOW + 3600}


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(GOOD)}.", id="alg none"),
        pytest.param(f"{b64({'alg': 'None'})}.{b64(GOOD)}.", id="alg None"),
        pytest.param(token(GOOD, key="Zp4nW8qL2xR6vK9mT3jC7hF1dG5sB0yNeA"), id="wrong key"),
        pytest.param(token(GOOD, key=KEY * 2, algorithm="HS512"), id="another algorithm"),
        pytest.param(token({**GOOD, "exp_date": NOW - 1}), id="expired"),
        # PyJWT checks an "exp" claim against the real clock (ours carry none).
        pytest.param(token({**GOOD, "exp": int(time.time()) - 1}), id="expired exp claim"),
        pytest.param(token({**GOOD, "exp_date": NOW + LIFETIME + 3600}), id="beyond our lifetime"),
        pytest.param(token({**GOOD, "exp_date": "soon"}), id="exp_date text"),
        pytest.param(token({**GOOD, "exp_date": True}), id="exp_date boolean"),
        pytest.param(token({**GOOD, "exp_date": 1e308}), id="exp_date huge"),
        pytest.param(token({**GOOD, "username": ["admin"]}), id="username a list"),
        pytest.param(token({**GOOD, "username": "  "}), id="username blank"),
        pytest.param(token({"exp_date": NOW + 60}), id="no username"),
        pytest.param(
            ".".join(
                [
                    token(GOOD).split(".")[0],
                    b64({**GOOD, "username": "root"}),
                    token(GOOD).split(".")[2],
                ]
            ),
            id="tampered payload",
        ),
        pytest.param(f"{b64({'alg': 'HS256'})}.{b64([1, 2])}.sig", id="payload a list"),
        pytest.param("garbage", id="garbage"),
        pytest.param("a.b.c", id="three parts of garbage"),
        pytest.param("", id="empty"),
        pytest.param("é" * 10, id="non ascii"),
        pytest.param("x" * 10_000, id="huge"),
        pytest.param(None, id="none"),
        pytest.param(12345, id="not text"),
    ],
)
def test_a_cookie_that_does_not_verify_is_none(raw):
    assert decode_cookie(raw, KEY, NOW) is None


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_no_text_at_all_raises(raw):
    assert decode_cookie(raw, KEY, NOW) is None


@settings(max_examples=100)
@given(
    st.dictionaries(
        st.sampled_from(["username", "exp_date", "exp", "nbf", "iat"]),
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    )
)
def test_no_signed_payload_raises(payload):
    try:
        raw = token(payload)
    except (TypeError, ValueError, OverflowError):  # PyJWT cannot even encode it
        return
    decode_cookie(raw, KEY, NOW)  # a value or None; never an exception
