"""The Trainer tab's "题目编写 / Write items" sub-tab: write or edit an item, see field-level problems next to
the form, save it as a pilot item, and review colleagues' items (approve or send back).

The work is done by `assessor.authoring.Authoring` (no Gradio there); this module only lays out the form and
turns its values and the outcome into `{component: update}`. Every handler runs through the page's login guard.
Messages are shown in the tab's language (the page's switch; both languages until it is used). A refused save
changes nothing in the form, so nothing typed is lost.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assessor.authoring import Authoring, Refused
from assessor.bank.form import FieldError, ItemForm, item_to_form
from assessor.bank.load import Bank
from assessor.bank.schema import DOMAIN_IDS, ITEM_TYPES, LEVEL_NAMES, LEVELS
from assessor.ui.text import plain, safe_markdown
from assessor.ui.trainer.auth import Problem, Scope
from assessor.ui.trainer.preview import item_meta, item_preview

Updates = dict[Any, Any]

TEXT: dict[str, tuple[str, str]] = {
    "tab": ("题目编写", "Write items"),
    "pick": ("打开一道题来修改", "Open an item to edit"),
    "open": ("打开", "Open"),
    "new": ("写新题", "New item"),
    "domain": ("领域", "Domain"),
    "level": ("等级", "Level"),
    "type": ("题型", "Question type"),
    "stem_zh": ("题目（中文）", "Question (Chinese)"),
    "stem_en": ("题目（英文）", "Question (English)"),
    "options": ("选项：每行一个，编号 | 中文 | English", "Options: one a line, id | 中文 | English"),
    "key": ("正确答案：选项编号（如 a 或 a, c；排序题按正确顺序写）",
            "Right answer: option ids (e.g. a or a, c; ordering: in the right order)"),
    "rubric": ("评分要点：每行一条，do 或 do_not | 中文 | English",
               "Rubric points: one a line, do or do_not | 中文 | English"),
    "critical": ("危险做法：每行一条，中文 | English | 中文例子 | English example",
                 "Dangerous actions: one a line, 中文 | English | 中文例子 | English example"),
    "explanation_zh": ("解析（中文）", "Explanation (Chinese)"),
    "explanation_en": ("解析（英文）", "Explanation (English)"),
    "plain_zh": ("通俗说法（中文，可不填）", "Plain wording (Chinese, optional)"),
    "plain_en": ("通俗说法（英文，可不填）", "Plain wording (English, optional)"),
    "image_file": ("图片（可不选）", "Picture (optional)"),
    "image_alt_zh": ("图片说明（中文）", "Picture description (Chinese)"),
    "image_alt_en": ("图片说明（英文）", "Picture description (English)"),
    "course_refs": ("课程单元（至少一个）", "Course units (at least one)"),
    "tags": ("标签（英文小写，用逗号隔开）", "Tags (lowercase, comma-separated)"),
    "source": ("出处（标准或指南，带年份）", "Source (standard or guideline, with year)"),
    "save": ("保存为试用题", "Save as a pilot item"),
    "review_title": ("待审核的题", "Items waiting for review"),
    "review_pick": ("选一道题审核", "Pick an item to review"),
    "review_refresh": ("刷新", "Refresh"),
    "comment": ("退回原因（退回时必填）", "Why you send it back (needed to send back)"),
    "approve": ("通过（启用）", "Approve (make active)"),
    "send_back": ("退回修改", "Send back"),
    "new_status": ("正在写一道新题。保存后是试用题，要另一位老师审核通过才计分。",
                   "Writing a new item. Saved items are pilot items: they count once another trainer approves them."),
    "edit_status": ("正在修改 {id}（第 {version} 版，{status}）。保存后版本加一，变回试用题，要重新审核。",
                    "Editing {id} (version {version}, {status}). Saving raises the version; it becomes a pilot item "
                    "again and needs a new review."),
    "saved": ("已保存 {id}（第 {version} 版，试用题），存在 {file}。请另一位老师审核。",
              "Saved {id} (version {version}, pilot) in {file}. Ask another trainer to review it."),
    "approved": ("{id} 已通过，现在启用（第 {version} 版）。新开始的测试会用到它。",
                 "{id} is approved and active now (version {version}). New sessions use it."),
    "sent_back": ("{id} 已退回给作者：{comment}", "{id} was sent back to its author: {comment}"),
    "waiting": ("有 {n} 道题等待审核。", "{n} item(s) wait for review."),
    "none_waiting": ("现在没有等待审核的题。", "No item waits for review now."),
    "fix": ("要改的地方", "To fix"),
    "pick_first": ("请先选一道题。", "Pick an item first."),
    "unknown": ("题库里没有 {id}。", "{id} is not in the bank."),
    "by": ("作者 {author}", "by {author}"),
    "sent_note": ("上次退回：{comment}", "Last sent back: {comment}"),
}
TYPE_NAMES: dict[str, tuple[str, str]] = {
    "single_choice": ("单选题", "Single choice"), "multiple_choice": ("多选题", "Multiple choice"),
    "true_false": ("判断题", "True / false"), "ordering": ("排序题", "Ordering"),
    "open_scenario": ("情景题（说出做法）", "Scenario (say what you do)"),
}
STATUS_NAMES = {"active": ("启用", "active"), "pilot": ("试用", "pilot"), "retired": ("停用", "retired")}
FORM_FIELDS = ItemForm.FIELDS
HELP_FIELDS = ("options", "key", "rubric", "critical", "tags")
MAX_CHOICES = 2000


def say(key: str, lang: Any, **values: Any) -> str:
    """`TEXT[key]` in `lang` ('zh'/'en'), or "中文 / English" before the tab's language is chosen."""
    zh, en = TEXT[key]
    zh, en = zh.format(**values), en.format(**values)
    return zh if lang == "zh" else en if lang == "en" else f"{zh} / {en}"


