"""The checker the every-page test uses (tests/untranslated.py) finds what a Chinese reader
should not see — the issue's own example among them — and lets codes and data through."""
from tests.untranslated import untranslated, visible_text

ISSUE_19 = ("per-capita income 3820.00 yuan is not above the 2026 poverty line of 4000.00 yuan; "
            "not yet guaranteed: basic_medical")


def test_the_issue_example_is_found_word_by_word():
    words = untranslated(ISSUE_19)
    assert "basic_medical" in words and "poverty" in words and "guaranteed" in words


def test_a_code_name_inside_chinese_text_is_found():
    assert untranslated("尚未保障：basic_medical") == ["basic_medical"]


def test_chinese_text_numbers_codes_and_allowed_names_pass():
    text = ("人均纯收入 3820.00 元，低于 2026 年贫困线 4000.00 元；户编号 H621202ABCDEFGHJK；"
            "身份证 6212**********1234；导出 CSV；Jingzhun API；12 kg；https://partner.example/hook；"
            "订阅 ecommerce.sale.*；2026-12-07 08:30")
    assert untranslated(text) == []


def test_data_a_test_named_passes_only_when_named():
    assert untranslated("提出人 county_wudu") == ["county_wudu"]
    assert untranslated("提出人 county_wudu", frozenset({"county_wudu"})) == []


def test_visible_text_is_text_and_shown_attributes_not_scripts():
    html = ('<html><head><title>户</title><script>var not_shown = "English";</script></head>'
            '<body><p>提交 <b>exit_proposed</b></p><input placeholder="Search"><input type="submit" value="Save">'
            '<input type="hidden" value="hidden_value"><a title="Open">打开</a></body></html>')
    assert visible_text(html) == ["户", "提交", "exit_proposed", "Search", "Save", "Open", "打开"]


def test_text_a_page_marks_as_literal_is_not_a_word_to_translate():
    html = '<p>列 <code>village_code</code></p><pre>{"amount_fen": 1}</pre>'
    assert visible_text(html) == ["列"]
