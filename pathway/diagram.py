"""The path as a state diagram, drawn by ``transitions`` from the table the engine runs."""

from __future__ import annotations

from states.case import ALL_STATES, ENROLLED
from states.errors import InvalidInput, quoted
from states.machine import transition_table

FORMATS = ("mermaid", "dot")


def diagram(fmt: str = "mermaid") -> str:
    if fmt not in FORMATS:
        raise InvalidInput(
            f"unknown diagram format {quoted(fmt)}: choose mermaid or dot", field="format"
        )
    from transitions.extensions import GraphMachine

    class _Drawing:
        """A throwaway model; the diagram shows the table, not any case."""

    model = _Drawing()
    GraphMachine(
        model=model,
        states=list(ALL_STATES),
        transitions=[
            _unguarded(entry)
            for entry in transition_table()
            if entry["trigger"] != "start_placement"  # the case stays: no edge of the path
        ],
        initial=ENROLLED,
        auto_transitions=False,
        graph_engine="mermaid" if fmt == "mermaid" else "graphviz",
        title="KIVO path",
        show_conditions=False,
    )
    graph = model.get_graph()  # type: ignore[attr-defined]
    return str(graph.draw(None)) if fmt == "mermaid" else str(graph.source)


def _unguarded(entry: dict[str, object]) -> dict[str, object]:
    """Conditions name adapter methods the drawing model lacks; the edges are the same."""
    return {key: value for key, value in entry.items() if key != "conditions"}