def _pair(pair: tuple[str, str], lang: Any) -> str:
    return pair[0] if lang == "zh" else pair[1] if lang == "en" else f"{pair[0]} / {pair[1]}"


def domain_choices(bank: Bank, lang: Any) -> list[tuple[str, str]]:
    """(the domain's name in `lang`, id) for the fixed domains."""
    out = []
    for domain_id in DOMAIN_IDS:
        found = bank.domains.get(domain_id)
        out.append((_pair((found.name.zh, found.name.en), lang) if found else domain_id, domain_id))
    return out


def level_choices(lang: Any) -> list[tuple[str, int]]:
    """("L5 五级/初级工", 5) … in `lang` ("Level 5 (Elementary)" in English)."""
    return [(LEVEL_NAMES[lv]["en"] if lang == "en" else f"L{lv} " + _pair((LEVEL_NAMES[lv]["zh"], LEVEL_NAMES[lv]["en"]), lang),
             lv) for lv in LEVELS]


def unit_choices(bank: Bank) -> list[tuple[str, str]]:
    """(label, "COURSE/unit") for every course unit, the course itself too."""
    out: list[tuple[str, str]] = []
    for course in bank.courses.values():
        out.append((f"{course.id} · {course.title.zh} / {course.title.en}", course.id))
        out += [(f"{course.id}/{u.id} · {u.title.zh} / {u.title.en}", f"{course.id}/{u.id}") for u in course.units]
    return out


def media_choices(bank: Bank) -> list[tuple[str, str]]:
    """("—", "") then every SVG under the bank's media/ folder (relative paths)."""
    media = bank.root / "media"
    files = sorted(p.relative_to(media).as_posix() for p in media.rglob("*.svg")) if media.is_dir() else []
    return [("—", ""), *((f, f) for f in files[:MAX_CHOICES])]


def item_choices(bank: Bank) -> list[tuple[str, str]]:
    """(id · short Chinese stem, id) for every item, in id order."""
    return [(f"{i.id} · {i.stem.zh[:24]}", i.id) for i in sorted(bank.items.values(), key=lambda i: i.id)][:MAX_CHOICES]


