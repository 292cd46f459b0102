"""`assessor listen FILE [--lang zh|en] [--item ID] [--json]`: transcribe a spoken answer offline and, for a
tap item, say which option it names."""

from __future__ import annotations

from pathlib import Path

import typer


def listen(
    file: Path = typer.Argument(..., help="A recording: wav, ogg/opus, webm, m4a, mp3 (at most 2 minutes)."),
    lang: str = typer.Option("zh", "--lang", help="The language spoken: zh or en (never guessed)."),
    item_id: str | None = typer.Option(None, "--item", help="A bank item id: match the answer to its options."),
    as_json: bool = typer.Option(False, "--json", help='Print {"text", "seconds", "option"} as JSON.'),
) -> None:
    """Transcribe FILE; with --item, also the option(s) it names (null when unclear: never a guess)."""
    from assessor.cli.common import default_bank_dir, print_json
    from assessor.speech import voice_answer
    from assessor.speech.messages import message

    if lang not in ("zh", "en"):
        typer.echo(f"Error: {message('bad_lang', 'en')} / {message('bad_lang', 'zh')}", err=True)
        raise typer.Exit(2)
    item = None
    if item_id is not None:
        from assessor.bank.load import load_bank

        item = load_bank(default_bank_dir()).items.get(item_id)
        if item is None:
            typer.echo(f"Error: no item {item_id} in the bank / 题库里没有 {item_id} 这道题", err=True)
            raise typer.Exit(2)
    answer = voice_answer(file, item, lang)
    option: str | list[str] | None = None
    if item is not None and item.type != "open_scenario" and answer.option_ids:
        option = answer.option_id if item.type in ("single_choice", "true_false") else list(answer.option_ids)
    if as_json:
        data: dict[str, object] = {"text": answer.text, "seconds": round(answer.seconds, 3), "option": option}
        if answer.problem:
            data.update(problem=answer.problem, message=answer.message)
        print_json(data)
    else:
        typer.echo(answer.text)
        if option is not None:
            typer.echo(f"option: {option}")
        if answer.message:
            typer.echo(answer.message, err=True)
    if not answer.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("listen")(listen)
