"""Placement: a worker's own description of their work -> ranked domains and a suggested role.

Method (documented in the models note):
- Prototypes per domain: the domain's name and description (both languages), its item stems, the course units
  of its courses, and the colloquial cues in ``placement_cues.yaml``. Per role: its name, description and cues.
- The description is embedded whole and clause by clause. Each domain's affinity for one query vector blends
  the mean of its 3 most similar curated prototypes (description, cues, unit titles; weight 0.75) with the
  mean of its 3 most similar item stems (weight 0.25: long scenario stems mention many things, so they are
  a noisier signal); a domain's raw score is the mean of its affinity for the whole text
  and its best affinity over the clauses (so "I cook and look after the baby" lifts both domains).
- Each domain's mean affinity for a few neutral descriptions ("I do domestic work") is its prior
  pull; it is subtracted, so a domain with many varied items does not win vague descriptions.
- Raw scores sit in e5's narrow band, so they are turned into a distribution with a softmax at temperature
  ``tau`` (0.01). The role combines the role prototypes' affinity (softmaxed the same way) with the role's
  level-5 blueprint weights applied to the domain distribution.
- Agreement (`covering_role`): the suggested role must cover the top placed areas (the best areas until
  they hold `top_mass` of the distribution, at most `max_top`) in one of its blueprints; among the roles
  that do, the best-scoring one is suggested. When no role covers them all, the best-scoring role among
  those covering the largest share is suggested and `uncovered` names the areas it leaves out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from assessor.bank.load import Bank
from assessor.retrieval.embedder import Embedder, cosine
from assessor.retrieval.index import BankIndex
from assessor.retrieval.text import normalise_text, split_clauses

CUES_FILE = Path(__file__).with_name("placement_cues.yaml")
# Neutral descriptions that name no domain: a domain's mean affinity for them is its prior pull (domains
# with many, varied items match anything a little better), subtracted from every raw score.
NEUTRAL: tuple[str, ...] = (
    "我做家政工作。", "我在雇主家里干活。", "我想找一份家政的工作。", "我干这行好几年了。",
    "I do domestic work.", "I work in people's homes.", "I am looking for a job in home services.",
    "I have done this job for a few years.",
)


@dataclass(frozen=True)
class PlacementParams:
    top: int = 3
    tau: float = 0.01
    role_blend: float = 0.5
    item_weight: float = 0.25
    top_mass: float = 0.6
    max_top: int = 2


def top_areas(dist: np.ndarray, domain_ids: Sequence[str], top_mass: float, max_top: int) -> list[str]:
    """The best areas, best first, until they hold `top_mass` of the distribution (at most `max_top`)."""
    out: list[str] = []
    mass = 0.0
    for i in np.argsort(-dist):
        out.append(domain_ids[int(i)])
        mass += float(dist[int(i)])
        if mass >= top_mass or len(out) >= max_top:
            break
    return out


def covering_role(
    top: Sequence[str], weights: dict[str, float], role_scores: dict[str, float], role_domains: dict[str, set[str]]
) -> tuple[str, list[str]]:
    """(role, uncovered areas): the best-scoring role whose blueprints include every top area; if none, the
    best-scoring role among those covering the largest share (`weights`) of the top areas."""
    if not role_scores:
        raise ValueError("no roles to suggest")

    def covered(role: str) -> float:
        return sum(weights.get(d, 0.0) for d in top if d in role_domains.get(role, set()))

    best_cover = max(covered(r) for r in role_scores)
    pool = [r for r in role_scores if covered(r) >= best_cover - 1e-12]
    role = max(pool, key=lambda r: (role_scores[r], r))
    return role, [d for d in top if d not in role_domains.get(role, set())]


def _softmax(x: np.ndarray, tau: float) -> np.ndarray:
    z = (x - x.max()) / tau
    e = np.exp(z)
    return e / e.sum()


def _top_mean(sims: np.ndarray, groups: list[np.ndarray], top: int) -> np.ndarray:
    """For sims shaped (q, n) and index groups, the mean of each group's `top` best per query -> (q, groups)."""
    out = np.zeros((sims.shape[0], len(groups)), dtype=np.float32)
    for g, idx in enumerate(groups):
        part = sims[:, idx]
        k = min(top, part.shape[1])
        out[:, g] = np.sort(part, axis=1)[:, -k:].mean(axis=1)
    return out


