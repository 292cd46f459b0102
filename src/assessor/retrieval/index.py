"""The bank index: item stems, what the bank states (explanations, true/false statements, keyed options) and every
course unit with its summary, in both languages, embedded once.

The vectors are cached on disk under ``<data_dir>/cache/index/`` in a file named by the embedder's model id
and the bank's content hash, so the index is rebuilt automatically when either changes. A rebuild after a bank
change embeds only the passages whose text is new: the rest take their vectors from the model's previous file.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assessor.bank.load import Bank
from assessor.bank.schema import Item
from assessor.retrieval.embedder import Embedder, cosine

INDEX_FORMAT = 2
KINDS: tuple[str, ...] = ("stem", "explanation", "statement", "keyed", "unit", "domain")


@dataclass(frozen=True)
class Entry:
    """One indexed passage. `ref` is an item id, a "COURSE/UNIT" ref or a domain id.

    `source` names where the passage comes from in the passage's language (the course and unit, or the domain),
    never an internal id; `status` is the item's status ("active" for units and domains); `group` the item's
    `same_fact` group ("" when none); `units` the item's course refs (so ask-the-bank can hold back the units of the
    open item too).
    """

    kind: str
    ref: str
    lang: str
    text: str
    domains: tuple[str, ...]
    source: str
    status: str = "active"
    group: str = ""
    units: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["domains"] = list(self.domains)
        data["units"] = list(self.units)
        return data


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float


def unit_name(bank: Bank, ref: str, lang: str) -> str:
    """The worker-facing name of a "COURSE/UNIT" ref in `lang` ("课程名 · 单元名"); the ref itself if unknown."""
    course_id, _, unit_id = ref.partition("/")
    course = bank.courses.get(course_id)
    if course is None:
        return ref
    unit = next((u for u in course.units if u.id == unit_id), None)
    return f"{course.title.get(lang)} · {unit.title.get(lang)}" if unit else course.title.get(lang)


def _item_source(bank: Bank, item: Item, lang: str) -> str:
    if item.course_refs:
        return unit_name(bank, item.course_refs[0], lang)
    domain = bank.domains.get(item.domain)
    return domain.name.get(lang) if domain else item.domain


def _stated(item: Item, lang: str) -> list[tuple[str, str]]:
    """(kind, text) passages for what an item states: its explanation; a true statement's stem, a false one's stem
    only together with its explanation; a choice item's stem with its keyed options."""
    explanation = item.explanation.get(lang)
    passages = [("explanation", explanation)]
    if item.type == "true_false":
        stem = item.stem.get(lang)
        passages.append(("statement", stem if item.key == ["t"] else f"{stem} {explanation}"))
    elif item.type in ("single_choice", "multiple_choice"):
        keyed = [o.get(lang) for o in item.options if o.id in item.key]
        if keyed:
            passages.append(("keyed", " ".join([item.stem.get(lang), *keyed])))
    return passages


def bank_entries(bank: Bank) -> list[Entry]:
    """The passages of a bank, in a stable order: domains, items (not retired), course units (with summaries)."""
    entries: list[Entry] = []
    for domain in bank.domains.values():
        for lang in ("zh", "en"):
            text = f"{domain.name.get(lang)}: {domain.description.get(lang)}"
            entries.append(Entry("domain", domain.id, lang, text, (domain.id,), domain.name.get(lang)))
    for item in bank.items.values():
        if item.status == "retired":
            continue
        for lang in ("zh", "en"):
            source, group = _item_source(bank, item, lang), item.same_fact or ""
            for kind, text in [("stem", item.stem.get(lang)), *_stated(item, lang)]:
                entries.append(Entry(kind, item.id, lang, text, (item.domain,), source, item.status, group,
                                     tuple(item.course_refs)))
    for course in bank.courses.values():
        for unit in course.units:
            ref = f"{course.id}/{unit.id}"
            for lang in ("zh", "en"):
                sep = "：" if lang == "zh" else ": "
                text = f"{course.title.get(lang)}{sep}{unit.title.get(lang)}"
                if unit.summary is not None:
                    text = f"{text}{'。' if lang == 'zh' else '. '}{unit.summary.get(lang)}"
                entries.append(Entry("unit", ref, lang, text, tuple(course.domains), unit_name(bank, ref, lang)))
    return entries


TMP_SUFFIX = ".tmp.npz"
STALE_TMP_SECONDS = 3600.0


