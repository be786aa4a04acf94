"""The languages kivo speaks, and which of them a locale setting names: pure, so the
CLI can refuse a ``KIVO_LANG`` it does not have before it imports anything else."""

from __future__ import annotations

LANGUAGES = ("sv", "en")


def language_of(value: str) -> str | None:
    """``sv_SE.UTF-8`` → ``sv``, ``en-GB`` → ``en``; ``None`` for a language kivo does
    not have (``C``, ``POSIX``, ``de``)."""
    code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None
