"""Django 5.2 with django-fsm-2: the case's state an ``FSMField``, the move a
``@transition``; one ``transaction.atomic()`` per move."""

from __future__ import annotations

from typing import Any

from benchmarks.peerstacks.common import (
    BUSY_TIMEOUT_MS,
    FROM_STATE,
    MOVED_AT,
    TO_STATE,
    Refused,
    arguments,
    run,
    sqlite_path,
)


def configure(url: str) -> None:
    import django
    from django.conf import settings

    path = sqlite_path(url)
    if path is not None:
        database: dict[str, Any] = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "init_command": "PRAGMA synchronous=NORMAL; PRAGMA journal_mode=WAL",
                "transaction_mode": "IMMEDIATE",
                "timeout": BUSY_TIMEOUT_MS / 1000,
            },
        }
    else:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        database = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parts.path.lstrip("/"),
            "USER": parts.username or "",
            "PASSWORD": parts.password or "",
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
        }
    settings.configure(
        DATABASES={"default": database},
        INSTALLED_APPS=[],
        USE_TZ=False,
        DEBUG=False,
    )
    django.setup()


def main() -> None:
    url, first, count = arguments()
    configure(url)
    from django.db import models, transaction
    from django_fsm import FSMField, transition

    class Case(models.Model):  # type: ignore[misc]
        state = FSMField(default=FROM_STATE)
        version = models.IntegerField()

        class Meta:
            app_label = "peers"
            db_table = "peer_case"
            managed = False

        @transition(field=state, source=FROM_STATE, target=TO_STATE)  # type: ignore[untyped-decorator]
        def advance(self) -> None:
            """enrolled → information: nothing to plan."""

    class History(models.Model):  # type: ignore[misc]
        case = models.ForeignKey(Case, on_delete=models.PROTECT, db_column="case_id")
        from_state = models.CharField(max_length=32, null=True)
        to_state = models.CharField(max_length=32)
        at = models.DateTimeField()

        class Meta:
            app_label = "peers"
            db_table = "peer_history"
            managed = False

    Case.objects.filter(pk=first).exists()

    def move(case_id: int) -> None:
        with transaction.atomic():
            case = Case.objects.get(pk=case_id)
            was, version = case.state, case.version
            case.advance()  # the guard: TransitionNotAllowed unless enrolled
            changed = Case.objects.filter(pk=case_id, version=version).update(
                state=case.state, version=version + 1
            )
            if changed != 1:
                raise Refused(f"case {case_id} changed meanwhile")
            History.objects.create(case=case, from_state=was, to_state=case.state, at=MOVED_AT)

    run("django", move, first, count)


if __name__ == "__main__":
    main()
