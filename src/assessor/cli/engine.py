"""`assessor simulate` and `assessor calibrate`: the engine's benchmark and item calibration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from assessor.cli.common import default_bank_dir, print_json


def _load_bank(spec: str | None, seed: int) -> Any:
    from assessor.bank.load import load_bank
    from assessor.testing import synthetic_bank

    if spec and spec.startswith("synthetic:"):
        n = int(spec.split(":", 1)[1])
        base = None
        try:
            base = load_bank(default_bank_dir())
        except Exception:  # noqa: BLE001 - the synthetic bank only borrows roles and courses
            base = None
        return synthetic_bank(n, seed=seed, base=base)
    return load_bank(Path(spec) if spec else default_bank_dir())


def simulate_command(
    role: str = typer.Option(..., "--role", help="Role id, e.g. housekeeper."),
    level: int = typer.Option(4, "--level", help="Target level (5 entry … 1 top)."),
    examinees: int = typer.Option(200, "--examinees", help="Number of simulees."),
    seed: int = typer.Option(0, "--seed"),
    bank: str | None = typer.Option(None, "--bank", help="Bank folder, or synthetic:N for N generated items."),
    exposure: str | None = typer.Option(None, "--exposure", help="randomesque | progressive | sympson_hetter | max_info"),
    k: int | None = typer.Option(None, "--randomesque-k", help="Randomesque group size."),
    max_items: int | None = typer.Option(None, "--max-items"),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Also run the fixed-form baseline."),
    profile: str = typer.Option("normal", "--profile", help="normal | spiky (one area 1.5 below the cut, the others 1.0 above)."),
    aberrant: str | None = typer.Option(None, "--aberrant", help="random | testwise | careless | speeder"),
    focus: list[str] = typer.Option([], "--focus", help="An area the worker ticked (repeat for several)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Run the real engine on simulees with known, correlated per-domain abilities."""
    from assessor.cat.engine import EngineConfig, EngineError
    from assessor.cat.simulate import ABERRANT, PROFILES, simulate

    if profile not in PROFILES:
        typer.echo(f"--profile must be one of: {', '.join(PROFILES)}", err=True)
        raise typer.Exit(2)
    if aberrant is not None and aberrant not in ABERRANT:
        typer.echo(f"--aberrant must be one of: {', '.join(ABERRANT)}", err=True)
        raise typer.Exit(2)

    loaded = _load_bank(bank, seed)
    overrides: dict[str, Any] = {}
    if exposure:
        overrides["exposure"] = exposure
    if k is not None:
        overrides["randomesque_k"] = k
    if max_items is not None:
        overrides["max_items"] = max_items
    config = EngineConfig(**overrides)
    try:
        out = simulate(loaded, role, level, n_examinees=examinees, seed=seed, config=config, baseline=baseline,
                       profile=profile, aberrant=aberrant, focus_domains=focus)
    except EngineError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from error
    out["config"] = config.model_dump()
    if as_json:
        print_json(out)
        return
    cls = out["classification_accuracy"]
    typer.echo(f"{role} level {level}: {examinees} simulees, pool {out['pool_items']} items")
    typer.echo(f"  items mean {out['mean_items']:.1f}  p90 {out['p90_items']:.0f}  ms/selection {out['ms_per_selection']:.2f}")
    typer.echo(f"  RMSE {out['rmse_theta']:.3f}  bias {out['bias_theta']:+.3f}  readiness {out['readiness_accuracy']:.1%}")
    typer.echo(f"  classification overall {cls['overall']:.1%}  worst domain {cls['min_domain']:.1%}")
    typer.echo(f"  max exposure {out['max_exposure']:.2f}  unused {out['unused_share']:.1%}  at the item cap {out['at_cap_share']:.1%}")
    typer.echo(f"  open items in the first 5: {out['open_in_first_5']}  types {out['type_shares']}")
    typer.echo(f"  flagged as aberrant: {out['flagged_share']:.1%} {out['flag_reasons']}")
    for label, by_direction in out["claims"].items():
        for direction, c in by_direction.items():
            if c["count"]:
                typer.echo(f"  claim {label}/{direction}: {c['count']} made, {c['share_true'] or 0:.1%} true")
    if profile == "spiky":
        typer.echo(f"  weak area found {out['weak_area_found']:.1%}, shown reached and very sure {out['weak_area_sure_reached']:.1%}")
    if "fixed_form" in out:
        ff = out["fixed_form"]
        typer.echo(
            f"  fixed form ({ff['items']} items): RMSE {ff['rmse_theta']:.3f}  readiness {ff['readiness_accuracy']:.1%}"
            f"  classification {ff['classification_accuracy']['overall']:.1%}"
        )


def _rows_from_store() -> list[tuple[str, str, int]] | None:
    try:
        from assessor.store import open_store
    except ImportError:
        return None
    store = open_store()
    return [(f"{r.session_id}:{r.domain}", r.item_id, int(r.category)) for r in store.all_responses()]


def _dif_from_store() -> list[Any]:
    """DIF input from the store: each counted answer with its session's language and the final θ̂ of its
    domain in that session (the θ after the session's last answer in that domain)."""
    from assessor.cat.dif import DifAnswer
    from assessor.store import open_store

    store = open_store()
    languages = {row.id: row.language for row, _ in store.list_sessions(limit=None)}
    responses = [r for r in store.all_responses() if getattr(r, "counted", True) and not r.pilot]
    final: dict[tuple[str, str], float] = {}
    for r in responses:
        if r.domain in (r.theta or {}):
            final[(r.session_id, r.domain)] = float(r.theta[r.domain])
    return [
        DifAnswer(r.item_id, languages.get(r.session_id, ""), final.get((r.session_id, r.domain), 0.0), bool(r.correct))
        for r in responses
    ]


