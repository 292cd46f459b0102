"""Every string a worker or trainer reads, in Chinese and English. `t(key, lang, **values)` formats one."""

from __future__ import annotations

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
    # --- trainer ---
    "trainer_login": {"zh": "培训老师登录", "en": "Trainer login"},
    "username": {"zh": "用户名", "en": "Username"},
    "password": {"zh": "密码", "en": "Password"},
    "login": {"zh": "登录", "en": "Log in"},
    "logout": {"zh": "退出", "en": "Log out"},
    "login_failed": {"zh": "用户名或密码不对。", "en": "Wrong username or password."},
    "login_needed": {"zh": "请先登录。", "en": "Please log in first."},
    "tab_worker": {"zh": "技能自测", "en": "Skills check"},
    "tab_trainer": {"zh": "培训老师", "en": "Trainer"},
    "tab_sessions": {"zh": "测试记录", "en": "Sessions"},
    "tab_cohort": {"zh": "群体分析", "en": "Cohort"},
    "tab_exports": {"zh": "导出", "en": "Exports"},
    "tab_bank": {"zh": "题库", "en": "Question bank"},
    "language": {"zh": "语言 / Language", "en": "Language / 语言"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The string `key` in `lang` ('zh' or 'en'; anything else falls back to Chinese), formatted."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["zh"]
    return text.format(**values) if values else text


def both(key: str, **values: object) -> dict[str, str]:
    return {lang: t(key, lang, **values) for lang in LANGS}
