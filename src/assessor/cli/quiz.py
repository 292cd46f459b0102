"""`assessor quiz`: the whole session in a terminal, through the same dialogue and store as the web app."""

from __future__ import annotations

import typer

from assessor.i18n import t

HELP = {
    "zh": "输入选项编号作答（多选用逗号分隔，如 1,3；排序按顺序写编号，如 3 1 2 4）；? 换个说法；ask 问题 查题库；q 结束。",
    "en": "Type the option number (several: 1,3; an order: 3 1 2 4); ? for plainer words; ask QUESTION to search the bank; q to finish.",
}


def _parse(text: str, options: list[tuple[str, str]], item_type: str) -> object:
    """Map typed numbers to option ids; free text for open scenarios."""
    if item_type == "open_scenario":
        return text
    parts = [p for p in text.replace(",", " ").replace("，", " ").split() if p]
    picks = []
    for part in parts:
        if not part.isdigit() or not 1 <= int(part) <= len(options):
            return "?invalid"
        picks.append(options[int(part) - 1][0])
    if item_type in ("single_choice", "true_false"):
        return picks[0] if len(picks) == 1 else "?invalid"
    return picks


def quiz(
    role: str = typer.Option(..., "--role", help="housekeeper, maternity_nurse, family_caregiver, infant_carer, elderly_carer, home_organizer"),
    level: int = typer.Option(..., "--level", help="Target level: 5, 4, 3, 2 or 1"),
    lang: str = typer.Option("zh", "--lang", help="zh or en"),
    worker: str = typer.Option("terminal", "--worker", help="Worker code"),
    years: float = typer.Option(None, "--years", help="Years of experience (optional)"),
    resume: str = typer.Option(None, "--resume", help="Resume code of an unfinished session"),
    embedder: str = typer.Option(None, "--embedder", help="Embedder for free-text answers (default: settings)"),
) -> None:
    """Take a quiz in the terminal; every answer is stored as in the web app."""
    from assessor.bank.load import load_bank
    from assessor.dialogue import Assessment, InputProblem, Models
    from assessor.settings import get_settings
    from assessor.store import open_store

    settings = get_settings()
    bank = load_bank(settings.bank_dir)
    assessment = Assessment(bank, open_store(), models=Models(bank, embedder_name=embedder), centre=settings.centre)
    try:
        turn = assessment.resume(resume, lang) if resume else assessment.start(
            worker, role=role, level=level, lang=lang, years=years)
    except InputProblem as problem:
        typer.echo(problem.message(lang), err=True)
        raise typer.Exit(2) from problem
    typer.echo(t("greeting", lang))
    typer.echo(HELP[lang])
    while True:
        if turn.notice:
            typer.echo(f"\n{turn.notice}")
        if turn.feedback:
            typer.echo("\n" + turn.feedback.as_markdown())
        if turn.result:
            typer.echo("\n" + turn.result.as_markdown())
            return
        question = turn.question
        assert question is not None
        typer.echo("\n" + question.as_markdown())
        if question.type == "true_false":
            typer.echo("  ".join(f"{i}. {text}" for i, (_, text) in enumerate(question.options, start=1)))
        try:
            line = input("> ").strip()
        except EOFError:
            typer.echo(f"\n{t('keep_code', lang, code=turn.resume_code)}")
            return
        try:
            if line.lower() in ("q", "quit", "exit"):
                turn = assessment.stop(turn.session_id, lang)
            elif line == "?":
                typer.echo(assessment.rephrase(turn.session_id, lang))
                turn = assessment.current(turn.session_id, lang)
                turn.notice = None
            elif line.lower().startswith("ask "):
                for hit in assessment.ask(turn.session_id, line[4:], lang) or []:
                    typer.echo(f"- {hit['text']} ({t('ask_source', lang, source=hit['ref'])})")
                turn = assessment.current(turn.session_id, lang)
            else:
                response = _parse(line, question.options, question.type)
                if response == "?invalid":
                    typer.echo(t("bad_option", lang))
                    continue
                turn = assessment.answer(turn.session_id, question.item_id, response, lang=lang)
        except InputProblem as problem:
            typer.echo(problem.message(lang))


def register(app: typer.Typer) -> None:
    app.command("quiz")(quiz)
