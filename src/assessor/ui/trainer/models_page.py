"""The trainer's Models page: what serves each use (the embedder, the generator per use, the models added with
`assessor models add` and their figures) and, from the stored transcripts, how often a model's text was shown
versus the authored fallback, by reason.

Counting rules (from what `dialogue.py` stores):
- rephrase: one `rephrase` message per 看不懂; source `model` = model text shown, else the authored plain text;
- feedback: one `feedback` message per answer (always authored); a `feedback_personal` message (source `model`)
  follows when the model's words passed the gate, else the `feedback` reason says why they were not shown;
- summary: the finished session's stored `summary` record (source and reason).
A reason is reduced to its category: the gate check's name (the text before the first ":"), or "model
unavailable" when the model failed or could not load, "generator off" when none is configured for the use,
"language not written by the model" (e.g. an English-only model asked for Chinese).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from assessor.dialogue import FEEDBACK_FALLBACK, GATE_PASSED
from assessor.i18n import bi
from assessor.store import AssessmentSession, Store
from assessor.store.tables import Message
from assessor.ui.text import plain

USE_NAMES: dict[str, dict[str, str]] = {
    "embedder": {"zh": "检索与评分（嵌入模型）", "en": "search and scoring (embedder)"},
    "rephrase": {"zh": "换个说法", "en": "rephrase"},
    "feedback": {"zh": "答后讲解", "en": "feedback"},
    "summary": {"zh": "结果小结", "en": "summary"},
    "second_opinion": {"zh": "第二意见（不计分）", "en": "second opinion (never a score)"},
}
USAGE_COLUMNS = ["用途 use", "模型文字 model text shown", "编写文字 authored text shown", "模型文字占比 model share",
                 "未用模型的原因 why not the model (count)"]
REGISTERED_COLUMNS = ["名称 name", "类型 kind", "加载 load s", "首字 first token s", "每秒字数 tokens/s",
                      "中文过闸 zh gate", "英文过闸 en gate", "路径 path"]


def _name(use: str) -> str:
    names = USE_NAMES.get(use, {"zh": use, "en": use})
    return f"{names['zh']} {names['en']}"


def reason_category(reason: str) -> str:
    """The short category of a stored reason: the failed gate check's name, "model unavailable" (the model
    raised), "generator off" (no model configured), or "—" when no reason was stored."""
    text = reason.strip()
    for prefix in (FEEDBACK_FALLBACK, GATE_PASSED):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
    if text.startswith(("generator unavailable", "generator error", "feedback unavailable", "rephrase unavailable",
                        "summary unavailable")):
        return "model unavailable"
    if text.startswith(("no generator", "use switched off")):
        return "generator off"
    if text.startswith("model does not write"):
        return "language not written by the model"
    head = text.split(":", 1)[0].strip()
    if not head:
        return "—"
    return head[:60]


@dataclass
class Usage:
    """How often one use showed a model's text and how often the authored text, with the reasons."""

    use: str
    model: int = 0
    authored: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def fallback(self, reason: str) -> None:
        self.authored += 1
        self.reasons[reason_category(reason)] += 1

    def row(self) -> list[Any]:
        total = self.model + self.authored
        share = f"{100 * self.model / total:.0f} %" if total else "—"
        why = "; ".join(f"{r} ({n})" for r, n in self.reasons.most_common()) or "—"
        return [_name(self.use), self.model, self.authored, share, why]


def model_usage(store: Store, centre: str | None = None) -> dict[str, Usage]:
    """Counts per use over every stored transcript (of `centre` only, when given)."""
    usage = {use: Usage(use) for use in ("rephrase", "feedback", "summary")}
    query = (select(Message.kind, Message.source, Message.reason)
             .join(AssessmentSession, AssessmentSession.id == Message.session_id)
             .where(Message.kind.in_(("rephrase", "feedback", "feedback_personal"))))
    sessions = select(AssessmentSession.results).where(AssessmentSession.status == "finished")
    if centre is not None:
        query = query.where(AssessmentSession.centre == centre)
        sessions = sessions.where(AssessmentSession.centre == centre)
    with store.db() as db:
        for kind, source, reason in db.execute(query):
            if kind == "rephrase":
                if source == "model":
                    usage["rephrase"].model += 1
                else:
                    usage["rephrase"].fallback(reason or "")
            elif kind == "feedback_personal":
                usage["feedback"].model += 1
            elif (reason or "").startswith(FEEDBACK_FALLBACK):
                usage["feedback"].fallback(reason or "")
        for (results,) in db.execute(sessions):
            summary = (results or {}).get("summary") if isinstance(results, dict) else None
            if not isinstance(summary, dict):
                continue
            if summary.get("source") == "model":
                usage["summary"].model += 1
            else:
                usage["summary"].fallback(str(summary.get("reason") or ""))
    return usage


def usage_rows(usage: dict[str, Usage]) -> list[list[Any]]:
    """The usage table's rows, one per use."""
    return [u.row() for u in usage.values()]


def registered_rows(status: dict[str, Any]) -> list[list[Any]]:
    """One row per model added with `assessor models add`, with its measured figures."""
    rows = []
    for m in status.get("registered") or []:
        gate = m.get("gate") or {}

        def passed(lang: str, gate: dict[str, Any] = gate) -> str:
            g = gate.get(lang) or {}
            return f"{g.get('passed', '—')}/{g.get('total', '—')}"

        rows.append([str(m.get("name", "?")), str(m.get("kind", "")), m.get("load_s"), m.get("first_token_s"),
                     m.get("tokens_per_s"), passed("zh"), passed("en"), str(m.get("path", ""))])
    return rows


def status_markdown(status: dict[str, Any]) -> str:
    """What serves each use now, and the configuration problems (bilingual, plain text)."""
    lines = [f"### {bi('tr_models_in_use')}", ""]
    for use, spec in (status.get("in_use") or {}).items():
        backend = str(spec)
        shown = "无（只用编写好的文字） none (authored text only)" if backend.startswith("none") else plain(backend)
        lines.append(f"- **{_name(use)}**: {shown}")
    problems = status.get("problems") or []
    lines += ["", f"### {bi('tr_models_problems')}", ""]
    lines += [f"- ⚠ {plain(p)}" for p in problems] or [f"- {bi('tr_models_no_problems')}"]
    return "\n".join(lines)


def models_view(store: Store, settings: Any, centre: str | None) -> tuple[str, list[list[Any]], list[list[Any]]]:
    """The page's three parts: what serves each use (Markdown), the usage table's rows, the added models' rows."""
    from assessor.cli.models import models_status

    status = models_status(settings)
    return status_markdown(status), usage_rows(model_usage(store, centre)), registered_rows(status)
