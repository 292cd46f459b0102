"""The worker tab's render: `render(screen, c)` → `{component: update}`, a pure function of a `WorkerScreen`
(`c` is the layout whose components it addresses). It reads no store, no bank and no model.

Only what may have changed is sent: labels only when the language may have changed, the result panel only
when it is new or relabelled, the answer inputs cleared only for a new question; fewer updates per answer keep
the server light.
"""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from assessor.bank.schema import GlossaryTerm
from assessor.i18n import SEPARATORS, t
from assessor.privacy import consent_markdown
from assessor.ui.media import image_tag, question_image_html
from assessor.ui.text import plain, safe_markdown
from assessor.ui.worker import terms as glossary
from assessor.ui.worker.layout import WorkerLayout, notice_html
from assessor.ui.worker.model import (
    CHOICE_TYPES,
    Answered,
    OtherLanguage,
    Tab,
    Updates,
    WorkerScreen,
    screen_summary,
)
from assessor.views import DomainRow, QuestionView, ResultView


def render(screen: WorkerScreen, c: WorkerLayout) -> Updates:
    """Every update for `screen` (the tab state goes back into its `gr.State`)."""
    tab, mode, view = screen.tab, screen.mode, screen.tab.view
    u: Updates = {
        c.tab: tab,
        c.saved: {"lang": tab.lang, "session_id": tab.session_id},
        c.intake_box: gr.update(visible=view == "intake"),
        c.quiz_box: gr.update(visible=view in ("question", "feedback", "practice")),
        c.result_box: gr.update(visible=view == "result"),
        c.ask_box: gr.update(visible=mode != "intake"),
        c.ask_out: gr.update(visible=mode != "intake"),  # right under the ask box (the chat keeps them too)
        c.tick: f'<i data-tick="{screen.tick}"></i>',
    }
    at = screen.notice_at if screen.notice_at in c.notices else "top"
    for place, box in c.notices.items():
        u[box] = notice_html(screen.notice) if place == at else ""
    if screen.labels or screen.set_lang:
        u.update(labels(screen, c))
    if mode == "intake":
        u[c.chat] = []
        u[c.ask_out] = gr.update(value="", visible=False)
    else:
        u[c.chat] = screen.chat
    u.update(question(tab, c, screen.new_question, screen.glossary, screen.other))
    u.update(c.voice_view(tab, shown_question(tab), new_question=screen.new_question,
                          relabel=screen.labels or screen.set_lang))
    u.update(c.certificate_view(tab, relabel=screen.labels or screen.set_lang))
    if screen.send_result or mode != "result":
        u.update(result(screen, c))
    u[c.screen] = screen_summary(tab, screen.notice)
    return u


def labels(screen: WorkerScreen, c: WorkerLayout) -> Updates:
    """Every label and choice list in the screen's language."""
    lang, tab, choices = screen.lang, screen.tab, screen.choices
    role_value: dict[str, Any] = {"value": tab.role} if screen.set_lang or tab.mode != "intake" else {}
    return {
        c.title: f"# {t('app_title', lang)}",
        c.lang_radio: gr.update(value=lang, label=t("language", lang)) if screen.set_lang
        else gr.update(label=t("language", lang)),
        c.greeting: t("greeting", lang),
        c.new_title: f"### {t('new_quiz_title', lang)}",
        c.code_box: gr.update(label=t("ask_code", lang)),
        c.role_radio: gr.update(label=t("ask_role", lang), choices=choices.roles, **role_value),
        c.level_radio: gr.update(label=t("ask_level", lang), choices=choices.levels),
        c.years_box: gr.update(label=t("ask_years", lang), choices=choices.years),
        c.describe_box: gr.update(label=t("ask_describe", lang)),
        c.place_btn: gr.update(value=t("place_button", lang)),
        c.place_domains: gr.update(label=t("place_domains", lang), choices=choices.domains),
        c.consent_acc: gr.update(label=t("consent_title", lang)),
        c.consent_md: consent_markdown(lang),
        c.start_btn: gr.update(value=t("start", lang)),
        c.resume_title: f"### {t('resume_title', lang)}",
        c.resume_box: gr.update(label=t("resume_code", lang)),
        c.resume_btn: gr.update(value=t("resume", lang)),
        c.ask_text: gr.update(label=t("ask_bank", lang)),
        c.ask_btn: gr.update(value=t("ask_button", lang)),
        c.dont_btn: gr.update(value=t("dont_understand", lang)),
        c.read_btn: gr.update(value="🔊 " + t("read_aloud", lang)),
        c.read_stop_btn: gr.update(value="⏹ " + t("read_stop", lang)),
        c.stop_btn: gr.update(value=t("stop_quiz", lang)),
        c.confirm_yes: gr.update(value=t("stop_yes", lang)),
        c.confirm_no: gr.update(value=t("stop_no", lang)),
        c.transcript: gr.update(label=t("transcript", lang)),
        c.radar: gr.update(label=t("radar_title", lang)),
        c.pdf_btn: gr.update(label=t("download_pdf", lang)),
        c.retake_btn: gr.update(value=t("retake", lang)),
        c.review_btn: gr.update(value=t("review_button", lang)),
    }


