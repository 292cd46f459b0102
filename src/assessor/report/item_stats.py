"""Item statistics from stored responses, and flags for review.

For each item: n, p-value (mean score), point-biserial r between the item score and the rest score (the
session's mean score on its other items), exposure (share of sessions that saw it), mean seconds, and a misfit
index: mean (observed − expected) score where expected = P(θ̂ before... approximated by θ̂ after the session) under
the item's parameters as used. Flags: near-zero or negative discrimination (r < 0.1 with n ≥ `min_n`),
misfit (|mean residual| > 0.2 with n ≥ `min_n`), over-exposure (exposure > `max_exposure`), and, when the
sessions' languages are given, differential item functioning between zh and en (Mantel–Haenszel, `cat/dif.py`):
"dif" for ETS class B or C (an item with fewer than `dif_min` answers in either language is not tested).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np


def _expected(params: dict[str, Any], theta: float) -> float:
    a, b, c = float(params.get("a", 1.0)), float(params.get("b", 0.0)), float(params.get("c", 0.0))
    return c + (1 - c) / (1 + math.exp(-a * (theta - b)))


def item_statistics(responses: Sequence[Any], *, final_theta: dict[str, dict[str, float]] | None = None,
                    min_n: int = 20, max_exposure: float = 0.25, languages: dict[str, str] | None = None,
                    dif_min: int = 30) -> list[dict[str, Any]]:
    """Per item statistics (sorted by item id). `final_theta` maps session id → domain → final θ̂ (default: the
    θ after the session's last response); `languages` (session id → 'zh'/'en') turns on the DIF test."""
    by_session: dict[str, list[Any]] = defaultdict(list)
    for r in responses:
        if not r.pilot:
            by_session[r.session_id].append(r)
    sessions = len(by_session) or 1
    if final_theta is None:
        final_theta = {sid: (rows[-1].theta if rows else {}) for sid, rows in by_session.items()}
    totals = {sid: (sum(r.score for r in rows), len(rows)) for sid, rows in by_session.items()}
    per_item: dict[str, list[Any]] = defaultdict(list)
    for r in responses:
        per_item[r.item_id].append(r)
    dif = _dif(by_session, final_theta, languages, dif_min) if languages else {}
    out = []
    for item_id in sorted(per_item):
        rows = per_item[item_id]
        scores = np.array([r.score for r in rows], dtype=float)
        rest = []
        for r in rows:
            total, n = totals.get(r.session_id, (0.0, 0))
            rest.append((total - (0.0 if r.pilot else r.score)) / max(1, n - (0 if r.pilot else 1)))
        rest_arr = np.array(rest, dtype=float)
        if len(rows) >= 3 and scores.std() > 0 and rest_arr.std() > 0:
            pbis = float(np.corrcoef(scores, rest_arr)[0, 1])
        else:
            pbis = float("nan")
        residuals = [r.score - _expected(r.item_params or {}, final_theta.get(r.session_id, {}).get(r.domain, 0.0))
                     for r in rows if r.item_type != "open_scenario"]
        misfit = float(np.mean(residuals)) if residuals else float("nan")
        seconds = [r.seconds for r in rows if r.seconds is not None]
        exposure = len({r.session_id for r in rows}) / sessions
        flags = []
        if len(rows) >= min_n and not math.isnan(pbis) and pbis < 0.1:
            flags.append("negative_discrimination" if pbis < 0 else "low_discrimination")
        if len(rows) >= min_n and not math.isnan(misfit) and abs(misfit) > 0.2:
            flags.append("misfit")
        if exposure > max_exposure and sessions >= 10:
            flags.append("over_exposed")
        found = dif.get(item_id)
        if found is not None and found.ets_class != "A":
            flags.append("dif")
        out.append({
            "item_id": item_id, "domain": rows[0].domain, "level": rows[0].level, "type": rows[0].item_type,
            "n": len(rows), "p_value": round(float(scores.mean()), 3),
            "point_biserial": None if math.isnan(pbis) else round(pbis, 3),
            "exposure": round(exposure, 3), "mean_seconds": round(float(np.mean(seconds)), 1) if seconds else None,
            "misfit": None if math.isnan(misfit) else round(misfit, 3), "flags": flags,
            "dif": None if found is None else f"{found.ets_class} Δ={found.delta:+.2f}",
        })
    return out


def _dif(by_session: dict[str, list[Any]], final_theta: dict[str, dict[str, float]], languages: dict[str, str],
         dif_min: int) -> dict[str, Any]:
    """Mantel–Haenszel zh (reference) vs en (focal) per item, matched on the session's final θ̂ of the domain."""
    from assessor.cat.dif import DifAnswer, mantel_haenszel

    answers = [DifAnswer(r.item_id, languages.get(sid, ""), float(final_theta.get(sid, {}).get(r.domain, 0.0)),
                         bool(r.correct))
               for sid, rows in by_session.items() for r in rows]
    return {d.item_id: d for d in mantel_haenszel(answers, reference="zh", focal="en", min_per_group=dif_min)}


def domain_distributions(sessions: Sequence[Any]) -> dict[str, list[float]]:
    """Final θ per domain across finished sessions (from their stored results)."""
    out: dict[str, list[float]] = defaultdict(list)
    for session in sessions:
        results = (session.results or {}).get("results", {})
        for d in results.get("domains", []):
            out[d["domain"]].append(float(d["theta"]))
    return dict(out)
