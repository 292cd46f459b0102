"""Every string a worker or trainer reads, in Chinese and English. `t(key, lang, **values)` formats one."""

from __future__ import annotations

from collections.abc import Iterable

LANGS = ("zh", "en")

STRINGS: dict[str, dict[str, str]] = {
    # --- intake ---
    "app_title": {"zh": "家政技能自测", "en": "Domestic-service skills check"},
    "greeting": {"zh": "您好！我是技能自测助手。我们一起做一个小测试，看看您哪方面已经很好，哪方面还可以学习。题目不多，做错了也没关系。",
                 "en": "Hello! I am your skills-check helper. We will do a short quiz together to see what you already do well and what you could learn next. It is not long, and mistakes are fine."},
    "ask_code": {"zh": "请输入您的姓名或工号（培训中心给您的编号）", "en": "Your name or worker code (the one your centre gave you)"},
    "ask_role": {"zh": "您做的是哪一类工作？", "en": "What kind of work do you do?"},
    "ask_level": {"zh": "您想测哪个等级？", "en": "Which level do you want to check?"},
    "ask_years": {"zh": "做这行几年了？（可不填）", "en": "Years in this work (optional)"},
    "ask_describe": {"zh": "或者，用几句话说说您平时做什么工作：", "en": "Or tell us in a few words what you do at work:"},
    "placement_result": {"zh": "听起来您的工作主要是：{domains}。建议选择：{role}。对吗？",
                         "en": "It sounds like your work is mostly: {domains}. We suggest: {role}. Is that right?"},
    "placement_empty": {"zh": "请先写几句话，说说您平时做什么。", "en": "Please write a few words about what you do first."},
    "start": {"zh": "开始测试", "en": "Start the quiz"},
    "resume": {"zh": "继续上次的测试", "en": "Continue a quiz"},
    "resume_code": {"zh": "继续码", "en": "Resume code"},
    "unknown_code": {"zh": "没有找到这个继续码：{code}。请检查后再输入（字母和数字，共8位）。",
                     "en": "We could not find the resume code {code}. Please check it and try again (8 letters and digits)."},
    "need_code": {"zh": "请先输入姓名或工号。", "en": "Please enter your name or worker code first."},
    "need_role": {"zh": "请先选择工作类别。", "en": "Please choose your kind of work first."},
    "bad_level": {"zh": "“{role}”没有这个等级，请重新选择。", "en": "“{role}” has no such level; please choose again."},
    "started": {"zh": "好的，我们开始。一共大约 {expected} 道题。您的继续码是 {code}，请记下来，断网或刷新后可以接着做。",
                "en": "Let's begin. About {expected} questions. Your resume code is {code}: write it down to continue after a refresh or a lost connection."},
    "resumed": {"zh": "欢迎回来！我们从刚才那道题继续。", "en": "Welcome back! We continue with the same question."},
    # --- quiz ---
    "progress": {"zh": "第 {n} 题，共约 {expected} 题 · 已覆盖 {covered}/{domains} 个技能方面",
                 "en": "Question {n} of about {expected} · {covered} of {domains} skill areas covered"},
    "domain_label": {"zh": "方面：{domain}", "en": "Area: {domain}"},
    "type_single_choice": {"zh": "请选一个答案。", "en": "Choose one answer."},
    "type_multiple_choice": {"zh": "可以选多个答案，选好后点“提交”。", "en": "Choose all that are right, then press Submit."},
    "type_true_false": {"zh": "这句话对还是错？", "en": "Is this true or false?"},
    "type_ordering": {"zh": "请按正确顺序依次点选步骤，排好后点“提交”。", "en": "Tap the steps in the right order, then press Submit."},
    "type_open_scenario": {"zh": "请用自己的话写下您会怎么做（几句话就行）。", "en": "Write in your own words what you would do (a few sentences)."},
    "submit": {"zh": "提交", "en": "Submit"},
    "dont_understand": {"zh": "看不懂，换个说法", "en": "I don't understand"},
    "read_aloud": {"zh": "朗读题目", "en": "Read aloud"},
    "stop_quiz": {"zh": "结束并看结果", "en": "Finish and see results"},
    "rephrased": {"zh": "换个说法：{text}", "en": "In other words: {text}"},
    "rephrase_none": {"zh": "换个说法：{text}", "en": "Put simply: {text}"},
    "correct": {"zh": "✅ 答对了！", "en": "✅ Correct!"},
    "partly": {"zh": "🟡 答对了一部分。", "en": "🟡 Partly right."},
    "wrong": {"zh": "❌ 这次没答对。", "en": "❌ Not this time."},
    "pilot_note": {"zh": "（这道是试用题，不计分。）", "en": "(This was a trial question; it does not count.)"},
    "right_answer": {"zh": "正确答案：{answer}", "en": "Right answer: {answer}"},
    "right_order": {"zh": "正确顺序：{answer}", "en": "Right order: {answer}"},
    "rubric_hit": {"zh": "✔ 说到了：{point}", "en": "✔ You covered: {point}"},
    "rubric_miss": {"zh": "✘ 还可以说：{point}", "en": "✘ Also worth saying: {point}"},
    "why": {"zh": "讲解：{text}", "en": "Why: {text}"},
    "next_question": {"zh": "下一题", "en": "Next question"},
    "ask_bank": {"zh": "有问题想问？（例如：84消毒液怎么稀释？）", "en": "Have a question? (e.g. How do I dilute 84 bleach?)"},
    "ask_button": {"zh": "问一问", "en": "Ask"},
    "ask_none": {"zh": "题库里没有找到相关内容，可以问问培训老师。", "en": "Nothing in the question bank matches; please ask your trainer."},
    "ask_source": {"zh": "来源：{source}", "en": "Source: {source}"},
    "ask_during_question": {"zh": "请先回答当前的题目，答完后再提问。", "en": "Please answer the current question first, then ask."},
    # --- input problems ---
    "empty_answer": {"zh": "还没有选答案（或没有写内容），请先作答。", "en": "No answer yet: please choose or write one first."},
    "too_long": {"zh": "内容太长了（最多 {max} 个字），请写短一些。", "en": "That is too long (at most {max} characters); please shorten it."},
    "binary_text": {"zh": "内容里有无法识别的字符，请只输入文字。", "en": "The text contains characters we cannot read; please type plain text."},
    "bad_option": {"zh": "这个选项不属于当前题目，请重新选择。", "en": "That choice is not part of this question; please choose again."},
    "order_incomplete": {"zh": "请把所有 {n} 个步骤都排上顺序（每个只选一次）。", "en": "Please put all {n} steps in order (each once)."},
    "stale_question": {"zh": "这道题已经答过了，请看当前的题目。", "en": "That question was already answered; here is the current one."},
    "session_not_finished": {"zh": "这次测试还没有结束，还没有结果报告。", "en": "This quiz has not finished yet, so there is no report."},
    "session_finished": {"zh": "这次测试已经结束，可以查看结果或重新开始。", "en": "This quiz has finished: see the results or start again."},
    # --- result ---
    "result_title": {"zh": "您的测试结果", "en": "Your results"},
    "result_intro": {"zh": "下面是您在每个方面的情况。", "en": "Here is how you did in each area."},
    "band_above": {"zh": "已超过{level}", "en": "Above {level}"},
    "band_at": {"zh": "达到{level}", "en": "At {level}"},
    "band_below": {"zh": "还没达到{level}", "en": "Not yet at {level}"},
    "sure_high": {"zh": "很有把握", "en": "we are quite sure"},
    "sure_mid": {"zh": "比较有把握", "en": "fairly sure"},
    "sure_low": {"zh": "还不太确定，需要多做几题", "en": "not sure yet; more questions would help"},
    "ready_yes": {"zh": "🎉 总体来看，您已经达到{level}的水平。", "en": "🎉 Overall, you are ready for {level}."},
    "ready_no": {"zh": "总体来看，您离{level}还差一点，按下面的课程学习会有帮助。",
                 "en": "Overall, you are not yet at {level}; the courses below will help."},
    "courses_title": {"zh": "推荐课程", "en": "Recommended courses"},
    "courses_none": {"zh": "您各方面都不错，可以挑战更高一级。", "en": "You are doing well in every area: try the next level up."},
    "hours": {"zh": "{hours} 学时", "en": "{hours} hours"},
    "keep_code": {"zh": "您的结果码：{code}（以后可以用它查看结果或重新测试）", "en": "Your result code: {code} (use it to see these results again or retake)"},
    "download_pdf": {"zh": "下载结果报告（PDF）", "en": "Download the report (PDF)"},
    "retake": {"zh": "再测一次", "en": "Take it again"},
    "col_area": {"zh": "方面", "en": "Area"},
    "col_result": {"zh": "结果", "en": "Result"},
    "col_sure": {"zh": "把握", "en": "How sure"},
    "col_items": {"zh": "题数", "en": "Questions"},
    "col_score": {"zh": "能力值", "en": "Ability"},
    "summary_title": {"zh": "小结", "en": "Summary"},
    "summary_strong": {"zh": "做得好的方面：{areas}。", "en": "Doing well in: {areas}."},
    "summary_weak": {"zh": "还要加强的方面：{areas}。", "en": "Areas to work on: {areas}."},
    "summary_courses": {"zh": "建议先学：{courses}。", "en": "Start with: {courses}."},
    # --- web app (worker pages) ---
    "place_button": {"zh": "帮我判断", "en": "Suggest for me"},
    "place_domains": {"zh": "您主要做的方面（可以取消不对的）", "en": "Your main areas (untick any that are wrong)"},
    "new_quiz_title": {"zh": "开始新的测试", "en": "Start a new quiz"},
    "resume_title": {"zh": "已经做过一部分？", "en": "Started before?"},
    "your_order": {"zh": "您排的顺序：{order}", "en": "Your order: {order}"},
    "order_empty": {"zh": "还没有选步骤，请按顺序点上面的步骤。", "en": "No steps yet: tap the steps above in order."},
    "reset_order": {"zh": "重新排", "en": "Start the order again"},
    "your_answer": {"zh": "您的回答", "en": "Your answer"},
    "ui_error": {"zh": "出了点问题，请再试一次。如果还不行，请告诉培训老师。", "en": "Something went wrong; please try again. If it keeps happening, tell your trainer."},
    "radar_title": {"zh": "各方面能力", "en": "Your skill areas"},
    "radar_cut": {"zh": "目标等级线", "en": "Target level"},
    "pdf_unavailable": {"zh": "报告暂时生成不了，请记下结果码，稍后再下载。", "en": "The report could not be made right now; keep your result code and try later."},
    "ask_answers": {"zh": "题库里的相关内容：", "en": "From the question bank:"},
    "chat_label": {"zh": "对话", "en": "Conversation"},
    "years_lt1": {"zh": "不到1年", "en": "Under 1 year"},
    "years_1_3": {"zh": "1到3年", "en": "1–3 years"},
    "years_3_8": {"zh": "3到8年", "en": "3–8 years"},
    "years_8": {"zh": "8年以上", "en": "8 years or more"},
    "lang_zh": {"zh": "中文", "en": "中文"},
    "lang_en": {"zh": "English", "en": "English"},
    # --- trainer ---
    "trainer_login": {"zh": "培训老师登录", "en": "Trainer login"},
    "username": {"zh": "用户名", "en": "Username"},
    "password": {"zh": "密码", "en": "Password"},
    "login": {"zh": "登录", "en": "Log in"},
    "logout": {"zh": "退出", "en": "Log out"},
    "login_failed": {"zh": "用户名或密码不对。", "en": "Wrong username or password."},
    "login_locked": {"zh": "登录失败次数太多，请 {seconds} 秒后再试。", "en": "Too many failed logins; try again in {seconds} seconds."},
    "login_needed": {"zh": "请先登录。", "en": "Please log in first."},
    "tab_worker": {"zh": "技能自测", "en": "Skills check"},
    "tab_trainer": {"zh": "培训老师", "en": "Trainer"},
    "tab_sessions": {"zh": "测试记录", "en": "Sessions"},
    "tab_cohort": {"zh": "群体分析", "en": "Cohort"},
    "tab_exports": {"zh": "导出", "en": "Exports"},
    "tab_bank": {"zh": "题库", "en": "Question bank"},
    "language": {"zh": "语言 / Language", "en": "Language / 语言"},
    # --- trainer pages (ui/trainer.py) ---
    "tr_title": {"zh": "培训老师页面", "en": "Trainer pages"},
    "tr_logged_in": {"zh": "已登录：{name}", "en": "Logged in as {name}"},
    "tr_logged_out": {"zh": "已退出。", "en": "Logged out."},
    "tr_filters": {"zh": "筛选", "en": "Filters"},
    "tr_centre": {"zh": "培训中心", "en": "Centre"},
    "tr_role": {"zh": "工种", "en": "Role"},
    "tr_worker": {"zh": "学员编号", "en": "Worker code"},
    "tr_date_from": {"zh": "开始日期（年-月-日）", "en": "From (YYYY-MM-DD)"},
    "tr_date_to": {"zh": "结束日期（年-月-日）", "en": "To (YYYY-MM-DD)"},
    "tr_level": {"zh": "达到等级", "en": "Level reached"},
    "tr_status": {"zh": "状态", "en": "Status"},
    "tr_search": {"zh": "搜索（编号、姓名、结果码）", "en": "Search (code, name, result code)"},
    "tr_any": {"zh": "全部", "en": "All"},
    "tr_active": {"zh": "进行中", "en": "In progress"},
    "tr_finished": {"zh": "已完成", "en": "Finished"},
    "tr_apply": {"zh": "查询", "en": "Apply"},
    "tr_bad_date": {"zh": "日期格式应为 年-月-日，例如 2026-03-01。", "en": "Dates look like YYYY-MM-DD, e.g. 2026-03-01."},
    "tr_found": {"zh": "找到 {n} 次测试。", "en": "{n} session(s) found."},
    "tr_sessions_table": {"zh": "测试列表", "en": "Sessions"},
    "tr_pick_session": {"zh": "选择一次测试", "en": "Pick a session"},
    "tr_open": {"zh": "查看", "en": "Open"},
    "tr_no_session": {"zh": "请先选择一次测试。", "en": "Pick a session first."},
    "tr_session_missing": {"zh": "找不到这次测试。", "en": "That session was not found."},
    "tr_transcript": {"zh": "对话记录", "en": "Transcript"},
    "tr_items": {"zh": "每题记录", "en": "Items"},
    "tr_path": {"zh": "能力估计路径（θ ± SE）", "en": "Ability path (θ ± SE)"},
    "tr_opinion": {"zh": "模型第二意见", "en": "Second opinion"},
    "tr_opinion_pick": {"zh": "选择一条开放题回答", "en": "Pick a free-text answer"},
    "tr_opinion_button": {"zh": "请模型看看这条回答", "en": "Ask the model about this answer"},
    "tr_not_a_score": {"zh": "仅供培训老师参考，不是分数", "en": "for trainers only, not a score"},
    "tr_no_free_text": {"zh": "这次测试没有开放题回答。", "en": "This session has no free-text answers."},
    "tr_models_loading": {"zh": "模型还在加载，请稍后再试。", "en": "The models are still loading; try again in a moment."},
    "tr_models_error": {"zh": "模型加载出错：{error}", "en": "Loading the models failed: {error}"},
    "tr_compute": {"zh": "计算", "en": "Compute"},
    "tr_distribution": {"zh": "各领域能力分布", "en": "Ability by domain"},
    "tr_item_stats": {"zh": "题目统计", "en": "Item statistics"},
    "tr_flagged": {"zh": "需要复查的题目", "en": "Items flagged for review"},
    "tr_no_data": {"zh": "没有符合条件的数据。", "en": "No data for this filter."},
    "tr_cohort_done": {"zh": "{sessions} 次测试，{items} 道题。", "en": "{sessions} session(s), {items} item(s)."},
    "tr_export_sessions": {"zh": "测试记录 CSV", "en": "Sessions CSV"},
    "tr_export_responses": {"zh": "作答记录 CSV", "en": "Responses CSV"},
    "tr_export_transcript": {"zh": "对话记录 PDF（当前查看的测试）", "en": "Transcript PDF (the open session)"},
    "tr_export_xapi": {"zh": "xAPI 语句 JSON", "en": "xAPI statements JSON"},
    "tr_export_ready": {"zh": "文件已生成：{name}", "en": "File ready: {name}"},
    "tr_download": {"zh": "下载", "en": "Download"},
    "tr_exports_help": {"zh": "CSV 和 xAPI 导出符合上面筛选条件的全部测试；PDF 导出“测试记录”页当前查看的那次测试。",
                        "en": "CSV and xAPI exports hold every session of the filters above; the PDF is the session open on the Sessions page."},
    "tr_bank_check": {"zh": "检查题库", "en": "Check the bank"},
    "tr_bank_ok": {"zh": "题库没有问题（{n} 道题）。", "en": "No problems found ({n} items)."},
    "tr_bank_problems": {"zh": "发现 {n} 个问题。", "en": "{n} problem(s) found."},
    "tr_bank_stats": {"zh": "题库统计", "en": "Bank statistics"},
    "tr_bank_search": {"zh": "搜索题库", "en": "Search the bank"},
    "tr_bank_kinds": {"zh": "搜索范围", "en": "Search in"},
    "tr_hits": {"zh": "搜索结果", "en": "Results"},
    "tr_item_id": {"zh": "题号", "en": "Item id"},
    "tr_preview": {"zh": "预览", "en": "Preview"},
    "tr_unknown_item": {"zh": "题库里没有这道题：{id}", "en": "No such item in the bank: {id}"},
    "tr_empty_query": {"zh": "请输入要搜索的内容。", "en": "Type something to search for."},
    "tr_truncated": {"zh": "表中显示最新的 {shown} 次，共 {total} 次：请缩小筛选范围。导出和统计包括全部 {total} 次。",
                     "en": "The table shows the newest {shown} of {total} sessions: narrow the filter. Exports and statistics include all {total}."},
    "tr_small_n": {"zh": "注意：只有 {n} 次已完成的测试，少于 {min_n} 次时统计数字很不稳定，仅供参考。",
                   "en": "Caution: only {n} finished session(s); with fewer than {min_n} the statistics are unstable, read them as a rough guide."},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "none": {"zh": "无", "en": "none"},
}

