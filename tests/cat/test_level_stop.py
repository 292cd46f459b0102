"""Per-level stop settings (LevelBlueprint.stop): they reach the session's config, survive a resume, and an
unknown key is a clear bank error with file and line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from assessor.bank.load import Bank, check_bank
from assessor.bank.schema import StopSettings
from assessor.cat import engine


def _with_stop(bank: Bank, role: str, level: int, **settings: float) -> Bank:
    """A shallow copy of `bank` whose `role` at `level` carries these stop settings (the fixture is untouched)."""
    old = bank.roles[role]
    levels = dict(old.levels)
    levels[level] = levels[level].model_copy(update={"stop": StopSettings(**settings)})
    roles = dict(bank.roles)
    roles[role] = old.model_copy(update={"levels": levels})
    return dataclasses.replace(bank, roles=roles)


def test_stop_settings_name_engine_config_fields() -> None:
    assert set(StopSettings.model_fields) <= set(engine.EngineConfig.model_fields)


def test_level_override_reaches_the_session_config(small_bank: Bank) -> None:
    bank = _with_stop(small_bank, "housekeeper", 4, p_overall=0.97, min_gain_per_item=0.002, close_call_min_items=14)
    state = engine.start_session(bank, "housekeeper", 4, seed=3)
    assert state.config.p_overall == 0.97
    assert state.config.min_gain_per_item == 0.002
    assert state.config.close_call_min_items == 14
    assert state.config.p_area == engine.EngineConfig().p_area  # not set: the default
    resumed = engine.SessionState.from_json(state.to_json())
    assert resumed.config == state.config


def test_override_applies_on_top_of_a_given_config(small_bank: Bank) -> None:
    bank = _with_stop(small_bank, "housekeeper", 4, accuracy_target=0.9)
    given = engine.EngineConfig(max_items=25)
    state = engine.start_session(bank, "housekeeper", 4, config=given)
    assert state.config.accuracy_target == 0.9 and state.config.max_items == 25
    assert given.accuracy_target == engine.EngineConfig().accuracy_target  # the caller's config is not changed


def test_level_without_overrides_gets_the_defaults(small_bank: Bank) -> None:
    bank = _with_stop(small_bank, "housekeeper", 4, p_overall=0.97)
    assert bank.roles["housekeeper"].levels[5].stop is None
    state = engine.start_session(bank, "housekeeper", 5)
    assert state.config == engine.EngineConfig()


def test_unknown_stop_key_is_a_bank_error_with_file_and_line(tiny_bank_dir: Path) -> None:
    path = tiny_bank_dir / "roles.yaml"
    text = path.read_text(encoding="utf-8")
    old = "        cut_score: 0.0\n"
    assert old in text
    path.write_text(text.replace(old, old + "        stop: {p_overall: 0.97, p_ovrall: 0.9}\n", 1), encoding="utf-8")
    _bank, problems = check_bank(tiny_bank_dir)
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.file == "roles.yaml"
    assert problem.field == "levels[4].stop.p_ovrall"
    assert problem.message == "unknown field 'p_ovrall' (check the spelling)"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "stop:" in lines[problem.line - 1]


def test_known_stop_keys_load(tiny_bank_dir: Path) -> None:
    path = tiny_bank_dir / "roles.yaml"
    text = path.read_text(encoding="utf-8")
    old = "        cut_score: 0.0\n"
    path.write_text(text.replace(old, old + "        stop:\n          p_overall: 0.97\n", 1), encoding="utf-8")
    bank, problems = check_bank(tiny_bank_dir)
    assert problems == []
    assert bank.roles["housekeeper"].levels[4].stop == StopSettings(p_overall=0.97)
