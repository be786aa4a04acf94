"""SQLModel tables, engines, the unit of work and the Alembic migrations."""
