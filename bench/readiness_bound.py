"""How right can a readiness decision be in N items with this bank? An optimistic bound, engine aside.

    .venv/bin/python bench/readiness_bound.py [--level 4] [--roles ...] [--examinees 1000] [--seed 3]

Relaxation (every simplification makes the task easier than the engine's, so the figures bound it from
above, up to simulation noise): the readiness composite c = Σ w_d θ_d is treated as the *only* ability,
every item of the role's domains measures c directly (no area-specific part), any item may come at any
time (no blueprint, no own-evidence rule, no gentle start, no type limits, no exposure control), the
posterior is exact (grid), and each next item is the most informative unused item at the posterior mean.
Simulees: c ~ N(0, wᵀΣw), Σ the simulation's correlation (ρ = 0.6, SD 1), as in `assessor simulate`.
Stop: the readiness claim max(P, 1 − P), P = P(c ≥ cut | answers), reaches p (swept), or 30 items.
Each row of the output is one point of the length/accuracy frontier; the decision is P ≥ 0.5.

`--area`: the same bound for one area's decision (θ_d ≥ cut), with the other areas' abilities known
exactly (the most the shared-strength prior could ever lend): θ_d | others ~ N(m, 1 − ρ·D'·β) with
β = ρ / (1 + (D' − 1)ρ), D' = D − 1 other areas, m = β·Σ others; only that area's items, cap
`--area-cap` (the engine's per-area maximum is about 2 × share × 30). Mean items are per area.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from assessor.bank.load import Bank, load_bank
from assessor.bank.schema import Item
from assessor.cat.irt import log_lik_3pl, log_lik_gpcm
from assessor.cat.prior import exchangeable_cov
from assessor.cat.select import bank_arrays, item_information, item_params
from assessor.cat.simulate import draw_category

GRID = np.linspace(-5.0, 5.0, 401)


def _answer_likelihood(item: Item, theta: float, rng: np.random.Generator) -> np.ndarray:
    """L(θ) over GRID of an answer to `item` drawn at the true θ (simulate.draw_category, irt.log_lik_*)."""
    k = draw_category(item, theta, rng)
    a, b, c, steps = item_params(item)
    return np.exp(log_lik_3pl(GRID, a, b, c, k) if steps is None else log_lik_gpcm(GRID, a, b, steps, k))


def frontier(bank: Bank, pool: np.ndarray, sd: float, cut: float, p_stops: list[float], n: int,
             seed: int, cap: int = 30, max_exposure: float | None = None,
             known_sd: float = 0.0) -> list[tuple[float, float, float, float]]:
    """(p, mean items, share at the cap, accuracy) per stop threshold, the same simulees for every p; with
    `max_exposure`, an item already shown to that share of the simulees before (after the first 20) rests.
    θ = m + e with m ~ N(0, known_sd²) known to the test (the prior is N(m, sd²)) and e ~ N(0, sd²)."""
    arrays = bank_arrays(bank)
    items = [bank.items[arrays.ids[i]] for i in pool]
    out = []
    for p_stop in p_stops:
        rng = np.random.default_rng(seed)
        known = rng.normal(0.0, known_sd, size=n) if known_sd > 0 else np.zeros(n)
        truth = known + rng.normal(0.0, sd, size=n)
        above = np.greater_equal(GRID, cut)
        lengths, right = [], []
        shown = np.zeros(pool.size)
        for s_i, theta in enumerate(truth):
            post = np.exp(-0.5 * ((GRID - known[s_i]) / sd) ** 2)
            post /= post.sum()
            used = np.zeros(pool.size, dtype=bool)
            k = 0
            while k < cap:
                reached = float(post[above].sum())
                if max(reached, 1.0 - reached) >= p_stop:
                    break
                info = item_information(arrays, pool, float(GRID @ post))
                info[used] = -1.0
                if max_exposure is not None and s_i >= 20:
                    info[shown / s_i >= max_exposure] = -1.0
                j = int(np.argmax(info))
                used[j] = True
                post = post * _answer_likelihood(items[j], float(theta), rng)
                post /= post.sum()
                k += 1
            shown += used
            lengths.append(k)
            right.append((float(post[above].sum()) >= 0.5) == (theta >= cut))
        out.append((p_stop, float(np.mean(lengths)), float(np.mean(np.array(lengths) >= cap)), float(np.mean(right))))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--level", type=int, default=4)
    ap.add_argument("--roles", nargs="*", default=None)
    ap.add_argument("--examinees", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--bank", default="question_bank")
    ap.add_argument("--max-exposure", type=float, default=None, help="rest items shown to this share (e.g. 0.25)")
    ap.add_argument("--area", action="store_true", help="bound one area's decision instead of readiness")
    ap.add_argument("--area-cap", type=int, default=10)
    ap.add_argument("--p", nargs="*", type=float, default=[0.9, 0.95, 0.975, 0.99, 0.999])
    args = ap.parse_args()
    bank = load_bank(Path(args.bank))
    arrays = bank_arrays(bank)
    roles = args.roles or sorted(r for r, role in bank.roles.items() if args.level in role.levels)
    what = "one area's decision (others known)" if args.area else "readiness"
    print(f"level {args.level}: optimistic 1-D bound on {what} accuracy, {args.examinees} simulees, seed {args.seed}, "
          f"max exposure {args.max_exposure or 'none'}")
    print(f"{'role':17s} {'sd':>6s} {'pool' if not args.area else 'areas':>5s} {'p':>6s} {'mean':>5s} {'cap':>6s} {'right':>6s}")
    for role_id in roles:
        blueprint = bank.roles[role_id].levels[args.level]
        domains = sorted(blueprint.weights)
        w = np.array([blueprint.weights[d] for d in domains], dtype=float)
        w /= w.sum()
        if args.area:
            _area_rows(bank, role_id, domains, blueprint.cut_score, args)
            continue
        sd = float(np.sqrt(w @ exchangeable_cov(len(domains), 0.6, 1.0) @ w))
        pool = np.concatenate([arrays.active_by_domain[d] for d in domains if d in arrays.active_by_domain])
        for p_stop, mean, cap, acc in frontier(bank, pool, sd, blueprint.cut_score, args.p, args.examinees, args.seed,
                                              max_exposure=args.max_exposure):
            print(f"{role_id:17s} {sd:6.3f} {pool.size:5d} {p_stop:6.3f} {mean:5.1f} {cap:6.1%} {acc:6.1%}", flush=True)


def _area_rows(bank: Bank, role_id: str, domains: list[str], cut: float, args: argparse.Namespace) -> None:
    """Per p: the mean over the role's areas of the one-area bound (items per area, accuracy)."""
    rho, others = 0.6, len(domains) - 1
    beta = rho / (1.0 + (others - 1) * rho)
    sd = float(np.sqrt(1.0 - rho * others * beta))
    known_sd = float(np.sqrt(1.0 - sd**2))
    arrays = bank_arrays(bank)
    rows = [frontier(bank, arrays.active_by_domain[d], sd, cut, args.p, args.examinees, args.seed, cap=args.area_cap,
                     max_exposure=args.max_exposure, known_sd=known_sd) for d in domains if d in arrays.active_by_domain]
    for j, p_stop in enumerate(args.p):
        mean = float(np.mean([r[j][1] for r in rows]))
        cap = float(np.mean([r[j][2] for r in rows]))
        acc = float(np.mean([r[j][3] for r in rows]))
        print(f"{role_id:17s} {sd:6.3f} {len(rows):5d} {p_stop:6.3f} {mean:5.1f} {cap:6.1%} {acc:6.1%}", flush=True)


if __name__ == "__main__":
    main()
