"""Use cases: each is one transaction, takes plain arguments, returns a plain result."""