class AuthoringPanel:
    """Builds the sub-tab inside the trainer page (`page` gives ctx, user, notice and the login guard)."""

    def __init__(self, page: Any) -> None:
        self.page = page

    @property
    def bank(self) -> Bank:
        return self.page.ctx.bank  # type: ignore[no-any-return]

    def authoring(self) -> Authoring:
        """The writer over the app's newest bank; each change is swapped into the running app."""
        page = self.page

        def swap(bank: Bank) -> None:
            page.ctx.use_bank(bank)
            page.bank = bank
            if hasattr(page, "exports"):
                page.exports.bank = bank

        return Authoring(self.bank, page.ctx.store, on_change=swap)

    # ------------------------------------------------------------ layout

    def build(self) -> None:
        """The components (inside the sub-tab) and their events."""
        bank = self.bank
        self.lang = gr.State(None)
        self.item_id = gr.State("")
        self.token = gr.State("")
        with gr.Row(equal_height=True):
            self.pick = gr.Dropdown(item_choices(bank), value=None, label=say("pick", None), filterable=True, scale=5,
                                    elem_id="authoring-pick")
            self.open_btn = gr.Button(say("open", None), scale=1, elem_id="authoring-open")
            self.new_btn = gr.Button(say("new", None), scale=1, elem_id="authoring-new")
        self.status = gr.Markdown(say("new_status", None), elem_id="authoring-status")
        self.errors = gr.Markdown("", elem_id="authoring-errors")
        c: dict[str, Any] = {}
        with gr.Row():
            c["domain"] = gr.Dropdown(domain_choices(bank, None), value=None, label=say("domain", None))
            c["level"] = gr.Dropdown(level_choices(None), value=5, label=say("level", None))
            c["type"] = gr.Dropdown([(_pair(TYPE_NAMES[t], None), t) for t in ITEM_TYPES], value="single_choice",
                                    label=say("type", None))
        with gr.Row():
            c["stem_zh"] = gr.Textbox(label=say("stem_zh", None), lines=2, max_length=2000)
            c["stem_en"] = gr.Textbox(label=say("stem_en", None), lines=2, max_length=2000)
        with gr.Row():
            c["options"] = gr.Textbox(label=say("options", None), lines=4, max_length=4000, scale=3,
                                      placeholder="a | 酸性清洁剂 | An acid cleaner\nb | 中性清洁剂 | A neutral cleaner")
            c["key"] = gr.Textbox(label=say("key", None), max_lines=1, max_length=200, scale=1, placeholder="a")
        c["rubric"] = gr.Textbox(label=say("rubric", None), lines=3, max_length=4000, visible=False,
                                 placeholder="do_not | 不要急着把他扶起来 | Do not rush to lift him\ndo | 打120 | Call 120")
        c["critical"] = gr.Textbox(label=say("critical", None), lines=2, max_length=4000, visible=False,
                                   placeholder="把他拉起来走 | Pulling him up to walk | 扶他起来走走 | get him walking")
        with gr.Row():
            c["explanation_zh"] = gr.Textbox(label=say("explanation_zh", None), lines=2, max_length=4000)
            c["explanation_en"] = gr.Textbox(label=say("explanation_en", None), lines=2, max_length=4000)
        with gr.Row():
            c["plain_zh"] = gr.Textbox(label=say("plain_zh", None), lines=1, max_length=2000)
            c["plain_en"] = gr.Textbox(label=say("plain_en", None), lines=1, max_length=2000)
        with gr.Row():
            c["image_file"] = gr.Dropdown(media_choices(bank), value="", label=say("image_file", None), scale=2)
            c["image_alt_zh"] = gr.Textbox(label=say("image_alt_zh", None), max_lines=1, max_length=1000, scale=2)
            c["image_alt_en"] = gr.Textbox(label=say("image_alt_en", None), max_lines=1, max_length=1000, scale=2)
        c["course_refs"] = gr.Dropdown(unit_choices(bank), value=[], multiselect=True, label=say("course_refs", None))
        with gr.Row():
            c["tags"] = gr.Textbox(label=say("tags", None), max_lines=1, max_length=1000)
            c["source"] = gr.Textbox(label=say("source", None), max_lines=1, max_length=1000)
        self.fields = c
        self.field_list = [c[name] for name in FORM_FIELDS]
        self.save_btn = gr.Button(say("save", None), variant="primary", elem_id="authoring-save")
        self.review_title = gr.Markdown(f"### {say('review_title', None)}")
        with gr.Row(equal_height=True):
            self.review_pick = gr.Dropdown([], label=say("review_pick", None), scale=5, elem_id="authoring-review-pick")
            self.review_refresh = gr.Button(say("review_refresh", None), scale=1, elem_id="authoring-review-refresh")
        self.review_card = gr.Markdown("", elem_id="authoring-review-card")
        self.comment = gr.Textbox(label=say("comment", None), max_lines=2, max_length=1000)
        with gr.Row():
            self.approve_btn = gr.Button(say("approve", None), variant="primary", elem_id="authoring-approve")
            self.send_back_btn = gr.Button(say("send_back", None), variant="stop", elem_id="authoring-send-back")
        self._wire()

    def _outputs(self) -> None:
        n = self.page.notice
        self.form_outputs = [n, self.item_id, self.token, self.status, self.errors, self.pick, *self.field_list]
        self.save_outputs = [*self.form_outputs, self.review_pick, self.review_card, self.page.item_pick]
        self.review_outputs = [n, self.review_pick, self.review_card, self.comment, self.pick, self.page.item_pick]

    def _wire(self) -> None:
        self._outputs()
        hidden: dict[str, Any] = {"api_visibility": "private"}
        u = self.page.user
        self.open_btn.click(self.on_open, [u, self.pick, self.lang], self.form_outputs, api_name="trainer_item_open")
        self.pick.input(self.on_open, [u, self.pick, self.lang], self.form_outputs, **hidden)
        self.new_btn.click(self.on_new, [u, self.lang], self.form_outputs, api_name="trainer_item_new")
        self.fields["type"].input(self.on_type, [self.fields["type"]], [self.fields[n] for n in
                                                                        ("options", "key", "rubric", "critical")],
                                  **hidden)
        self.save_btn.click(self.on_save, [u, self.item_id, self.token, self.lang, *self.field_list],
                            self.save_outputs, api_name="trainer_item_save")
        self.review_refresh.click(self.on_review, [u, self.review_pick, self.lang], self.review_outputs,
                                  api_name="trainer_item_review_list")
        self.review_pick.input(self.on_review, [u, self.review_pick, self.lang], self.review_outputs, **hidden)
        self.approve_btn.click(self.on_approve, [u, self.review_pick, self.lang], self.review_outputs,
                               api_name="trainer_item_approve")
        self.send_back_btn.click(self.on_send_back, [u, self.review_pick, self.comment, self.lang],
                                 self.review_outputs, api_name="trainer_item_send_back")
        self.page.logout_btn.click(self.on_new, [gr.State(None), self.lang], self.form_outputs, **hidden)

    def follow_language(self, switch: Any) -> None:
        """Relabel the sub-tab and show its messages in the language `switch` ('zh'/'en') chooses."""
        outputs = [self.lang, self.status, *self.field_list, self.pick, self.open_btn, self.new_btn, self.save_btn,
                   self.review_title, self.review_pick, self.review_refresh, self.comment, self.approve_btn,
                   self.send_back_btn]
        if getattr(self.page, "tab_authoring_box", None) is not None:
            outputs.append(self.page.tab_authoring_box)
        switch.change(self.on_tab_language, [switch, self.item_id], outputs, api_visibility="private", show_progress="hidden")

    # ------------------------------------------------------------ handlers

    def on_tab_language(self, lang: Any, item_id: Any = "") -> Updates:
        """Labels, buttons and the form's status line in `lang`; later messages in `lang` too."""
        lang = lang if lang in ("zh", "en") else None
        wanted = str(item_id or "")
        out: Updates = {self.lang: lang, self.status: self._status(ItemForm(item_id=wanted if wanted in self.bank.items
                                                                                 else ""), lang)}
        for name, component in self.fields.items():
            out[component] = gr.update(label=say(name, lang))
        out[self.fields["type"]] = gr.update(label=say("type", lang),
                                             choices=[(_pair(TYPE_NAMES[t], lang), t) for t in ITEM_TYPES])
        out[self.fields["domain"]] = gr.update(label=say("domain", lang), choices=domain_choices(self.bank, lang))
        out[self.fields["level"]] = gr.update(label=say("level", lang), choices=level_choices(lang))
        for component, key in ((self.pick, "pick"), (self.review_pick, "review_pick"), (self.comment, "comment")):
            out[component] = gr.update(label=say(key, lang))
        for component, key in ((self.open_btn, "open"), (self.new_btn, "new"), (self.save_btn, "save"),
                               (self.review_refresh, "review_refresh"), (self.approve_btn, "approve"),
                               (self.send_back_btn, "send_back")):
            out[component] = gr.update(value=say(key, lang))
        out[self.review_title] = f"### {say('review_title', lang)}"
        box = getattr(self.page, "tab_authoring_box", None)
        if box is not None:
            out[box] = gr.update(label=say("tab", lang))
        return out

    def on_type(self, kind: Any) -> Updates:
        """Options and key for choice items; rubric points and dangerous actions for scenarios."""
        open_ = kind == "open_scenario"
        return {self.fields["options"]: gr.update(visible=not open_ and kind != "true_false"),
                self.fields["key"]: gr.update(visible=not open_), self.fields["rubric"]: gr.update(visible=open_),
                self.fields["critical"]: gr.update(visible=open_)}

    def _form_updates(self, form: ItemForm, lang: Any, status: str) -> Updates:
        out: Updates = {self.page.notice: "", self.item_id: form.item_id, self.token: form.token,
                        self.status: status, self.errors: "",
                        self.pick: gr.update(choices=item_choices(self.bank), value=form.item_id or None)}
        shown = {c: u["visible"] for c, u in self.on_type(form.type).items()}
        for name, value in zip(FORM_FIELDS, form.values(), strict=True):
            component = self.fields[name]
            value = None if name == "domain" and not value else value  # an empty choice, not an unknown one
            out[component] = gr.update(value=value, info=None, **({"visible": shown[component]} if component in shown else {}))
        return out

    def _status(self, form: ItemForm, lang: Any) -> str:
        if not form.item_id:
            return say("new_status", lang)
        if lang not in ("zh", "en"):
            return f"{self._status(form, 'zh')} / {self._status(form, 'en')}"
        item = self.bank.items[form.item_id]
        return say("edit_status", lang, id=item.id, version=item.version, status=_pair(STATUS_NAMES[item.status], lang))

    def on_open(self, user: Any, item_id: Any, lang: Any) -> Updates:
        """Fill the form with an item of the bank (its version stamp kept for the save)."""

        def step(_scope: Scope) -> Updates:
            wanted = str(item_id or "").strip()
            if not wanted:
                raise Problem(say("pick_first", lang))
            item = self.bank.items.get(wanted)
            if item is None:
                raise Problem(say("unknown", lang, id=plain(wanted[:20])))
            form = item_to_form(item)
            return self._form_updates(form, lang, self._status(form, lang))

        return self.page._guard(user, step)  # type: ignore[no-any-return]

    def on_new(self, user: Any, lang: Any) -> Updates:
        """An empty form for a new item (also after logout, so nothing stays on the screen)."""
        form = ItemForm()
        if user is None:
            return self._form_updates(form, lang, say("new_status", lang))
        return self.page._guard(user, lambda _s: self._form_updates(form, lang, say("new_status", lang)))  # type: ignore[no-any-return]

    def _error_updates(self, refused: Refused, lang: Any) -> Updates:
        """The refusal above the form and each field's own problems under that field; values untouched."""
        by_field: dict[str, list[FieldError]] = {}
        for error in refused.errors:
            by_field.setdefault(error.field if error.field in self.fields else "key", []).append(error)
        lines = [f"**⚠ {safe_markdown(refused.text(lang))}**"]
        for name, errors in by_field.items():
            label = say(name, lang) if name in TEXT else name
            lines += [f"- **{safe_markdown(label)}**: {safe_markdown(e.text(lang))}" for e in errors]
        out: Updates = {self.page.notice: refused.text(lang), self.errors: "\n".join(lines)}
        for name, component in self.fields.items():
            found = by_field.get(name, [])
            out[component] = gr.update(info="⚠ " + " ".join(e.text(lang) for e in found) if found else None)
        return out

    def on_save(self, user: Any, item_id: Any, token: Any, lang: Any, *values: Any) -> Updates:
        """Check and save the form as a pilot item; on any problem nothing is written and the form stays."""

        def step(scope: Scope) -> Updates:
            form = ItemForm.from_values(item_id, token, *values)
            try:
                change = self.authoring().save(form, scope.username)
            except Refused as refused:
                return self._error_updates(refused, lang)
            saved = item_to_form(change.item)
            out = self._form_updates(saved, lang, say("saved", lang, id=change.item.id, version=change.item.version,
                                                      file=change.file))
            out[self.page.notice] = say("saved", lang, id=change.item.id, version=change.item.version,
                                        file=change.file)
            waiting = self.authoring().waiting()
            out[self.review_pick] = gr.update(choices=self._waiting_choices(waiting, lang))
            out[self.page.item_pick] = gr.update(choices=sorted(self.bank.items))  # the Bank tab's preview list
            return out

        return self.page._guard(user, step)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ review

    @staticmethod
    def _waiting_choices(waiting: list[Any], lang: Any) -> list[tuple[str, str]]:
        return [(f"{w.item.id} · v{w.item.version} · {say('by', lang, author=w.author or '?')}"
                 + (" · ↩" if w.sent_back else "") + f" · {w.item.stem.zh[:20]}", w.item.id) for w in waiting]

    def _review_updates(self, wanted: str | None, lang: Any, notice: str | None = None) -> Updates:
        waiting = self.authoring().waiting()
        choices = self._waiting_choices(waiting, lang)
        ids = [w.item.id for w in waiting]
        current = wanted if wanted in ids else (ids[0] if ids else None)
        card = ""
        if current is not None:
            entry = waiting[ids.index(current)]
            item = entry.item
            note = f"\n\n**↩ {safe_markdown(say('sent_note', lang, comment=entry.sent_back))}**" if entry.sent_back else ""
            card = (f"{item_preview(self.bank, item, 'zh')}\n\n---\n\n{item_preview(self.bank, item, 'en')}\n\n"
                    f"{item_meta(self.bank, item)}\n\n{safe_markdown(say('by', lang, author=entry.author or '?'))}{note}")
        message = notice or (say("waiting", lang, n=len(ids)) if ids else say("none_waiting", lang))
        return {self.page.notice: message, self.review_pick: gr.update(choices=choices, value=current),
                self.review_card: card, self.comment: "" if notice else gr.update(),
                self.pick: gr.update(choices=item_choices(self.bank)),
                self.page.item_pick: gr.update(choices=sorted(self.bank.items))}

    def on_review(self, user: Any, item_id: Any, lang: Any) -> Updates:
        """The list of pilot items waiting for review and the picked one in both languages."""
        return self.page._guard(user, lambda _s: self._review_updates(str(item_id or "") or None, lang))  # type: ignore[no-any-return]

    def on_approve(self, user: Any, item_id: Any, lang: Any) -> Updates:
        """A second trainer approves the picked item (never its author)."""

        def step(scope: Scope) -> Updates:
            wanted = str(item_id or "").strip()
            if not wanted:
                raise Problem(say("pick_first", lang))
            try:
                change = self.authoring().approve(wanted, scope.username)
            except Refused as refused:
                return {**self._review_updates(wanted, lang), self.page.notice: refused.text(lang)}
            return self._review_updates(None, lang, say("approved", lang, id=change.item.id,
                                                        version=change.item.version))

        return self.page._guard(user, step)  # type: ignore[no-any-return]

    def on_send_back(self, user: Any, item_id: Any, comment: Any, lang: Any) -> Updates:
        """A second trainer sends the picked item back to its author with a comment."""

        def step(scope: Scope) -> Updates:
            wanted = str(item_id or "").strip()
            if not wanted:
                raise Problem(say("pick_first", lang))
            try:
                row = self.authoring().send_back(wanted, scope.username, str(comment or ""))
            except Refused as refused:
                out = self._review_updates(wanted, lang)
                out.pop(self.comment)  # keep what was typed
                return {**out, self.page.notice: refused.text(lang)}
            return self._review_updates(wanted, lang, say("sent_back", lang, id=wanted, comment=row.comment))

        return self.page._guard(user, step)  # type: ignore[no-any-return]
