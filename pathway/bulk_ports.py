"""Storage ports for one capability; ``pathway.ports.UnitOfWork`` exposes them."""

from __future__ import annotations

from typing import Protocol


class BulkWriter(Protocol):
    """Set-based writes for imports (``persistence.bulk``)."""


class ExportQueries(Protocol):
    """Streaming reads for exports (``persistence.export_queries``)."""
