"""Storage: engine and sessions, models, Alembic migrations, repositories, bulk writers.

The only code that writes SQL. Imports ``core`` only."""