def _dif_from_jsonl(path: Path) -> list[Any]:
    """DIF input from JSON lines that carry `lang` and `theta` (lines without them are skipped)."""
    from assessor.cat.dif import DifAnswer

    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if "lang" in row and "theta" in row:
            right = bool(row["correct"]) if "correct" in row else float(row.get("score", 0)) >= 1.0
            out.append(DifAnswer(row["item"], str(row["lang"]), float(row["theta"]), right))
    return out


def dif_report(answers: list[Any], min_per_group: int) -> dict[str, Any]:
    """The `dif` field of the calibrate report: Mantel–Haenszel zh (reference) vs en (focal)."""
    from assessor.cat.dif import mantel_haenszel

    results = mantel_haenszel(answers, reference="zh", focal="en", min_per_group=min_per_group)
    report: dict[str, Any] = {
        "reference": "zh", "focal": "en", "min_per_group": min_per_group, "items_tested": len(results),
        "flagged": [r.to_dict() for r in results if r.ets_class != "A"],
    }
    if not results:
        report["note"] = f"not enough answers: DIF needs at least {min_per_group} per language on an item"
    return report


def _rows_from_jsonl(path: Path, bank: Any) -> list[tuple[str, str, int]]:
    rows: list[tuple[str, str, int]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        item = bank.items.get(row["item"])
        if item is None:
            continue
        if row.get("category") is not None:
            category = int(row["category"])
        else:
            category = int(round(float(row["score"]) * item.max_score_categories))
        rows.append((f"{row['session']}:{item.domain}", item.id, category))
    return rows


def calibrate_command(
    apply: bool = typer.Option(False, "--apply", help="Write the new values back into the bank files."),
    min_responses: int = typer.Option(50, "--min-responses", help="Items with fewer answers keep their priors."),
    responses: Path | None = typer.Option(None, "--responses", help="JSON-lines {session, item, category|score} instead of the store."),
    bank_dir: Path | None = typer.Option(None, "--bank", help="Bank folder (default: the configured one)."),
    threshold: float = typer.Option(0.1, "--threshold", help="Report items whose a or b moves more than this."),
    dif_min: int = typer.Option(30, "--dif-min", help="Answers per language an item needs before its DIF is tested."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Estimate item parameters (MML with priors) from stored responses; report changes; --apply writes them."""
    from assessor.bank.load import load_bank
    from assessor.bank.write import apply_to_files
    from assessor.cat.calibrate import ItemSpec, calibrate, response_matrix
    from assessor.cat.select import item_params

    root = bank_dir or default_bank_dir()
    bank = load_bank(root)
    rows = _rows_from_jsonl(responses, bank) if responses else _rows_from_store()
    if rows is None:
        typer.echo("No store available; pass --responses PATH (JSON lines).", err=True)
        raise typer.Exit(2)
    rows = [r for r in rows if r[1] in bank.items]
    item_ids = sorted({r[1] for r in rows})
    if not item_ids:
        typer.echo("No responses to calibrate from.")
        return
    specs = []
    for iid in item_ids:
        a, b, c, steps = item_params(bank.items[iid])
        specs.append(ItemSpec(iid, a, b, c, steps))
    X, persons = response_matrix(rows, item_ids)
    result = calibrate(X, specs, min_responses=min_responses)
    changed = result.changed(threshold)
    report: dict[str, Any] = {
        "persons": len(persons),
        "responses": len(rows),
        "items_with_responses": len(item_ids),
        "items_calibrated": sum(e.calibrated for e in result.items),
        "items_kept_prior": sum(not e.calibrated for e in result.items),
        "converged": result.converged,
        "iterations": result.iterations,
        "changed": [e.to_dict() for e in changed],
        "applied": False,
        "dif": dif_report(_dif_from_jsonl(responses) if responses else _dif_from_store(), dif_min),
    }
    if apply:
        files: dict[str, list[Any]] = {}
        for e in result.items:
            if e.calibrated:
                files.setdefault(bank.origins[f"item:{e.item_id}"].file, []).append(e)
        written = apply_to_files(Path(root), files)
        report["applied"] = True
        written_counts = {f: len(ids) for f, ids in written.items()}
        report["written"] = written_counts
    if as_json:
        print_json(report)
        return
    typer.echo(
        f"{report['responses']} responses from {report['persons']} person-domains; "
        f"{report['items_calibrated']} items calibrated, {report['items_kept_prior']} kept their priors (< {min_responses} answers)."
    )
    for e in changed:
        typer.echo(f"  {e.item_id}: a {e.a_prior:.2f} → {e.a:.2f} ({e.delta_a:+.2f}), b {e.b_prior:.2f} → {e.b:.2f} ({e.delta_b:+.2f}), n={e.n_responses}")
    dif = report["dif"]
    typer.echo(f"DIF zh/en (Mantel–Haenszel): {dif['items_tested']} items tested, {len(dif['flagged'])} flagged"
               + (f" ({dif['note']})" if "note" in dif else ""))
    for f in dif["flagged"]:
        typer.echo(f"  {f['item']}: class {f['class']}, delta {f['delta']:+.2f}, chi2 {f['chi2']:.1f}, n {f['n_reference']}/{f['n_focal']}")
    if apply:
        typer.echo(f"Written as source: calibrated in {len(written_counts)} file(s).")
    elif changed:
        typer.echo("Dry run: add --apply to write these values into the bank.")


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_command)
    app.command("calibrate")(calibrate_command)