def option_label(tab: Tab, index: int) -> str:
    """The text on option button `index`: "2. text" for a choice, "(1) text" for an ordering step already tapped
    (of the question on screen: the assessment's or the practice round's)."""
    question = shown_question(tab)
    if question is None or index >= len(question.options):
        return ""
    oid, text = question.options[index]
    if question.type != "ordering":
        return f"{index + 1}. {text}"
    return f"({tab.order.index(oid) + 1}) {text}" if oid in tab.order else text


def shown_question(tab: Tab) -> QuestionView | None:
    """The question waiting for an answer on screen: the assessment's, or the practice round's."""
    if tab.practice is not None:
        return tab.practice.turn.question if tab.practice.stage == "question" else None
    return tab.question if tab.view == "question" else None


def question(tab: Tab, c: WorkerLayout, new_question: bool, terms: list[GlossaryTerm] | None = None,
             other: OtherLanguage | None = None) -> Updates:
    """The question's inputs: option buttons (choice, true/false, ordering), tick boxes (multiple choice), the
    tapped order, the free-text box, submit, progress and the read-aloud text. Never the key (it is not there).
    In a practice round the same card shows its question, verdict and, at the end, the summary; the tools that
    belong to the assessment (看不懂, end early, the transcript) are hidden."""
    shown = shown_question(tab)
    practice = tab.practice
    lang = tab.lang
    qtype = shown.type if shown else None
    options = shown.options if shown else []
    u: Updates = {}
    # options a voice answer proposed: shown selected until she taps 提交 (voice.py)
    picked = tab.voice.option_ids if tab.voice is not None and shown and tab.voice.item_id == shown.item_id else ()
    for i, button in enumerate(c.option_btns):
        visible = qtype in (*CHOICE_TYPES, "ordering") and i < len(options)
        tapped = visible and qtype == "ordering" and options[i][0] in tab.order
        u[button] = gr.update(value=option_label(tab, i) if visible else "", visible=visible, interactive=not tapped,
                              variant="primary" if visible and options[i][0] in picked else "secondary")
    # while a verdict is up the pending multiple-choice question's choices stay (hidden): a client may submit
    # it without pressing Next, and Gradio checks the ticked ids against the choices it last sent
    pending = tab.question if shown is None and practice is None and tab.mode == "quiz" else shown
    checks: dict[str, Any] = {"visible": qtype == "multiple_choice", "label": t("your_answer", lang),
                              "choices": [(text, oid) for oid, text in pending.options]
                              if pending is not None and pending.type == "multiple_choice" else []}
    if new_question:
        checks["value"] = []
    u[c.checks] = gr.update(**checks)
    texts = dict(options)
    if qtype == "ordering":
        order = " → ".join(plain(texts.get(o, o)) for o in tab.order)
        u[c.order_md] = gr.update(visible=True, value=t("your_order", lang, order=order) if order
                                  else t("order_empty", lang))
    else:
        u[c.order_md] = gr.update(visible=False, value="")
    u[c.order_reset] = gr.update(visible=qtype == "ordering", value=t("reset_order", lang))
    open_update: dict[str, Any] = {"visible": qtype == "open_scenario", "label": t("your_answer", lang)}
    if new_question:
        open_update["value"] = ""
    u[c.open_text] = gr.update(**open_update)
    u[c.submit_btn] = gr.update(visible=qtype in ("multiple_choice", "ordering", "open_scenario") or bool(picked),
                                value=t("submit", lang))
    answered = practice.answered if practice is not None else tab.answered
    if shown is not None:
        u[c.progress] = safe_markdown(f"**{shown.progress}**")
        u[c.card] = question_card(shown, tab.rephrased if practice is None else None, terms or [], other)
        u[c.read_text] = shown.read_aloud_text
    elif answered is not None:
        u[c.progress] = safe_markdown(f"**{answered.question.progress}**")
        u[c.card] = feedback_card(answered, lang)
        u[c.read_text] = feedback_read_text(answered)
    elif practice is not None and practice.stage == "summary":
        u[c.progress] = ""
        u[c.card] = practice_summary_card(practice.turn.summary(), lang)
        u[c.read_text] = practice.turn.summary()
    else:
        u[c.progress], u[c.card], u[c.read_text] = "", "", ""
    if practice is not None:
        next_word = {"feedback": "see_result" if practice.turn.done else "next_question",
                     "summary": "practice_back"}.get(practice.stage, "next_question")
        u[c.next_btn] = gr.update(visible=practice.stage != "question", value=t(next_word, lang))
    else:
        u[c.next_btn] = gr.update(visible=answered is not None,
                                  value=t("see_result" if tab.result is not None else "next_question", lang))
    u[c.dont_btn] = gr.update(visible=practice is None, value=t("dont_understand", lang))
    u[c.transcript] = gr.update(visible=practice is None, label=t("transcript", lang))
    confirming = shown is not None and tab.confirm_stop and practice is None
    u[c.confirm_box] = gr.update(visible=confirming)
    u[c.confirm_md] = confirm_html(shown, lang) if confirming and shown is not None else ""
    u[c.stop_btn] = gr.update(visible=shown is not None and not confirming and practice is None,
                              value=t("stop_quiz", lang))  # else this update drops the relabel of labels()
    return u


