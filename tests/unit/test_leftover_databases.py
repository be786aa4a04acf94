"""The test suite's own housekeeping: PostgreSQL databases a killed test session left
behind are dropped by the next session on the same host, and nothing else is."""

from __future__ import annotations

import os

from tests.databases import COPY_PREFIX, HOST, TEMPLATE_PREFIX, left_behind, owned_name


def test_a_database_name_says_which_host_and_process_made_it() -> None:
    name = owned_name(COPY_PREFIX, 16)
    assert name.startswith(f"kivo_t_{HOST}_{os.getpid()}_")
    assert len(owned_name(TEMPLATE_PREFIX, 12)) <= 63  # PostgreSQL's identifier limit


def test_only_this_hosts_databases_of_dead_sessions_are_left_behind() -> None:
    names = [
        f"kivo_t_{HOST}_111_0123456789abcdef",  # dead session, this host
        f"kivo_test_template_{HOST}_111_0123456789ab",  # its template
        f"kivo_t_{HOST}_222_0123456789abcdef",  # a session still running
        "kivo_t_ffffff_111_0123456789abcdef",  # another host's
        "kivo_t_0123456789abcdef",  # named before names said who made them
        "test",
        "postgres",
    ]

    found = left_behind(names, alive=lambda pid: pid == 222)

    assert found == names[:2]
