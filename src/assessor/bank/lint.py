"""Test-wise cue statistics: can a worker who knows nothing score by reading the options' form?

A good bank gives a guesser nothing to go on. `lint_bank` measures, over active items, the cues a test-wise
guesser uses and compares them with thresholds (`LintThresholds`):

- **cue words** (careless or absolute words: 不用, 就行, 只要, 随便, 越…越好, always, never, just, no need …):
  share of keyed options that hold one vs share of wrong options that hold one; the gap must stay within
  `cue_gap` (0.05) in each language;
- **length**: in single choice, share of items whose key is among the two longest options (chance 0.5 with four
  options) ≤ `key_two_longest` (0.60) in each language, and the same bound for the two shortest (a bank that
  over-corrects teaches "pick the short one");
- **multiple-choice key counts**: no single number of keyed options over `mc_key_count` (0.50) of the items;
- **key position** (options are shown in file order): in single choice no option position holds more than
  `key_position` (0.35; chance 0.25 with four options) of the keys; in multiple choice the first option is
  keyed in at most `mc_first_keyed` (0.80) of the items;
- **guessers**: drop options with a cue word, pick the longest of the rest (single choice) ≤ `guess_sc` (0.30);
  answer "false" to a true/false statement with a cue word, "true" otherwise ≤ `guess_tf` (0.55).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from assessor.bank.load import Bank
from assessor.bank.schema import Item

CUE_WORDS: dict[str, tuple[str, ...]] = {
    "zh": ("不用", "不必", "就行", "就可以了", "就好", "只要", "随便", "总是", "从不", "一定要", "绝对", "完全",
           "所有", "任何", "必须全部", "马上就", "越多越好", "越快越好", "越热越好", "越紧越好", "越久越好"),
    "en": ("no need", "just", "always", "never", "only", "any ", "all ", "completely", "absolutely", "whatever",
           "the more", "as much as", "everything", "anything", "don't bother", "no matter"),
}
_YUE = re.compile(r"越.{0,3}越好")
# English cues are whole words ("all" is a cue, "call 120" is not)
_EN_CUES = re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(c.strip()) for c in CUE_WORDS["en"]) + r")(?![a-z])",
                      re.IGNORECASE)


def has_cue(text: str, lang: str) -> bool:
    """Whether an option or statement holds a careless/absolute cue word in `lang`."""
    if lang == "zh":
        return bool(_YUE.search(text)) or any(cue in text for cue in CUE_WORDS["zh"])
    return bool(_EN_CUES.search(text))


@dataclass(frozen=True)
class LintThresholds:
    cue_gap: float = 0.05
    key_two_longest: float = 0.60
    mc_key_count: float = 0.50
    guess_sc: float = 0.30
    guess_tf: float = 0.55
    key_position: float = 0.35
    mc_first_keyed: float = 0.80


@dataclass
class LintReport:
    """Cue statistics per language and the thresholds they break (`failures`, empty when the bank passes)."""

    figures: dict[str, object] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def _cue_shares(items: list[Item], lang: str) -> tuple[float, float]:
    keyed = wrong = keyed_cue = wrong_cue = 0
    for item in items:
        if item.type not in ("single_choice", "multiple_choice"):
            continue
        for option in item.options:
            cue = has_cue(option.get(lang), lang)
            if option.id in item.key:
                keyed, keyed_cue = keyed + 1, keyed_cue + cue
            else:
                wrong, wrong_cue = wrong + 1, wrong_cue + cue
    return _share(keyed_cue, keyed), _share(wrong_cue, wrong)


def _key_two_longest(items: list[Item], lang: str, *, shortest: bool = False) -> float:
    singles = [i for i in items if i.type == "single_choice" and len(i.options) >= 3]
    hits = 0
    for item in singles:
        ranked = sorted(item.options, key=lambda o: len(o.get(lang)), reverse=not shortest)
        hits += item.key[0] in {o.id for o in ranked[:2]}
    return _share(hits, len(singles))


def _longest_no_cue_guess(items: list[Item], lang: str) -> float:
    singles = [i for i in items if i.type == "single_choice" and i.options]
    hits = 0
    for item in singles:
        pool = [o for o in item.options if not has_cue(o.get(lang), lang)] or list(item.options)
        guess = max(pool, key=lambda o: len(o.get(lang)))
        hits += guess.id == item.key[0]
    return _share(hits, len(singles))


def _true_false_guess(items: list[Item], lang: str) -> float:
    statements = [i for i in items if i.type == "true_false"]
    hits = sum((("f" if has_cue(i.stem.get(lang), lang) else "t") == i.key[0]) for i in statements)
    return _share(hits, len(statements))


def _key_positions(items: list[Item]) -> tuple[dict[str, float], float]:
    """Share of single-choice keys at each option letter position, and share of multiple-choice items that key
    their first option."""
    singles = Counter(next(n for n, o in enumerate(i.options) if o.id == i.key[0])
                      for i in items if i.type == "single_choice" and i.options and i.key
                      and any(o.id == i.key[0] for o in i.options))
    multi = [i for i in items if i.type == "multiple_choice" and i.options]
    first = sum(1 for i in multi if i.options[0].id in i.key)
    total = sum(singles.values())
    return ({"abcdefgh"[n]: round(_share(c, total), 3) for n, c in sorted(singles.items())},
            _share(first, len(multi)))


def lint_bank(bank: Bank, thresholds: LintThresholds | None = None) -> LintReport:
    """Cue statistics over the bank's active items, and every threshold they break."""
    limits = thresholds or LintThresholds()
    items = bank.active_items()
    report = LintReport()
    for lang in ("zh", "en"):
        key_cue, wrong_cue = _cue_shares(items, lang)
        two_longest = _key_two_longest(items, lang)
        two_shortest = _key_two_longest(items, lang, shortest=True)
        guess_sc = _longest_no_cue_guess(items, lang)
        guess_tf = _true_false_guess(items, lang)
        report.figures[lang] = {
            "cue_share_keys": round(key_cue, 3),
            "cue_share_wrong_options": round(wrong_cue, 3),
            "key_among_two_longest": round(two_longest, 3),
            "key_among_two_shortest": round(two_shortest, 3),
            "guess_longest_no_cue_single_choice": round(guess_sc, 3),
            "guess_cue_false_true_false": round(guess_tf, 3),
        }
        if abs(key_cue - wrong_cue) > limits.cue_gap:
            report.failures.append(
                f"{lang}: cue words in {wrong_cue:.0%} of wrong options but {key_cue:.0%} of keys "
                f"(gap over {limits.cue_gap:.0%})")
        if two_longest > limits.key_two_longest:
            report.failures.append(
                f"{lang}: the key is among the two longest options in {two_longest:.0%} of single-choice items "
                f"(limit {limits.key_two_longest:.0%})")
        if two_shortest > limits.key_two_longest:
            report.failures.append(
                f"{lang}: the key is among the two shortest options in {two_shortest:.0%} of single-choice items "
                f"(limit {limits.key_two_longest:.0%})")
        if guess_sc > limits.guess_sc:
            report.failures.append(
                f"{lang}: dropping cue options and picking the longest scores {guess_sc:.0%} on single choice "
                f"(limit {limits.guess_sc:.0%})")
        if guess_tf > limits.guess_tf:
            report.failures.append(
                f"{lang}: answering 'false' to statements with a cue word scores {guess_tf:.0%} on true/false "
                f"(limit {limits.guess_tf:.0%})")
    positions, mc_first = _key_positions(items)
    report.figures["single_choice_key_positions"] = positions
    report.figures["multiple_choice_first_option_keyed"] = round(mc_first, 3)
    crowded = {p: share for p, share in positions.items() if share > limits.key_position}
    for p, share in crowded.items():
        report.failures.append(f"{share:.0%} of single-choice keys are option {p} (limit {limits.key_position:.0%})")
    if mc_first > limits.mc_first_keyed:
        report.failures.append(f"{mc_first:.0%} of multiple-choice items key their first option "
                               f"(limit {limits.mc_first_keyed:.0%})")
    counts = Counter(len(i.key) for i in items if i.type == "multiple_choice")
    total = sum(counts.values())
    report.figures["multiple_choice_key_counts"] = {str(k): v for k, v in sorted(counts.items())}
    if total:
        count, most = counts.most_common(1)[0]
        if most / total > limits.mc_key_count:
            report.failures.append(
                f"{most / total:.0%} of multiple-choice items key exactly {count} options (limit {limits.mc_key_count:.0%})")
    return report