def _lines(text: str) -> str:
    return "<br>".join(html.escape(line) for line in str(text).splitlines())


def question_card(q: QuestionView, rephrased: str | None = None, terms: list[GlossaryTerm] | None = None,
                  other: OtherLanguage | None = None) -> str:
    """The question card: the area, the stem (its glossary words tappable, `terms.marked`), the option labels'
    glossary words as chips, a plainer wording once she tapped 看不懂, what to do, and the 看英文 / 看中文 toggle
    with the question in the other language (`other`). All escaped; the options are buttons right under it."""
    terms = terms or []
    plainer = f'<div class="q-plain" role="status" aria-live="polite">{_lines(rephrased)}</div>' if rephrased else ""
    option_chips = glossary.chips((text for _oid, text in q.options), q.lang, terms,
                                  skip=glossary.term_ids(q.stem, q.lang, terms))
    return (f'<div class="qcard" id="qcard" lang="{q.lang}">'
            f'<div class="q-area">{html.escape(t("domain_label", q.lang, domain=q.domain_name))}</div>'
            f'<div class="q-stem">{glossary.marked(q.stem, q.lang, terms)}</div>{question_image_html(q)}'
            f'{option_chips}{plainer}'
            f'<div class="q-hint">{html.escape(q.instruction)}</div>'
            f'{glossary.other_language(other, q.lang, terms)}</div>')


def practice_summary_card(summary: str, lang: str) -> str:
    """The end of a practice round: "答对 3 题，共 5 题" and that practice changes nothing (escaped)."""
    return (f'<div class="qcard practice-summary" id="practice-summary" role="status" aria-live="polite">'
            f'<div class="verdict v-partial">{html.escape(t("practice_done", lang))}</div>'
            f'<div class="q-stem" id="practice-tally">{html.escape(summary)}</div>'
            f'<div class="q-hint">{html.escape(t("practice_note", lang))}</div></div>')


