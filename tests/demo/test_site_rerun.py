"""`peoplealign up` re-run on a prepared demo skips the analyses already run on the same data (at
5,000 people they cost minutes), and runs them again once the data changes."""

from __future__ import annotations

from peoplealign.demo.site import PROPOSALS, _analysed, prepare_demo_site
from peoplealign.policy import data_version
from peoplealign.store.engine import session_scope


def test_a_rerun_on_unchanged_data_skips_the_analyses_and_new_data_runs_them(demo_url: str) -> None:
    first: list[str] = []
    prepare_demo_site(demo_url, 600, 7, first.append)
    assert PROPOSALS in first
    again: list[str] = []
    report = prepare_demo_site(demo_url, 600, 7, again.append)
    assert PROPOSALS not in again and report.recommendations == 0
    assert "running the readiness audit" in again, "the cheap checks still run"
    with session_scope(demo_url) as s:
        assert PROPOSALS in _analysed(s)
        data_version.touch(s)
        assert _analysed(s) == set(), "changed data: every analysis runs again"
