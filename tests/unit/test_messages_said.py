"""Domain messages (shared/messages.py) are English for the API and said in the reader's
language on pages, their codes by their names (issue 19: the exit check)."""
from pathlib import Path

from flask import Flask
from flask_babel import Babel

from services.registry.domain import exit_rules as er
from shared.messages import Code, Message
from shared.web.messages import actor, say, say_all
from shared.web.vocabulary import N_

TRANSLATIONS = str(Path(__file__).resolve().parents[2] / "shared" / "translations")
ALL = dict.fromkeys(er.GUARANTEES, True)


def _app(locale: str) -> Flask:
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: locale, default_translation_directories=TRANSLATIONS)
    return app


def test_the_issue_example_is_said_in_chinese_with_the_guarantee_by_its_name():
    problems = er.exit_problems(382000, {**ALL, "basic_medical": False}, 2026)
    assert str(problems[0]) == "per-capita income 3820.00 yuan is not above the 2026 poverty line of 4000.00 yuan"
    assert str(problems[1]) == "not yet guaranteed: basic_medical"
    with _app("zh_CN").test_request_context():
        said = say_all(problems)
    assert said == "人均纯收入 3820.00 元，未高于 2026 年贫困线 4000.00 元；尚未保障：基本医疗有保障"


def test_a_list_of_codes_uses_the_language_s_separator():
    problems = er.exit_problems(500000, {**ALL, "food": False, "safe_housing": False}, 2026)
    with _app("zh_CN").test_request_context():
        assert say(problems[0]) == "尚未保障：不愁吃、住房安全有保障"
    with _app("en").test_request_context():
        said = say(problems[0])
    assert said.startswith("not yet guaranteed: ") and "safe_housing" not in said


def test_refusals_of_steps_and_duties_are_messages_with_codes():
    try:
        er.next_step("exited", "county_approve", er.today_utc())
    except er.StepRefused as exc:
        refused = exc.said
    assert refused.code == "step_not_possible" and "'county_approve'" in str(refused)
    duty = er.duty_problem("township_check", "wudu", {"propose_exit": "wudu"})
    assert duty.code == er.SEPARATION_OF_DUTIES
    with _app("zh_CN").test_request_context():
        assert say(duty).startswith("wudu 提出了脱贫申请")
        said = say(refused)
    assert "county_approve" not in said and "exited" not in said and "不能办理" in said


def test_text_that_is_not_a_message_is_shown_as_it_is_and_the_system_by_its_name():
    with _app("zh_CN").test_request_context():
        assert say("王建国") == "王建国"
        assert say(Message("x", N_("the system (%(program)s)"), {"program": Code("relocation")})).startswith("系统")
        assert actor("system/relocation").startswith("系统（") and actor("wudu") == "wudu"


def test_an_import_row_error_is_said_from_what_the_run_stored():
    from services.registry.imports.validation import CellRefused, enum_value, row_error, yuan_to_fen
    from shared.web.messages import row_problem
    errors = []
    for convert, text in ((yuan_to_fen, "abc"), (lambda t: enum_value("cause", t), "hunger")):
        try:
            convert(text)
        except CellRefused as exc:
            errors.append(row_error(3, "人均纯收入（元）", exc.said))
    assert errors[0]["message"] == "Not an amount in yuan with at most two decimals: 'abc'."   # the API's
    assert "illness (因病)" in errors[1]["message"]
    with _app("zh_CN").test_request_context():
        assert row_problem(errors[0]) == "不是以元为单位、最多两位小数的金额：<code>abc</code>。"
        assert row_problem(errors[1]).startswith("未知的值 <code>hunger</code>；应为以下之一：因病、因残")
        # a run stored by an earlier release has the English alone: marshmallow's is still said
        assert row_problem({"row": 2, "field": "姓名", "message": "Missing data for required field."}) == "此项必填。"
        assert row_problem({"row": 2, "field": "姓名", "message": "Something else."}) == "Something else."