# How lists, clauses and labels are joined in each language ("、" between names, "；" between clauses).
SEPARATORS: dict[str, dict[str, str]] = {
    "list": {"zh": "、", "en": ", "},
    "clause": {"zh": "；", "en": "; "},
    "label": {"zh": "：", "en": ": "},
}


def t(key: str, lang: str, **values: object) -> str:
    """The string `key` in `lang` ('zh' or 'en'; anything else falls back to Chinese), formatted."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["zh"]
    return text.format(**values) if values else text


def join(parts: Iterable[object], lang: str, kind: str = "list") -> str:
    """`parts` joined the way `lang` writes a list ("、" / ", "), clauses ("；" / "; ") or a label ("：" / ": ")."""
    if kind not in SEPARATORS:
        raise KeyError(f"i18n.join: unknown kind {kind!r} (one of {', '.join(SEPARATORS)})")
    table = SEPARATORS[kind]
    return (table.get(lang) or table["zh"]).join(str(p) for p in parts)


def bi(key: str, **values: object) -> str:
    """A label in both languages, "中文 / English" (the trainer pages and exports are bilingual)."""
    return f"{t(key, 'zh', **values)} / {t(key, 'en', **values)}"


def bi_short(key: str) -> str:
    """A short word in both languages without a slash, e.g. "是 yes" (table cells)."""
    return f"{t(key, 'zh')} {t(key, 'en')}"

