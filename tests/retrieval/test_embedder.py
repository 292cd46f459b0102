from pathlib import Path

import numpy as np
import pytest

from assessor.retrieval.embedder import EmbedderUnavailable, HashingEmbedder, build_embedder, package_dir
from assessor.settings import load_settings


def test_hashing_is_normalised_and_deterministic() -> None:
    emb = HashingEmbedder(256)
    a = emb.encode_queries(["老人摔倒了", "old man fell"])
    b = emb.encode_passages(["老人摔倒了", "old man fell"])
    assert a.dtype == np.float32 and a.shape == (2, 256)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert np.allclose(a, b)
    assert emb.encode_queries([]).shape == (0, 256)


def test_registry_errors_name_what_is_missing(tmp_path: Path) -> None:
    settings = load_settings(models_dir=tmp_path, data_dir=tmp_path)
    with pytest.raises(EmbedderUnavailable, match="unknown embedder 'nope'"):
        build_embedder("nope", settings)
    with pytest.raises(EmbedderUnavailable, match="config.json"):
        build_embedder(f"st:{tmp_path}", settings)
    with pytest.raises(EmbedderUnavailable, match="convert-e5"):
        build_embedder("e5-st", settings)
    with pytest.raises(EmbedderUnavailable, match="pip install not-a-package"):
        package_dir("not_a_package")


def test_registry_builds_hashing() -> None:
    assert build_embedder("hashing:64").encode_queries(["x"]).shape == (1, 64)
