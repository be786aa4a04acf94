"""Commands that take several cases: each case's result printed, and one exit code.

With one case a command behaves exactly as it always has (its output, its errors and
their exit codes). With several, every case is changed on its own (``pathway.each``):
the output lists each case's result in the order given; ``--json`` prints one document
``{"all_moved", "counts", "cases": [{"case_id", "status", "result", "error"}]}``. The
exit code is 0 when every case moved (or would move, in a dry run); otherwise it is the
code the first case that did not move would have exited with on its own (3 refused,
4 not found, 5 conflict, 2 bad input).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from cli import speech
from cli.output import print_json, say
from states.case_refs import CaseRef, parse_case_ref
from states.errors import InvalidInput
from states.messages import N_, Message

if TYPE_CHECKING:
    from pathway.each import EachResult

T = TypeVar("T")


def case_ref(value: str | CaseRef) -> CaseRef:
    """A case on the command line: ``12``, or ``12@3`` with the version looked at."""
    if isinstance(value, CaseRef):
        return value
    try:
        return parse_case_ref(value)
    except InvalidInput as error:
        raise typer.BadParameter(error.message) from None


CasesArg = Annotated[
    list[CaseRef],
    typer.Argument(
        help="The case id, or several: each case is judged and written on its own. "
        "CASE@VERSION: refused as a conflict if that case changed since that version.",
        metavar="CASE",
        parser=case_ref,
    ),
]


def one_or_each(
    refs: Sequence[CaseRef],
    expect_version: int | None,
    change: Callable[[CaseRef], T],
    *,
    one: Callable[[T], None],
    describe: Callable[[int, T], list[str]],
    json_output: bool,
    dry_run: bool = False,
) -> None:
    """One case: ``change`` it and print the result with ``one``, exactly as the command
    always has (an error goes to ``reports_errors``). Several: ``change`` each on its own
    (``pathway.each``) and print every case's result (``report_each``)."""
    from pathway.each import each_case

    ref = single(refs, expect_version)
    if ref is None:
        report_each(each_case(refs, change, dry_run=dry_run), json_output, describe)
    else:
        one(change(ref))


def single(refs: Sequence[CaseRef], expect_version: int | None) -> CaseRef | None:
    """The case with the version it is expected at, when one case is named; ``None``
    for several. ``--expect-version`` is one case's version: with several cases each
    carries its own as CASE@VERSION."""
    if len(refs) == 1:
        ref = refs[0]
        if ref.version is not None and expect_version is not None:
            once = N_("give the version once: CASE@VERSION or --expect-version, not both")
            raise InvalidInput(Message(once), field="expected_version")
        return ref if ref.version is not None else CaseRef(ref.case_id, expect_version)
    if expect_version is not None:
        one_case = N_(
            "--expect-version is the version of one case: with several cases write each "
            "as CASE@VERSION"
        )
        raise InvalidInput(Message(one_case), field="expected_version")
    return None


def report_each(
    result: EachResult[T], json_output: bool, describe: Callable[[int, T], list[str]]
) -> None:
    """Print every case's result (``describe``: the lines of a case that moved, from its
    id and result) and end with the exit code: 0 when all moved, else the first
    failure's own code."""
    from cli.errors import exit_code, masked
    from pathway.results import plain
    from states.personnummer import redact

    if json_output:
        print_json(
            masked(
                {
                    "all_moved": result.all_moved,
                    "counts": result.counts(),
                    "cases": [
                        {
                            "case_id": outcome.case_id,
                            "status": outcome.status,
                            "result": plain(outcome.result),
                            "error": outcome.error,
                        }
                        for outcome in result.cases
                    ],
                },
                redact,
            )
        )
    else:
        for outcome in result.cases:
            if outcome.result is not None:
                for line in describe(outcome.case_id, outcome.result):
                    say(line)
            else:
                lines = _failure_lines(outcome.case_id, outcome.status, outcome.error)
                lines[0] = _failure_head(outcome.case_id, outcome.status, outcome.raised, lines[0])
                for line in _in_language(lines, outcome.raised):
                    say(redact(line))
        say(_summary(result.counts(), len(result.cases)))
    failure = result.first_failure
    if failure is None:
        return
    assert failure.raised is not None
    failed = len(result.cases) - sum(outcome.moved for outcome in result.cases)
    did_not = speech.words(
        N_("{failed} of {total} cases did not move"), failed=failed, total=len(result.cases)
    )
    print(f"error: {did_not}", file=sys.stderr)
    raise typer.Exit(exit_code(failure.raised))


def _failure_lines(case_id: int, status: str, error: dict[str, Any] | None) -> list[str]:
    message = str((error or {}).get("message", ""))
    message = message.removeprefix(f"case {case_id}: ")
    lines = [f"case {case_id}: {status}: {message}"]
    for violation in (error or {}).get("violations", []):
        lines.append(f"  - [{violation['code']}] ({violation['severity']}) {violation['message']}")
    return lines


def _in_language(lines: list[str], raised: Any) -> list[str]:
    """The violation lines said in the CLI's language, from the error itself."""
    from cli.errors import violation_line

    violations = getattr(raised, "violations", ())
    if len(violations) != len(lines) - 1:
        return lines
    return [lines[0], *(violation_line(v) for v in violations)]


def _failure_head(case_id: int, status: str, raised: Any, english: str) -> str:
    """A failed case's first line in the CLI's language, from the error's own sentence
    (``said``) when it has one; in English the line as it always was."""
    said = getattr(raised, "said", None)
    if speech.current() == "en" or said is None:
        return english
    sentence = speech.say(said)
    prefix = speech.words(N_("case {case}"), case=case_id) + ": "  # as its sentence begins
    return speech.words(
        N_("case {case}: {status}: {message}"),
        case=case_id,
        status=status_name(status),
        message=sentence.removeprefix(prefix),
    )


EACH_STATUSES = {
    "moved": N_("moved"),
    "would-move": N_("would move"),
    "refused": N_("refused"),
    "not-found": N_("not found"),
    "conflict": N_("conflict"),
    "invalid-input": N_("invalid input"),
    "not-permitted": N_("not permitted"),
}
"""How each case ended (``pathway.each``), as the summary says it outside English."""


def status_name(status: str) -> str:
    """A case's status in the several-cases output: the code itself in English, which
    scripts read; the catalogue's word in another language."""
    if speech.current() == "en" or status not in EACH_STATUSES:
        return status
    return speech.text(EACH_STATUSES[status])


def _summary(counts: dict[str, int], total: int) -> str:
    parts = ", ".join(
        speech.words(N_("{count} {status}"), count=n, status=status_name(status))
        for status, n in counts.items()
    )
    return speech.words(N_("{total} cases: {parts}"), total=total, parts=parts)
