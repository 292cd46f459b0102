"""One bank item for the trainer, in one language, with its key, rubric and parameters (bank text, escaped)."""

from __future__ import annotations

from assessor.bank.load import Bank
from assessor.bank.schema import Item
from assessor.ui.media import item_image_html
from assessor.ui.text import safe_markdown


def item_preview(bank: Bank, item: Item, lang: str) -> str:
    """One item in one language as Markdown: stem, its picture (if any), options with the key marked, explanation
    (bank text, escaped)."""
    domain = bank.domains.get(item.domain)
    lines = [f"### {item.id} · {safe_markdown(domain.name.get(lang) if domain else item.domain)} · L{item.level}"
             f" · {item.type}", "", safe_markdown(item.stem.get(lang)), ""]
    picture = item_image_html(item, lang, bank.root / "media")
    if picture:
        lines += [picture, "", f"*{'图' if lang == 'zh' else 'Picture'}: `{item.image.file if item.image else ''}`*", ""]
    key = item.key
    if item.type == "ordering":
        lines += [f"{i}. {safe_markdown(o.text(lang))}" for i, o in enumerate(item.options, start=1)]
        order = " → ".join(str(item.option_ids.index(k) + 1) for k in key if k in item.option_ids)
        lines += ["", f"**{'正确顺序' if lang == 'zh' else 'Correct order'}:** {order}"]
    elif item.options:
        lines += [f"- {'**✓**' if o.id in key else '○'} {o.id}. {safe_markdown(o.text(lang))}" for o in item.options]
    if item.rubric:
        lines.append(f"**{'评分要点' if lang == 'zh' else 'Rubric points'}:**")
        lines += [f"- {safe_markdown(p.text(lang))} (×{p.weight:g})" for p in item.rubric]
    lines += ["", f"**{'解析' if lang == 'zh' else 'Explanation'}:** {safe_markdown(item.explanation.get(lang))}"]
    return "\n".join(lines)


def item_meta(bank: Bank, item: Item) -> str:
    """IRT parameters, course references (with unit titles), status and where the item is defined."""
    irt = item.irt
    steps = f", steps {', '.join(f'{s:g}' for s in irt.steps)}" if irt.steps else ""
    lines = [f"**IRT:** a = {irt.a:g}, b = {irt.b:g}, c = {irt.c:g}{steps} ({irt.source})",
             f"**状态 status:** {item.status} · v{item.version} · "
             f"{'已审核 reviewed' if item.reviewed else '未审核 not reviewed'}"]
    if item.standard_ref:
        lines.append(f"**标准 standard:** {safe_markdown(item.standard_ref)}")
    if item.tags:
        lines.append(f"**标签 tags:** {safe_markdown(', '.join(item.tags))}")
    lines.append("**课程 course refs:**")
    for ref in item.course_refs:
        found = bank.unit_title(ref)
        text = f"- {safe_markdown(ref)}"
        if found is not None:
            course, unit = found
            text += f": {safe_markdown(course.title.zh)} / {safe_markdown(course.title.en)} ({course.hours:g} h)"
            if unit is not None:
                text += f" · {safe_markdown(unit.title.zh)} / {safe_markdown(unit.title.en)}"
        lines.append(text)
    origin = bank.origins.get(f"item:{item.id}")
    if origin is not None:
        lines.append(f"**文件 file:** `{origin.file}:{origin.line}`")
    return "\n\n".join(lines)
