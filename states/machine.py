"""The path's transition table, run by one shared ``transitions`` Machine per process.

Each operation wraps the stored state in a small adapter, ``add_model(adapter,
initial=stored)``, fires one trigger and ``remove_model`` in ``finally``: a Machine per
case costs four times the memory, and ``add_model`` without ``initial`` would overwrite
the stored state. Auto transitions are off because ``to_<state>()`` skips every guard.
"""

from __future__ import annotations

from typing import Any

from states.case import ENROLLED, EXITED, PAUSED, STEP_STATES, MoveKind
from states.messages import N_
from states.steps import Step

TRIGGERS: dict[MoveKind, str] = {
    MoveKind.ADVANCE: "advance",
    MoveKind.FALL_BACK: "fall_back",
    MoveKind.PAUSE: "pause",
    MoveKind.RESUME: "resume",
    MoveKind.EXIT: "exit",
    MoveKind.START_PLACEMENT: "start_placement",
}
MOVE_NAMES: dict[MoveKind, str] = {
    MoveKind.ADVANCE: N_("advance"),
    MoveKind.FALL_BACK: N_("fall back"),
    MoveKind.PAUSE: N_("pause"),
    MoveKind.RESUME: N_("resume"),
    MoveKind.EXIT: N_("exit"),
    MoveKind.START_PLACEMENT: N_("start placement"),
}
"""Each move as a refusal's head names it ("case 3: advance refused")."""
MOVABLE = (ENROLLED, *STEP_STATES)
WORKPLACE_STATES = tuple(step.slug for step in Step if step.at_workplace)
"""The steps a placement may start in while the case stays there (``start_placement``)."""


def transition_table() -> list[dict[str, Any]]:
    """Every allowed move as data; the engine and ``kivo diagram`` both read this."""
    table: list[dict[str, Any]] = []
    for i, source in enumerate(MOVABLE):
        for dest in STEP_STATES[i:]:
            table.append(_move("advance", source, dest, "is_requested"))
        for dest in STEP_STATES[: max(i - 1, 0)]:
            table.append(_move("fall_back", source, dest, "is_requested"))
        table.append(_move("pause", source, PAUSED, None))
        table.append(_move("resume", PAUSED, source, "is_paused_from"))
        if source in WORKPLACE_STATES:
            table.append(_move("start_placement", source, source, "is_requested"))
    for source in (*MOVABLE, PAUSED):
        table.append(_move("exit", source, EXITED, None))
    return table


def _move(trigger: str, source: str, dest: str, condition: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"trigger": trigger, "source": source, "dest": dest}
    if condition:
        entry["conditions"] = [condition]
    return entry


class _CaseAdapter:
    """The model a Machine fires on for one operation; never a database row."""

    state: str

    def __init__(self, paused_from: str | None) -> None:
        self.paused_from = paused_from

    def is_requested(self, event: Any) -> bool:
        return bool(event.kwargs.get("to") == event.transition.dest)

    def is_paused_from(self, event: Any) -> bool:
        return bool(event.transition.dest == self.paused_from)


class PathMachine:
    """The shared Machine and the one way to ask it where a move leads."""

    def __init__(self) -> None:
        from transitions import Machine

        self._machine = Machine(
            model=None,
            states=[ENROLLED, *STEP_STATES, PAUSED, EXITED],
            transitions=transition_table(),
            initial=ENROLLED,
            auto_transitions=False,
            send_event=True,
        )
        self._answers: dict[tuple[str, MoveKind, str | None, str | None], str | None] = {}

    def target(
        self, state: str, kind: MoveKind, to: str | None = None, paused_from: str | None = None
    ) -> str | None:
        """The state the move leads to, or ``None`` when the table does not allow it.

        The table is static and the guards read only these arguments, so each distinct
        question is put to the Machine once and its answer kept (at most a few thousand):
        firing it costs ~0.3 ms, more than a batch-moved case's whole SQL."""
        question = (state, kind, to, paused_from)
        if question not in self._answers:
            self._answers[question] = self._fire(state, kind, to, paused_from)
        return self._answers[question]

    def _fire(
        self, state: str, kind: MoveKind, to: str | None, paused_from: str | None
    ) -> str | None:
        from transitions import MachineError

        adapter = _CaseAdapter(paused_from)
        self._machine.add_model(adapter, initial=state)
        try:
            fired = adapter.trigger(TRIGGERS[kind], to=to)  # type: ignore[attr-defined]
        except MachineError:
            return None
        finally:
            self._machine.remove_model(adapter)
        return adapter.state if fired else None

    def model_count(self) -> int:
        return len(self._machine.models)


_shared: PathMachine | None = None


def path_machine() -> PathMachine:
    """The process's one Machine, built on first use (never at import time)."""
    global _shared
    if _shared is None:
        _shared = PathMachine()
    return _shared