class Placer:
    """Holds the prototype vectors for one bank and embedder."""

    def __init__(self, bank: Bank, embedder: Embedder, params: PlacementParams | None = None,
                 cues: dict[str, Any] | None = None, index: BankIndex | None = None) -> None:
        """`index`: a BankIndex of the same bank and embedder whose stem vectors are reused (faster start)."""
        self.bank = bank
        self.embedder = embedder
        self.params = params or PlacementParams()
        cues = cues if cues is not None else yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
        self.domain_ids = list(bank.domains)
        self.role_ids = list(bank.roles)
        texts: list[str] = []
        owners: list[int] = []
        from_items: list[bool] = []
        for d, domain_id in enumerate(self.domain_ids):
            domain = bank.domains[domain_id]
            curated = [f"{domain.name.zh}：{domain.description.zh}", f"{domain.name.en}: {domain.description.en}"]
            curated += list(cues.get("domains", {}).get(domain_id, []))
            curated += [t for course in bank.courses.values() if domain_id in course.domains
                        for unit in course.units for t in (unit.title.zh, unit.title.en)]
            stems = [t for item in bank.items.values() if item.domain == domain_id and item.status != "retired"
                     for t in (item.stem.zh, item.stem.en)]
            texts += curated + stems
            owners += [d] * (len(curated) + len(stems))
            from_items += [False] * len(curated) + [True] * len(stems)
        role_texts: list[str] = []
        role_owners: list[int] = []
        for r, role_id in enumerate(self.role_ids):
            role = bank.roles[role_id]
            protos = [f"{role.name.zh}：{role.description.zh}", f"{role.name.en}: {role.description.en}"]
            protos += list(cues.get("roles", {}).get(role_id, []))
            role_texts += protos
            role_owners += [r] * len(protos)
        vectors = self._encode(texts + role_texts, index)
        self.domain_vectors = vectors[: len(texts)]
        self.role_vectors = vectors[len(texts):]
        owner_arr = np.array(owners)
        item_arr = np.array(from_items, dtype=bool)
        role_arr = np.array(role_owners)
        self.curated_groups = [np.flatnonzero((owner_arr == d) & ~item_arr) for d in range(len(self.domain_ids))]
        self.item_groups = [np.flatnonzero((owner_arr == d) & item_arr) for d in range(len(self.domain_ids))]
        self.role_groups = [np.flatnonzero(role_arr == r) for r in range(len(self.role_ids))]
        neutral = embedder.encode_queries(list(NEUTRAL))
        self.domain_bias = self._affinity(neutral).mean(axis=0)
        self.role_weights = np.zeros((len(self.role_ids), len(self.domain_ids)), dtype=np.float32)
        for r, role_id in enumerate(self.role_ids):
            levels = self.bank.roles[role_id].levels
            blueprint = levels[max(levels)]  # the entry level (5) blueprint
            for d, domain_id in enumerate(self.domain_ids):
                self.role_weights[r, d] = blueprint.weights.get(domain_id, 0.0) / 100.0
        self.role_domains = {
            role_id: {d for bp in self.bank.roles[role_id].levels.values() for d, w in bp.weights.items() if w > 0}
            for role_id in self.role_ids
        }

    def _encode(self, texts: list[str], index: BankIndex | None) -> np.ndarray:
        known: dict[str, np.ndarray] = {}
        if index is not None and index.model_id == self.embedder.model_id and index.bank_hash == self.bank.content_hash:
            known = {e.text: index.vectors[i] for i, e in enumerate(index.entries) if e.kind in ("stem", "domain")}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            known.update(zip(missing, self.embedder.encode_passages(missing), strict=True))
        return np.stack([known[t] for t in texts]).astype(np.float32)

    def _affinity(self, queries: np.ndarray) -> np.ndarray:
        """(q, domains): blend of the top-k mean over curated prototypes and over item stems."""
        sims = cosine(queries, self.domain_vectors)
        w = self.params.item_weight
        curated = _top_mean(sims, self.curated_groups, self.params.top)
        items = _top_mean(sims, [g if len(g) else c for g, c in zip(self.item_groups, self.curated_groups, strict=True)],
                          self.params.top)
        return (1 - w) * curated + w * items

    def place(self, text: str) -> dict[str, Any]:
        """{"domains": [{"id", "score"}, ...] best first (scores sum to 1), "role": role id or None,
        "top_domains": the top placed areas, "uncovered": those the suggested role's blueprints leave out
        (empty unless no role covers them all), "role_scores"}."""
        text = normalise_text(text)
        if not text:
            return {"domains": [], "role": None}
        clauses = [c for c in split_clauses(text) if c != text]
        queries = self.embedder.encode_queries([text, *clauses])
        p = self.params
        dom = self._affinity(queries)
        raw = 0.5 * dom[0] + 0.5 * dom.max(axis=0) - self.domain_bias
        dist = _softmax(raw, p.tau)
        roles = _top_mean(cosine(queries, self.role_vectors), self.role_groups, p.top)
        role_raw = 0.5 * roles[0] + 0.5 * roles.max(axis=0)
        role_score = p.role_blend * _softmax(role_raw, p.tau) + (1 - p.role_blend) * (self.role_weights @ dist)
        order = np.argsort(-dist)
        top = top_areas(dist, self.domain_ids, p.top_mass, p.max_top)
        scores = {self.role_ids[r]: float(role_score[r]) for r in range(len(self.role_ids))}
        role, uncovered = covering_role(top, {d: float(dist[i]) for i, d in enumerate(self.domain_ids)}, scores,
                                        self.role_domains)
        return {
            "domains": [{"id": self.domain_ids[i], "score": round(float(dist[i]), 4)} for i in order],
            "role": role,
            "top_domains": top,
            "uncovered": uncovered,
            "role_scores": {self.role_ids[r]: round(float(role_score[r]), 4) for r in np.argsort(-role_score)},
        }

    def place_many(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        return [self.place(t) for t in texts]


_placers: dict[tuple[str, str], Placer] = {}


def get_placer(bank: Bank | None = None, embedder: Embedder | None = None) -> Placer:
    """A cached Placer for (bank content hash, embedder)."""
    from assessor.bank.load import load_bank
    from assessor.retrieval.embedder import get_embedder
    from assessor.retrieval.index import load_index
    from assessor.settings import get_settings

    bank = bank or load_bank(get_settings().bank_dir)
    embedder = embedder or get_embedder()
    key = (bank.content_hash, embedder.model_id)
    if key not in _placers:
        _placers[key] = Placer(bank, embedder, index=load_index(bank, embedder))
    return _placers[key]


def place(text: str, bank: Bank | None = None, embedder: Embedder | None = None) -> dict[str, Any]:
    """Map a worker's description of their work (zh or en, colloquial) to ranked domains and a role."""
    return get_placer(bank, embedder).place(text)
