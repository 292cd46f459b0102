"""`assessor grader train | tune | export-reviews`: fit the free-text matcher from the labelled corpus (and trainers'
reviews), re-fit its thresholds, and export review decisions as corpus rows. Held-out items are never used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

grader_app = typer.Typer(help="Train and tune the free-text scorer; export trainers' reviews.", no_args_is_help=True)


def _corpus_dir(path: Path | None) -> Path:
    from assessor.settings import get_settings

    return path or get_settings().bank_dir / "grading"


def _load(corpus: Path | None, embedder: str | None) -> tuple[Any, Any, Any, Path]:
    from assessor.bank.load import load_bank
    from assessor.bank.problems import BankError
    from assessor.grading.corpus import load_corpus
    from assessor.grading.train import CachedEmbedder
    from assessor.retrieval.embedder import EmbedderUnavailable, get_embedder
    from assessor.settings import get_settings

    folder = _corpus_dir(corpus)
    try:
        bank = load_bank(get_settings().bank_dir)
        data = load_corpus(folder, bank)
        inner = get_embedder(embedder)
    except (BankError, ValueError, OSError, EmbedderUnavailable) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    if not data.examples:
        typer.echo(f"error: no labelled answers in {folder} (labels*.jsonl joined with answers*.jsonl)", err=True)
        raise typer.Exit(1)
    skipped = ", ".join(f"{n} {why}" for why, n in data.skipped.items())
    typer.echo(f"corpus {folder}: {len(data.examples)} labelled answers over {len(data.items())} items"
               f" (held-out items excluded{'; skipped ' + skipped if skipped else ''})")
    return bank, data, CachedEmbedder(inner, get_settings().data_dir / "cache"), folder


def _report(label: str, figures: dict[str, float]) -> None:
    typer.echo(f"  {label:10} answers {int(figures['answers']):4}  band QWK {figures['band_qwk']:.3f}  "
               f"point acc {figures['point_accuracy']:.3f}  unsafe≥0.5 {figures['unsafe_pass']:.3f}  "
               f"complete≥0.75 {figures['complete_full']:.3f}  abstain {figures['abstain']:.3f}")


def _cv_and_tune(bank: Any, examples: list[Any], embedder: Any, head: Any, folds: int) -> tuple[Any, dict[str, Any]]:
    """Out-of-fold grades → per-language thresholds → review margins; prints the cross-validated figures."""
    from assessor.grading.metrics import summary
    from assessor.grading.train import cross_validate, tune_review_margins, tune_thresholds

    graded = cross_validate(embedder, bank, examples, k=folds, base=head)
    embedder.save()
    tuned = tune_thresholds(bank, graded, head)
    graded = cross_validate(embedder, bank, examples, k=folds, base=tuned)
    tuned = tune_review_margins(bank, graded, tuned)
    graded = cross_validate(embedder, bank, examples, k=folds, base=tuned)
    critical = (f", critical threshold {tuned.critical.threshold['zh']:.2f} margin {tuned.critical.review_margin:.2f}"
                if tuned.critical else "")
    typer.echo(f"item-level cross-validation ({folds} folds): point thresholds zh {tuned.point.threshold['zh']:.2f} "
               f"en {tuned.point.threshold['en']:.2f}, review margin {tuned.point.review_margin:.2f}{critical}")
    figures: dict[str, Any] = {}
    for lang in (None, "zh", "en"):
        sub = [g for g in graded if lang is None or g.example.lang == lang]
        if sub:
            figures_for_lang = summary(bank, sub)
            figures[lang or "all"] = {k: round(v, 4) for k, v in figures_for_lang.items()}
            _report(lang or "all", figures_for_lang)
    return tuned, figures


@grader_app.command("train")
def train_cmd(
    corpus: Path = typer.Option(None, "--corpus", help="Corpus folder (default: BANK/grading)."),
    embedder: str = typer.Option(None, "--embedder", help="Embedder name (default: settings.embedder)."),
    folds: int = typer.Option(5, "--folds", help="Leave-items-out folds for the thresholds."),
    out: Path = typer.Option(None, "--out", help="Where to write the head (default: the packaged head.json)."),
) -> None:
    """Fit the matcher on every labelled answer of non-held-out items (+ reviews), tune thresholds by CV."""
    from assessor.grading.matcher import HEAD_FILE
    from assessor.grading.scorer import Grader
    from assessor.grading.train import fit_head

    bank, data, emb, _ = _load(corpus, embedder)
    try:
        head = fit_head(Grader(emb, packaged=False), bank, data.examples)
        tuned, figures = _cv_and_tune(bank, data.examples, emb, head, folds)
        head = fit_head(Grader(emb, packaged=False), bank, data.examples, base=tuned)
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    emb.save()
    head.note.update(items=len(data.items()), folds=folds, cross_validation=figures)
    target = out or HEAD_FILE
    head.save(target)
    typer.echo(f"wrote {target}: point head on {head.note['point_pairs']} pairs "
               f"({head.note['point_positives']} said), critical head "
               f"{'on ' + str(head.note['critical_pairs']) + ' pairs' if head.critical else 'not fitted (too few)'}")


@grader_app.command("tune")
def tune_cmd(
    corpus: Path = typer.Option(None, "--corpus", help="Corpus folder (default: BANK/grading)."),
    embedder: str = typer.Option(None, "--embedder", help="Embedder name (default: settings.embedder)."),
    folds: int = typer.Option(5, "--folds", help="Leave-items-out folds."),
    head_path: Path = typer.Option(None, "--head", help="The head to re-tune (default: the packaged head.json)."),
) -> None:
    """Keep the head's weights; re-fit its per-language thresholds and review band from the corpus + reviews."""
    from assessor.grading.matcher import HEAD_FILE, HeadFile

    bank, data, emb, _ = _load(corpus, embedder)
    path = head_path or HEAD_FILE
    try:
        head = HeadFile.load(path)
    except ValueError as error:
        typer.echo(f"error: {error} (run `assessor grader train` first)", err=True)
        raise typer.Exit(1) from error
    try:
        tuned, figures = _cv_and_tune(bank, data.examples, emb, head, folds)
        tuned.note.update(retuned_on=len(data.examples), cross_validation=figures)
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    emb.save()
    tuned.save(path)
    typer.echo(f"wrote {path}")


@grader_app.command("export-reviews")
def export_reviews_cmd(
    out: Path = typer.Option(None, "--out", help="Target file (default: BANK/grading/reviews.jsonl)."),
) -> None:
    """Write every trainer-confirmed free-text decision as a corpus row (latest decision per answer)."""
    from assessor.bank.load import load_bank
    from assessor.grading.export import export_reviews, write_rows
    from assessor.settings import get_settings
    from assessor.store import open_store

    bank = load_bank(get_settings().bank_dir)
    rows, skipped = export_reviews(open_store(), bank)
    target = out or _corpus_dir(None) / "reviews.jsonl"
    write_rows(target, rows)
    typer.echo(f"wrote {len(rows)} reviewed answers to {target}"
               + (f" ({skipped} skipped: the rubric changed or the decision was incomplete)" if skipped else ""))


def register(app: typer.Typer) -> None:
    """Add `assessor grader` to the app."""
    app.add_typer(grader_app, name="grader")
