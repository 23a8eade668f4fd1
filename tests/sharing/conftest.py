"""Fixtures of the sharing tests (the root conftest's fixtures apply too)."""

from __future__ import annotations

import pytest

from tests.sharing.sharing_helpers import add_goods, set_secret


@pytest.fixture
def shop(run) -> bytes:
    """The fixed secret and the goods of sharing_helpers.GOODS; returns the secret."""
    secret = set_secret()
    add_goods(run)
    return secret


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver on 127.0.0.1, a free port."""
    return ("127.0.0.1", 0)
