"""The web workspace: FastAPI pages over the same use cases as the CLI (an entry point,
like ``cli/``: it imports ``pathway`` and ``states``, never ``persistence``)."""