def feedback_card(a: Answered, lang: str) -> str:
    """The verdict card: the verdict, the stem, each option marked (her choice, the right one, green/red),
    her text for a free answer, then the feedback's lines (right answer, points, explanation) and any personal
    line. Everything escaped."""
    fb, q = a.feedback, a.question
    tone = "correct" if fb.verdict == "correct" else "partial" if fb.verdict == "partial" else "wrong"
    if getattr(fb, "provisional", False):
        tone = "partial"
    head, *rest = fb.lines or [""]
    parts = [f'<div class="qcard fb-card" id="fb-card" lang="{q.lang}">',
             f'<div class="verdict v-{tone}" id="verdict" role="status" aria-live="polite">{_lines(head)}</div>',
             f'<div class="q-stem">{_lines(q.stem)}</div>{question_image_html(q)}']
    if q.type in ("single_choice", "multiple_choice", "true_false"):
        parts.append('<ol class="fb-options">')
        for i, (oid, text) in enumerate(q.options, start=1):
            right, chosen = oid in a.key, oid in a.chosen
            cls = " ".join(n for n, on in (("is-right", right), ("is-chosen", chosen),
                                            ("is-wrong", chosen and not right)) if on)
            mark = "✔" if right else "✘" if chosen else "·"
            tags = [t("your_choice", lang)] if chosen else []
            tags += [t("right_mark", lang)] if right else []
            tag = f' <span class="tag">{html.escape(" · ".join(tags))}</span>' if tags else ""
            parts.append(f'<li class="fb-opt {cls}"><span class="mark">{mark}</span> '
                         f'{i}. {html.escape(text)}{tag}</li>')
        parts.append("</ol>")
    elif q.type == "open_scenario" and a.chosen:
        parts.append(f'<div class="your-text"><b>{html.escape(t("your_answer", lang) + SEPARATORS["label"][lang])}</b>'
                     f'{_lines(a.chosen[0])}</div>')
    body = list(rest) + ([fb.personal] if fb.personal else [])
    parts.append('<div class="fb-lines">' + "".join(f"<p>{_lines(line)}</p>" for line in body) + "</div></div>")
    return "".join(parts)


def feedback_read_text(a: Answered) -> str:
    """What read-aloud says on the verdict card: the feedback's lines."""
    fb = a.feedback
    return "\n".join([*fb.lines, *([fb.personal] if fb.personal else [])])


def confirm_html(q: QuestionView, lang: str) -> str:
    """"About N questions are left. Finish now?" (N counts the pending question)."""
    left = max(1, q.expected - q.number + 1)
    return f'<div class="confirm-text" role="alert" aria-live="assertive">{html.escape(t("stop_confirm", lang, n=left))}</div>'



def result(screen: WorkerScreen, c: WorkerLayout) -> Updates:
    """The result panel: readiness and the resume code, one card per skill area and per course, the summary,
    the radar chart and the PDF download (or emptied)."""
    tab = screen.tab
    shown = tab.result if tab.mode == "result" else None
    if shown is None:
        return {c.result_md: "", c.result_cards: "", c.review_html: "", c.radar: "",
                c.pdf_btn: gr.update(value=None, label=t("download_pdf", tab.lang)),
                **practice_buttons(c.practice_btns, [], tab.lang, c.practice_head),
                **practice_buttons(c.review_practice_btns, [], tab.lang, c.review_practice_head)}
    lang = shown.lang
    head = [f"## {t('result_title', lang)}", "", shown.readiness_text, ""]
    if shown.stop_text:
        head += [shown.stop_text, ""]
    head.append(f"**{t('keep_code', lang, code=shown.resume_code)}**")
    return {
        c.result_md: safe_markdown("\n".join(head)),
        c.result_cards: result_cards(shown),
        c.review_html: "",
        c.radar: gr.update(value=screen.radar, label=t("radar_title", lang)),
        c.pdf_btn: gr.update(value=tab.pdf_path, label=t("download_pdf", lang), visible=tab.pdf_path is not None),
        **practice_buttons(c.practice_btns, practice_areas(shown), lang, c.practice_head),
        **practice_buttons(c.review_practice_btns, [], lang, c.review_practice_head),
    }


def practice_areas(r: ResultView) -> list[tuple[str, str]]:
    """(domain, name) of each weak area of a result (还差一点 or 还没测够): the areas "练一练这方面" offers."""
    return [(row.domain, row.name) for row in r.rows if area_word(row, r.lang)[0] != "ok"]


def review_areas(tab: Tab) -> list[tuple[str, str]]:
    """(domain, name) of each area with a wrong or partly right answer in 错题本 (names from the result)."""
    names = {row.domain: row.name for row in tab.result.rows} if tab.result is not None else {}
    return [(d, names.get(d, d)) for d in tab.review_domains]


