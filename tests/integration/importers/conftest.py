"""Fixtures for the importer tests: the folder of real activity files."""

from __future__ import annotations

from pathlib import Path

import pytest
from activity_files import shared_or_skip


@pytest.fixture(scope="session")
def shared() -> Path:
    """``<repo>/../shared/data/activities`` (the test is skipped, saying why, if absent)."""
    return shared_or_skip()
