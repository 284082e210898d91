"""Domain messages (shared/messages.py) are English for the API and said in the reader's
language on pages, their codes by their names (issue 19: the exit check)."""
from datetime import date
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


def test_warning_village_and_change_refusals_keep_their_english_and_are_said_in_chinese():
    """The API keeps the English it gave before; a page says it with the codes by their names."""
    from services.registry.domain import change_requests as cr
    from services.registry.domain.villages import stationing_problem, status_problem
    from services.registry.domain.warning_life import WarningRefused, next_move
    try:
        next_move({"status": "closed", "raised_at": "2026-11-01T08:00:00.000Z"}, "acknowledge")
    except WarningRefused as exc:
        warning = exc.said
    village = status_problem("identified", "exited")
    stationed = stationing_problem([{"village_code": "621202104201", "from": "2025-01-01", "to": None}],
                                   {"village_code": "621202104201", "from": "2025-06-01", "to": None})
    try:
        cr.apply({"status": "assisted", "members": [{"member_id": "M1"}], "head_member_id": "M1"}, "remove_member",
                 {"member_id": "M1"})
    except cr.ChangeRefused as exc:
        change = exc.said
    assert str(warning) == "'acknowledge' is not possible for a warning that is closed; possible: nothing"
    assert str(village) == "a village identified cannot become exited (allowed: assisted)"
    assert str(stationed) == "already stationed in 621202104201 from 2025-01-01 to now"
    assert str(change) == "the head cannot leave: change the head first"
    with _app("zh_CN").test_request_context():
        said = [say(m) for m in (warning, village, stationed, change)]
    assert all(word not in text for text in said for word in ("acknowledge", "closed", "nothing", "identified",
                                                               "exited", "assisted", "now", "head")), said
    assert said[0] == "“已关闭”的预警不能办理“确认收到”；可办理：无"
    assert said[1] == "“已识别”的村不能变为“已脱贫”（可变为：帮扶中）"
    assert "至今" in said[2] and "户主" in said[3]


def test_refund_and_partner_scope_problems_are_recognised_and_said_in_chinese():
    """A form shows a refusal's field problems through message_of: e-commerce's refund amounts and
    the webhooks' partner scopes are templates, so their parameters come through."""
    from services.ecommerce.domain.sales import RefundRefused, check_refund
    from services.webhooks.domain.matching import scope_problems
    from shared.validation_messages import message_of
    sale = {"_id": "S1", "status": "recorded", "sold_on": "2026-11-01", "amount_fen": 72000, "income_fen": 60000}
    try:
        check_refund(sale, 999900, None, date(2026, 10, 1))
    except RefundRefused as exc:
        refund = exc.errors
    scope = scope_problems({"programs": ["tourism"], "areas": ["621222"]}, {"programs": ["ecommerce"], "areas": ["621202"]})
    assert refund["amount_fen"] == ["At most 720.00 yuan of this sale remains to refund."]      # the API's English
    assert scope["programs"] == ["The partner may not see tourism."]
    with _app("zh_CN").test_request_context():
        said = [say(message_of(text)) for text in (*refund["amount_fen"], *refund["refunded_on"], *scope["programs"],
                                                  *scope["areas"])]
    assert said == ["该笔销售最多还可退款 720.00 元。", "该笔销售发生于 2026-11-01，退款须在其后。",
                    "该合作方无权查看：乡村旅游扶贫。", "超出该合作方的地区范围：621222。"], said


def test_a_refusal_is_said_at_its_field_or_by_the_fields_it_names():
    from shared.gazetteer.checks import _NOT_OFFICIAL
    from shared.programs.refused import Refused
    from shared.web.forms import refusal_errors, refusal_said
    one = Refused(Message("not_in_notice", N_("this household is not in this public notice")), "household_id", 404)
    named = Refused.of({"village_code": [_NOT_OFFICIAL["an area"] % {"code": "621202100201", "edition": "2023"}]})
    with _app("zh_CN").test_request_context():
        assert refusal_errors(one) == {"household_id": "该户不在本公示中"}
        assert refusal_errors(one, "objection") == {"objection-household_id": "该户不在本公示中"}
        assert refusal_errors(named) == {"village_code": "621202100201 不在官方行政区划代码中（版本 2023）。"}
        assert refusal_said(Refused("plain English of a service")) == "plain English of a service"
