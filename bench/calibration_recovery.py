"""Calibration recovery: correlation of recovered with true b and a at N = 200, 500 and 1000.

    .venv/bin/python bench/calibration_recovery.py [--seeds 3] [--missing 0.0]

60 items shaped like the bank (see assessor.cat.calibrate.recovery_study); priors b₀ = true b + N(0, 0.5²),
a₀ = 1.2; θ ~ N(0, 1). Figures are means over seeds.

Last run, complete data (`.venv/bin/python bench/calibration_recovery.py`, 3 seeds):

         N    r(b)    r(a)  RMSE b  RMSE a  r(b) prior      s
       200   0.983   0.689   0.198   0.294       0.870    8.4
       500   0.991   0.872   0.129   0.183       0.870    7.0
      1000   0.994   0.920   0.106   0.149       0.870    6.8

With 60 % of the answers missing at random (`--missing 0.6 --seeds 2`):

         N    r(b)    r(a)  RMSE b  RMSE a  r(b) prior      s
       200   0.957   0.560   0.306   0.337       0.875    4.7
       500   0.977   0.668   0.196   0.301       0.875    6.0
      1000   0.988   0.829   0.155   0.210       0.875    4.7
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from assessor.cat.calibrate import recovery_study


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--missing", type=float, default=0.0, help="share of answers removed at random")
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 500, 1000])
    args = parser.parse_args()
    print(f"{'N':>6}{'r(b)':>8}{'r(a)':>8}{'RMSE b':>8}{'RMSE a':>8}{'r(b) prior':>12}{'s':>7}")
    for n in args.sizes:
        t0 = time.perf_counter()
        runs = [recovery_study(n, seed=s, missing_share=args.missing) for s in range(args.seeds)]
        mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
        print(f"{n:>6}{mean['r_b']:>8.3f}{mean['r_a']:>8.3f}{mean['rmse_b']:>8.3f}{mean['rmse_a']:>8.3f}"
              f"{mean['r_b_prior']:>12.3f}{time.perf_counter() - t0:>7.1f}")


if __name__ == "__main__":
    main()
