"""Simulation benchmark for every role: the real engine against the shipped bank, plus selection speed
on a synthetic 10,000-item bank.

    .venv/bin/python bench/simulate_roles.py [--examinees 300] [--seed 1] [--levels 4 5 3] [--json PATH]

Simulees: per-domain θ ~ N(0, Σ), SD 1, inter-domain correlation ρ = 0.6. Fixed form: a blueprint-balanced
random form of the same mean length from the target level and its neighbours, scored by the same estimator.
Each simulee's session gets the exposure rates of the simulees before it (as the app passes the store's).

Last run (`.venv/bin/python bench/simulate_roles.py --examinees 500 --seed 1`, shipped bank of 703 items,
default EngineConfig, 2-core machine under load):

    shipped bank 35f6ae3d1f14: 703 items; 500 simulees per row, seed 1
    role              lvl  pool  mean  p90   RMSE  fixed   bias  class  worst  fxcls  ready  fxrdy  maxexp  unused
    --------------------------------------------------------------------------------------------------------------
    housekeeper         4   390  26.3   30  0.487  0.628 -0.011  86.7%  84.2%  80.5%  91.8%  86.2%    0.22   25.9%
    maternity_nurse     4   386  25.9   30  0.471  0.605 +0.005  88.1%  85.4%  81.1%  90.4%  88.8%    0.23   28.5%
    family_caregiver    4   395  26.2   30  0.474  0.611 -0.011  87.5%  85.4%  80.1%  91.0%  88.2%    0.22   28.6%
    infant_carer        4   386  25.7   30  0.496  0.633 -0.016  86.4%  81.6%  79.6%  90.6%  89.2%    0.23   28.8%
    elderly_carer       4   331  25.5   30  0.483  0.590 -0.023  87.7%  86.0%  82.3%  91.4%  89.2%    0.23   25.1%
    home_organizer      4   326  24.9   30  0.473  0.619 +0.006  86.9%  84.4%  79.9%  90.4%  86.0%    0.24   29.1%
    columns: class = per-domain classification accuracy (all domains), worst = the worst domain's, fx* = fixed form of the same mean length, ready = overall readiness accuracy
    selection speed on a synthetic 10000-item bank: 0.671 ms per next_item (24.7 items per session)
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from assessor.bank.load import load_bank
from assessor.cat.engine import EngineConfig
from assessor.cat.simulate import simulate
from assessor.testing import synthetic_bank

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examinees", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--levels", type=int, nargs="+", default=[4])
    parser.add_argument("--roles", nargs="+", default=None)
    parser.add_argument("--speed-items", type=int, default=10_000)
    parser.add_argument("--json", type=Path, default=None, help="Also write every result as JSON here.")
    args = parser.parse_args()

    bank = load_bank(ROOT / "question_bank")
    config = EngineConfig()
    rows = []
    header = (
        f"{'role':<17}{'lvl':>4}{'pool':>6}{'mean':>6}{'p90':>5}{'RMSE':>7}{'fixed':>7}{'bias':>7}"
        f"{'class':>7}{'worst':>7}{'fxcls':>7}{'ready':>7}{'fxrdy':>7}{'maxexp':>8}{'unused':>8}"
    )
    print(f"shipped bank {bank.version}: {len(bank.items)} items; {args.examinees} simulees per row, seed {args.seed}")
    print(header)
    print("-" * len(header))
    for role in args.roles or list(bank.roles):
        for level in args.levels:
            if level not in bank.roles[role].levels:
                continue
            t0 = time.perf_counter()
            out = simulate(bank, role, level, n_examinees=args.examinees, seed=args.seed, config=config)
            out["seconds"] = time.perf_counter() - t0
            rows.append(out)
            ff = out["fixed_form"]
            print(
                f"{role:<17}{level:>4}{out['pool_items']:>6}{out['mean_items']:>6.1f}{out['p90_items']:>5.0f}"
                f"{out['rmse_theta']:>7.3f}{ff['rmse_theta']:>7.3f}{out['bias_theta']:>+7.3f}"
                f"{out['classification_accuracy']['overall']:>7.1%}{out['classification_accuracy']['min_domain']:>7.1%}"
                f"{ff['classification_accuracy']['overall']:>7.1%}"
                f"{out['readiness_accuracy']:>7.1%}{ff['readiness_accuracy']:>7.1%}"
                f"{out['max_exposure']:>8.2f}{out['unused_share']:>8.1%}",
                flush=True,
            )
    print("columns: class = per-domain classification accuracy (all domains), worst = the worst domain's,"
          " fx* = fixed form of the same mean length, ready = overall readiness accuracy")
    big = synthetic_bank(args.speed_items, seed=args.seed, base=bank)
    speed = simulate(big, "housekeeper", 4, n_examinees=20, seed=args.seed, config=config, baseline=False)
    print(f"selection speed on a synthetic {args.speed_items}-item bank: {speed['ms_per_selection']:.3f} ms per next_item "
          f"({speed['mean_items']:.1f} items per session)")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "speed": speed}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
