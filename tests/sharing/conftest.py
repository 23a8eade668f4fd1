"""Fixtures of the sharing tests (the root conftest's fixtures apply too)."""

from __future__ import annotations

import pytest
from sharing_helpers import add_goods, set_secret


@pytest.fixture
def shop(run) -> bytes:
    """The fixed secret and the goods of sharing_helpers.GOODS; returns the secret."""
    secret = set_secret()
    add_goods(run)
    return secret
