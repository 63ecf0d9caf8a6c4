"""The domain's tests run on plain values: no app, no database."""

from __future__ import annotations

import pytest


@pytest.fixture
def app():
    """Overrides the suite's ``app`` (and so every fixture built on it)."""
    pytest.fail("tests of facilitator.domain take no app and no database")
