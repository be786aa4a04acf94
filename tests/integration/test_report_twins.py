"""The benchmarks' hand-written SQL twins of the reports (``benchmarks.rawsql``) count
what kivo's reports count, so the benchmark compares the same work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks import rawsql
from pathway import reports
from pathway.context import Kivo
from states.reports import state_label
from tests.integration.test_report_properties import BASE, EXAMPLES, NOW, build, caseload


@pytest.fixture
def kivo(make_kivo: Callable[..., Kivo]) -> Kivo:
    return make_kivo(now=NOW)


@EXAMPLES
@given(drawn=caseload, on=st.integers(0, 800))
def test_the_raw_twins_count_the_funnel_and_the_targets_as_kivo_does(
    kivo: Kivo, database_url: str, drawn: list[dict[str, object]], on: int
) -> None:
    build(kivo, drawn)
    day = BASE + timedelta(days=on)
    raw = rawsql.RawDatabase(database_url)
    try:
        raw.begin(write=False)
        states, flows = rawsql.funnel(raw, day, BASE, day)
        started, extended, goals = rawsql.targets(raw, day.year)
        raw.rollback()
    finally:
        raw.close()
    funnel = reports.funnel(kivo, on=day, start=BASE, end=day)
    assert {state_label(s): int(n) for s, n in states if n} == {
        label: n for label, n in funnel.states.items() if n
    }
    assert sorted((state_label(a), state_label(b), k, int(n)) for a, b, k, n in flows) == sorted(
        (f.source, f.target, f.kind, f.count) for f in funnel.flows
    )
    targets = reports.targets(kivo, year=day.year)
    assert {code: int(n) for code, n in started} == {
        t.programme: t.started for t in targets if t.started
    }
    assert {code: int(n) for code, n in extended} == {
        t.programme: t.extended for t in targets if t.extended
    }
    assert {code: int(n) for code, n in goals} == {
        t.programme: t.target for t in targets if t.target is not None
    }
