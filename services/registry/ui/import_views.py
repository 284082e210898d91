"""Import pages: upload a household file, watch its run (progress bar, errors, results).

The upload answers at once with a redirect to the run's page; the run goes on in the
background and the page polls its JSON (GET /api/imports/<id>) every second. The pages,
like the API, still call a run a job (endpoints, ``job_id``, the templates)."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.web.csv_export import csv_response
from services.registry.api.imports import bulk_imports, resume_run, run_or_404, start_import
from services.registry.imports.validation import COLUMNS, LABELS, REQUIRED

bp = Blueprint("registry_import_ui", __name__)

# The template a village office can download: Chinese headers, one household of three.
TEMPLATE_ROWS = [
    ["户编号", "户主", "村代码", "乡镇", "村", "主要致贫原因", "其他致贫原因", "人均纯收入（元）", "不愁吃", "不愁穿",
     "义务教育有保障", "基本医疗有保障", "住房安全有保障", "帮扶责任人", "帮扶责任人电话",
     "姓名", "与户主关系", "性别", "出生年份", "健康状况", "文化程度", "劳动能力", "在校生状况", "身份证号"],
    ["HW-0001", "王建国", "621202104201", "汉王镇", "罗寨村", "因病", "缺资金;缺技术", "2100.50", "是", "是",
     "是", "是", "否", "刘明", "13800000000", "王建国", "户主", "男", "1968", "健康", "小学", "普通劳动力", "不适用", ""],
    ["HW-0001", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
     "李秀英", "配偶", "女", "1970", "长期慢性病", "文盲或半文盲", "弱劳动力或半劳动力", "不适用", ""],
    ["HW-0001", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
     "王小明", "之子", "男", "2012", "健康", "小学", "无劳动力", "在校生", ""],
]


@bp.route("/imports", methods=["GET", "POST"])
@require(READ)
def imports():
    error = None
    if request.method == "POST":
        authorize(WRITE)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error = _("Choose a file to import.")
        else:
            run = start_import(upload, request.form.get("dry_run") == "on")
            return redirect(url_for("registry_import_ui.import_job", job_id=run["_id"]), 303)
    principal = authorize(READ)
    return render_template("registry/imports.html", jobs=bulk_imports().recent(principal.county), error=error,
                           can_write=principal.can(WRITE, "registry"), columns=COLUMNS, required=REQUIRED,
                           labels=LABELS), 422 if error else 200


imports.large_upload = True   # the app factory raises the body limit before the form is read


@bp.get("/imports/<job_id>")
@require(READ)
def import_job(job_id):
    run = run_or_404(job_id)
    return render_template("registry/import_job.html", job=run, final=bulk_imports().FINAL,
                           may_resume=bulk_imports().may_resume(run) and authorize(READ).can(WRITE, "registry"))


@bp.post("/imports/<job_id>/resume")
@require(WRITE)
def resume(job_id):
    resume_run(job_id)
    return redirect(url_for("registry_import_ui.import_job", job_id=job_id), 303)


@bp.get("/imports/template.csv")
@require(READ)
def template():
    return csv_response("household-import-template.csv", TEMPLATE_ROWS[0], TEMPLATE_ROWS[1:])