def _mtime(path: Path) -> float:
    """The file's modification time; −∞ when it is gone (another rebuild may remove it at any moment)."""
    try:
        return path.stat().st_mtime
    except OSError:
        return -math.inf


def _read_cache(path: Path) -> tuple[dict[str, Any], np.ndarray] | None:
    """(meta, vectors) of an index file; None when it cannot be read (missing, damaged, being replaced)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return json.loads(str(data["meta"])), data["vectors"]
    except (OSError, ValueError, KeyError, json.JSONDecodeError):
        return None


def _known_vectors(cache_dir: Path, model_id: str) -> dict[str, np.ndarray]:
    """text → vector from the newest readable index file of this model and index format ({} when none)."""
    for path in sorted(cache_dir.glob(f"{_slug(model_id)}-*-v{INDEX_FORMAT}.npz"), key=_mtime, reverse=True):
        cached = _read_cache(path)
        if cached is None or cached[0].get("model_id") != model_id or cached[0].get("format") != INDEX_FORMAT:
            continue
        meta, vectors = cached
        try:
            return {e["text"]: vectors[i] for i, e in enumerate(meta["entries"])}
        except (KeyError, IndexError, TypeError):
            continue
    return {}


def _remove_older(cache_dir: Path, model_id: str, keep: Path) -> None:
    """Remove this model's other index files that are not newer than `keep`, and temporary files left for an
    hour. Another writer's temporary file, or a newer index another thread just saved, is left alone: two
    background rebuilds (a trainer's save, then the approval) may finish in either order."""
    kept = _mtime(keep)
    for other in cache_dir.glob(f"{_slug(model_id)}-*.npz"):
        mtime = _mtime(other)
        if other == keep or mtime > kept or other.name.endswith(TMP_SUFFIX) and time.time() - mtime < STALE_TMP_SECONDS:
            continue
        try:
            other.unlink(missing_ok=True)
        except OSError:
            continue


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:80]