def practice_buttons(buttons: list[Any], areas: list[tuple[str, str]], lang: str, head: Any = None) -> Updates:
    """One "练一练：<area>" button per area (the rest hidden), and the heading above them when given."""
    u: Updates = {b: gr.update(visible=i < len(areas),
                               value=t("practice_button", lang, domain=areas[i][1]) if i < len(areas) else "")
                  for i, b in enumerate(buttons)}
    if head is not None:
        u[head] = (f'<h3 class="cards-title" id="practice-title">{html.escape(t("practice_section", lang))}</h3>'
                   if areas else "")
    return u


def area_word(row: DomainRow, lang: str) -> tuple[str, str]:
    """(css tone, plain word) for a skill area: 达到 / 还差一点 / 还没测够 (too little own evidence, or not sure)."""
    if not row.measured_enough:
        return "unsure", t("area_unsure", lang)
    if row.band == "below":
        return "close", t("area_close", lang)
    return "ok", t("area_ok", lang)


def result_cards(r: ResultView) -> str:
    """One card per skill area (a colour and a plain word, then the band and how sure), the courses with their
    reasons as cards, and the summary. Everything escaped."""
    lang = r.lang
    parts = ['<div class="area-cards">']
    for row in r.rows:
        tone, word = area_word(row, lang)
        details = " · ".join(part for part in (row.band_text, row.sure_text, f"{t('col_items', lang)} {row.n_items}")
                             if part and part != word)
        parts.append(f'<div class="area-card a-{tone}"><div class="area-name">{html.escape(row.name)}</div>'
                     f'<div class="area-word">{html.escape(word)}</div>'
                     f'<div class="area-more">{html.escape(details)}</div></div>')
    parts.append(f'</div><h3 class="cards-title">{html.escape(t("courses_title", lang))}</h3>')
    if not r.courses:
        parts.append(f'<p class="course-none">{html.escape(t("courses_none", lang))}</p>')
    for course in r.courses:
        hours = t("hours", lang, hours=f"{course.hours:g}")
        parts.append(f'<div class="course-card"><div class="course-title">{html.escape(course.title)}</div>'
                     f'<div class="course-hours">{html.escape(hours)}</div>'
                     f'<div class="course-reason">{_lines(course.reason)}</div></div>')
    parts.append(f'<h3 class="cards-title">{html.escape(t("summary_title", lang))}</h3>'
                 f'<div class="result-summary">{_lines(r.summary)}</div>')
    return "".join(parts)


def review_html(entries: list[dict[str, Any]], lang: str, terms: list[GlossaryTerm] | None = None) -> str:
    """错题本: one card per wrong or partly right answer (stem with its picture, her answer, the right answer, the
    explanation); glossary words in the stem and the explanation can be tapped, as in the question card."""
    words = terms or []
    parts = [f'<h3 class="cards-title" id="review-title">{html.escape(t("review_title", lang))}</h3>']
    if not entries:
        parts.append(f'<p class="course-none">{html.escape(t("review_none", lang))}</p>')
    for e in entries:
        tone = "partial" if e.get("partial") else "wrong"
        verdict = t("review_partial", lang) if e.get("partial") else t("wrong", lang)
        right = (f'<div class="fb-opt is-right"><span class="mark">✔</span> {html.escape(t("right_mark", lang) + SEPARATORS["label"][lang])}'
                 f'{_lines(e["right_answer"])}</div>') if e.get("right_answer") else ""
        parts.append(f'<div class="qcard review-card" lang="{lang}"><div class="verdict v-{tone}">{html.escape(verdict)}</div>'
                     f'<div class="q-stem">{glossary.marked(e["stem"], lang, words)}</div>'
                     f'{image_tag(e.get("image_src") or "", e.get("image_alt") or "")}'
                     f'<div class="fb-opt is-wrong"><span class="mark">✘</span> {html.escape(t("review_yours", lang) + SEPARATORS["label"][lang])}'
                     f'{_lines(e["your_answer"])}</div>{right}'
                     f'<div class="fb-lines"><p>{glossary.marked(t("why", lang, text=e["explanation"]), lang, words)}</p></div></div>')
    return "".join(parts)


def ask_markdown(answers: list[dict[str, Any]], lang: str) -> str:
    """Ask-the-bank answers as a list with their sources (escaped)."""
    if not answers:
        return t("ask_none", lang)
    lines = [f"**{t('ask_answers', lang)}**"]
    lines += [f"- {safe_markdown(a.get('text', ''))} ({safe_markdown(t('ask_source', lang, source=a.get('source', '')))})"
              for a in answers]
    return "\n".join(lines)
