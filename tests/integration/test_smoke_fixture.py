from pathway import directory
from pathway.context import Kivo


def test_a_fresh_database_accepts_a_caseworker(kivo: Kivo) -> None:
    worker = directory.add_caseworker(kivo, "Anna Berg", role="coordinator")
    assert worker.id == 1
    assert [w.name for w in directory.list_caseworkers(kivo)] == ["Anna Berg"]
