"""Alembic migrations. Run them with ``pmml db upgrade`` (or :func:`upgrade`)."""
