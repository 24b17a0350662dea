"""The package's public API is small, explicit and importable."""

from __future__ import annotations

import anklet


def test_public_api_exports_exactly_what_all_lists() -> None:
    assert sorted(anklet.__all__) == [
        "AnkletError", "DataFileError", "Decision", "History", "InputError", "NotFoundError",
        "Protocol", "WeekPlan", "decide", "load_protocol", "plan_week",
    ]
    for name in anklet.__all__:
        assert getattr(anklet, name) is not None


def test_public_api_decides_and_plans_from_a_document() -> None:
    h = anklet.History.model_validate({"person": {"id": "ann", "name": "Ann"}})
    d = anklet.decide(h)
    assert d.status == "screen_needed"
    plan = anklet.plan_week(d, h)
    assert plan.refused
