"""Source keys on the pages read as citations, not as identifiers."""

from __future__ import annotations

import pytest

from anklet.web.templating import _cite


@pytest.mark.parametrize(("key", "shown"), [
    ("Silbernagel2007", "Silbernagel 2007"), ("Backman2011", "Backman 2011"),
    ("convention", "Anklet's choice"), ("ACSM", "ACSM"), (None, "")])
def test_cite_reads_a_source_key_as_a_citation(key: str | None, shown: str) -> None:
    assert _cite(key) == shown
