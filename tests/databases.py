"""PostgreSQL helpers for the `database_url` fixture: one throwaway schema per test."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import create_engine, text

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:55432/assessor_test"


def schema_url(base: str, schema: str) -> str:
    """`base` with every connection's search_path set to `schema` (and named after it, to end them later)."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}application_name={schema}&options={quote(f'-csearch_path={schema}')}"


def make_schema(base: str, schema: str) -> str:
    """Create `schema` on the server at `base` (3 s connect timeout); return a URL that uses it."""
    engine = create_engine(base, connect_args={"connect_timeout": 3})
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        engine.dispose()
    return schema_url(base, schema)


def drop_schema(base: str, schema: str) -> None:
    """Drop `schema` and everything in it; end the connections a test left open on it first."""
    engine = create_engine(base)
    try:
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE pid <> pg_backend_pid() AND application_name = :name"), {"name": schema})
            connection.execute(text("SET lock_timeout = '10s'"))
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()
