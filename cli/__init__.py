"""The ``kivo`` command: parse, call a use case in ``pathway``, print. Nothing else."""
