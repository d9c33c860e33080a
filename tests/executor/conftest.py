"""Executor tests that store things run on SQLite and PostgreSQL (the storage fixtures)."""

from tests.storage.conftest import engine, postgres_url, sqlite_template

__all__ = ["engine", "postgres_url", "sqlite_template"]