class BankIndex:
    """Normalised passage vectors of a bank plus their entries; `search` ranks them against a query."""

    def __init__(self, entries: Sequence[Entry], vectors: np.ndarray, embedder: Embedder, bank_hash: str,
                 build_seconds: float = 0.0, from_cache: bool = False, embedded: int = 0) -> None:
        self.entries = list(entries)
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.embedder = embedder
        self.bank_hash = bank_hash
        self.build_seconds = build_seconds
        self.from_cache = from_cache
        self.embedded = embedded
        """Distinct passage texts `build` embedded (only the new ones when it reused vectors; 0 from the cache)."""
        self._by_kind = {kind: np.array([e.kind == kind for e in self.entries], dtype=bool) for kind in KINDS}
        self._refs = np.array([e.ref for e in self.entries], dtype=object)
        self._langs = np.array([e.lang for e in self.entries], dtype=object)

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    @classmethod
    def build(cls, bank: Bank, embedder: Embedder, known: dict[str, np.ndarray] | None = None) -> BankIndex:
        """Embed the bank's passages; a text in `known` (text → vector of the same model) is not embedded again."""
        start = time.perf_counter()
        entries = bank_entries(bank)
        known = known or {}
        texts = [e.text for e in entries]
        new = sorted({t for t in texts if t not in known})
        fresh = dict(zip(new, embedder.encode_passages(new), strict=True)) if new else {}
        vectors = np.stack([fresh[t] if t in fresh else known[t] for t in texts]) if entries else np.zeros((0, 1), np.float32)
        return cls(entries, vectors, embedder, bank.content_hash, time.perf_counter() - start, embedded=len(new))

    @staticmethod
    def cache_path(cache_dir: Path, bank_hash: str, model_id: str) -> Path:
        return Path(cache_dir) / f"{_slug(model_id)}-{bank_hash[:16]}-v{INDEX_FORMAT}.npz"

    @classmethod
    def load_or_build(cls, bank: Bank, embedder: Embedder, cache_dir: Path, rebuild: bool = False) -> BankIndex:
        """The cached index for (bank content hash, model id), built and saved when absent or stale (reusing the
        vectors of unchanged passages from the model's previous file unless `rebuild`). Older cache files of the
        same model are removed."""
        cache_dir = Path(cache_dir)
        path = cls.cache_path(cache_dir, bank.content_hash, embedder.model_id)
        cached = _read_cache(path) if path.is_file() and not rebuild else None
        if cached is not None:
            meta, vectors = cached
            if (meta.get("bank_hash"), meta.get("model_id"), meta.get("format")) == (bank.content_hash, embedder.model_id, INDEX_FORMAT):
                try:
                    entries = [Entry(**{**e, "domains": tuple(e["domains"]), "units": tuple(e.get("units", ()))}) for e in meta["entries"]]
                    return cls(entries, vectors, embedder, bank.content_hash, meta.get("build_seconds", 0.0), True)
                except (KeyError, ValueError):
                    pass  # a damaged cache file is rebuilt
        index = cls.build(bank, embedder, known=None if rebuild else _known_vectors(cache_dir, embedder.model_id))
        index.save(path)
        _remove_older(cache_dir, embedder.model_id, path)
        return index

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": INDEX_FORMAT,
            "bank_hash": self.bank_hash,
            "model_id": self.model_id,
            "build_seconds": self.build_seconds,
            "entries": [e.to_json() for e in self.entries],
        }
        tmp = path.with_name(f"{path.stem}.{os.getpid()}-{threading.get_ident()}{TMP_SUFFIX}")  # one per writer
        np.savez(tmp, vectors=self.vectors, meta=np.array(json.dumps(meta, ensure_ascii=False)))
        tmp.replace(path)

    def mask(self, kinds: Iterable[str] | None = None, exclude_refs: Iterable[str] = (),
             lang: str | None = None) -> np.ndarray:
        """Boolean mask over entries: of these kinds, in this language, and not about the excluded refs."""
        keep = np.ones(len(self.entries), dtype=bool)
        if kinds is not None:
            kind_mask = np.zeros(len(self.entries), dtype=bool)
            for kind in kinds:
                kind_mask |= self._by_kind.get(kind, np.zeros(len(self.entries), dtype=bool))
            keep &= kind_mask
        excluded = set(exclude_refs)
        if excluded:
            keep &= np.array([ref not in excluded for ref in self._refs], dtype=bool)
        if lang is not None:
            keep &= self._langs == lang
        return keep

    def scores(self, query_vector: np.ndarray) -> np.ndarray:
        return cosine(self.vectors, np.asarray(query_vector, dtype=np.float32).reshape(-1))

    def search(self, query: str, k: int = 5, kinds: Iterable[str] | None = None,
               exclude_item_ids: Iterable[str] = (), lang: str | None = None, dedupe: bool = True) -> list[Hit]:
        """The k best entries for a query (encoded as a query), best first.

        Args:
            kinds: restrict to these entry kinds (see KINDS); None for all.
            exclude_item_ids: refs never returned (e.g. the item the worker is answering now).
            lang: restrict to passages in this language; None for both.
            dedupe: keep only the best passage per (kind, ref), so zh and en twins count once.
        """
        if not self.entries or not query.strip():
            return []
        q = self.embedder.encode_queries([query])[0]
        return self.search_vector(q, k, kinds, exclude_item_ids, lang, dedupe)

    def search_vector(self, q: np.ndarray, k: int = 5, kinds: Iterable[str] | None = None,
                      exclude_item_ids: Iterable[str] = (), lang: str | None = None,
                      dedupe: bool = True) -> list[Hit]:
        keep = self.mask(kinds, exclude_item_ids, lang)
        scores = np.where(keep, self.scores(q), -np.inf)
        order = np.argsort(-scores)
        hits: list[Hit] = []
        seen: set[tuple[str, str]] = set()
        for i in order:
            if not np.isfinite(scores[i]) or len(hits) >= k:
                break
            entry = self.entries[int(i)]
            key = (entry.kind, entry.ref)
            if dedupe and key in seen:
                continue
            seen.add(key)
            hits.append(Hit(entry, float(scores[i])))
        return hits


def load_index(bank: Bank | None = None, embedder: Embedder | None = None, rebuild: bool = False) -> BankIndex:
    """The index for the configured bank and embedder, from the cache under settings.data_dir."""
    from assessor.bank.load import load_bank
    from assessor.retrieval.embedder import get_embedder
    from assessor.settings import get_settings

    settings = get_settings()
    bank = bank or load_bank(settings.bank_dir)
    embedder = embedder or get_embedder(settings=settings)
    return BankIndex.load_or_build(bank, embedder, settings.data_dir / "cache" / "index", rebuild=rebuild)
