"""Length against accuracy at one level: the real engine under changed stop/selection settings, with readiness
accuracy per stop reason (where the wrong decisions come from).

    .venv/bin/python bench/level_tradeoff.py [--level 4] [--roles ...] [--examinees 300] [--seed 7]
                                             [--set FIELD=VALUE ...] [--k K] [--json]

`--set` changes an EngineConfig field for every session (a number, or JSON such as a mapping); `--k` sets the
blueprint's own-evidence k at this level. Simulees and answers as in `assessor simulate` (θ ~ N(0, Σ), ρ = 0.6; simulate.run_session).
Use a seed other than bench/simulate_roles.py's (1) while exploring, so that table stays a check.
Columns: mean items, share at the item cap, readiness accuracy, per-area classification, mean Fisher information
of the given items at the simulee's true θ, then per stop reason: sessions, readiness accuracy, mean items.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from assessor.bank.load import Bank, load_bank
from assessor.cat import engine, select, stop
from assessor.cat.simulate import _truth, run_session


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def run_role(bank: Bank, role: str, level: int, n: int, seed: int, config: engine.EngineConfig) -> dict[str, Any]:
    """One role: the engine on n simulees (simulate.run_session, exposure rates fed forward as in the app),
    decisions against truth."""
    rng = np.random.default_rng(seed)
    state0 = engine.start_session(bank, role, level, config=config, seed=seed)
    domains, cut = state0.domains, state0.cut_score
    truth, _ = _truth(domains, n, rng, 0.6, "normal", cut)
    w = np.array([state0.shares[d] for d in domains])
    w /= w.sum()
    arrays = select.bank_arrays(bank)
    counts: Counter[str] = Counter()
    infos: list[float] = []
    sessions: list[tuple[str, int, bool, float]] = []
    for p in range(n):
        run = run_session(bank, role, level, truth[p], rng, config=config, seed=seed * 1_000_003 + p,
                          exposure_rates=select.exposure_rates(counts, p))
        for item in run.items:
            counts[item.id] += 1
            theta = float(truth[p, domains.index(item.domain)])
            infos.append(float(select.item_information(arrays, np.array([arrays.index[item.id]]), theta)[0]))
        state = run.state
        est = np.array([state.theta[d] for d in domains])
        ready_right = bool((est @ w >= cut) == (truth[p] @ w >= cut))
        area_right = float(np.mean((est >= cut) == (truth[p] >= cut)))
        sessions.append((stop.reason_code(state.stop_reason) or "?", state.n_items, ready_right, area_right))
    by_reason: dict[str, list[tuple[str, int, bool, float]]] = defaultdict(list)
    for s in sessions:
        by_reason[s[0]].append(s)
    return {
        "role": role, "mean_items": float(np.mean([s[1] for s in sessions])),
        "at_cap": float(np.mean([s[1] >= config.max_items for s in sessions])),
        "readiness": float(np.mean([s[2] for s in sessions])), "per_area": float(np.mean([s[3] for s in sessions])),
        "info_per_item": float(np.mean(infos)),
        "by_reason": {r: {"sessions": len(v), "readiness": float(np.mean([s[2] for s in v])),
                          "mean_items": float(np.mean([s[1] for s in v]))} for r, v in sorted(by_reason.items())},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--level", type=int, default=4)
    ap.add_argument("--roles", nargs="*", default=None)
    ap.add_argument("--examinees", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--bank", default="question_bank")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE")
    ap.add_argument("--k", type=int, default=None, help="own-evidence k at this level (blueprint)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    bank = load_bank(Path(args.bank))
    overrides = {}
    for pair in args.set:
        field, _, text = pair.partition("=")
        if field not in engine.EngineConfig.model_fields:
            raise SystemExit(f"--set {pair}: no EngineConfig field '{field}'")
        overrides[field] = _value(text)
    config = engine.EngineConfig().model_copy(update=overrides)
    roles = args.roles or sorted(r for r, role in bank.roles.items() if args.level in role.levels)
    if args.k is not None:
        for role_id in roles:
            blueprint = bank.roles[role_id].levels[args.level]
            bank.roles[role_id].levels[args.level] = blueprint.model_copy(update={"own_evidence_k": args.k})
    rows = [run_role(bank, r, args.level, args.examinees, args.seed, config) for r in roles]
    if args.json:
        print(json.dumps({"level": args.level, "overrides": overrides, "k": args.k, "rows": rows}, indent=1))
        return
    print(f"level {args.level}, {args.examinees} simulees, seed {args.seed}, settings {overrides or 'default'}"
          f"{f', k {args.k}' if args.k is not None else ''}")
    for row in rows:
        reasons = "  ".join(f"{r} {v['sessions']} ({v['readiness']:.0%}, {v['mean_items']:.1f})" for r, v in row["by_reason"].items())
        print(f"{row['role']:17s} mean {row['mean_items']:5.1f} cap {row['at_cap']:5.1%} ready {row['readiness']:5.1%} "
              f"area {row['per_area']:5.1%} info {row['info_per_item']:.2f} | {reasons}")
    keys = ("mean_items", "at_cap", "readiness", "per_area", "info_per_item")
    mean = {k: float(np.mean([r[k] for r in rows])) for k in keys}
    print(f"{'mean of roles':17s} mean {mean['mean_items']:5.1f} cap {mean['at_cap']:5.1%} ready {mean['readiness']:5.1%} "
          f"area {mean['per_area']:5.1%} info {mean['info_per_item']:.2f}")


if __name__ == "__main__":
    main()
