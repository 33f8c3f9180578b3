"""Findings: prose against tables, template departures, and `ingest audit` across a body's years."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ingest.cli import main
from ingest.findings.contradictions import current_findings, refresh_findings
from ingest.findings.prose import parse_count, prose_findings, read_claims
from ingest.findings.rules import FindingRules, load_rules
from ingest.findings.template import (
    period_findings,
    section_findings,
    table_findings,
    tables_read,
    template_findings,
)
from ingest.findings.years import YearReport, body_key, cross_year_findings, group_bodies
from ingest.layouts import load_layouts
from ingest.models import TEMPLATE_FIELD, YEAR_FIELD, CellReading, Number, Paragraph
from ingest.output import report_to_dict, write_report
from ingest.pipeline import convert_bytes, convert_file
from ingest.settings import Settings
from tests.conftest import ROOT, SAMPLES, SEEDS, truth_of

REAL_DEV = ROOT.parent / "shared" / "real-dev"


@pytest.fixture(scope="module")
def rules(settings: Settings) -> FindingRules:
    return load_rules(settings.layouts_dir)


def claims(rules: FindingRules, text: str, year: int = 2022, template: str = "2021") -> list[tuple[str, int]]:
    return [(h.claim, h.value) for h in read_claims([Paragraph(text)], rules, template, year)]


def test_counts_in_digits_and_chinese() -> None:
    assert [parse_count(t) for t in ("75", "14,571", "十二", "两", "一百零五", "二三")] == [75, 14571, 12, 2, 105, None]


def test_prose_of_a_real_report_is_read_with_what_it_counts(rules: FindingRules) -> None:
    # Sentences of 平潭综合实验区's 2022 report (../shared/real-dev/fj_pingtan_2022.txt).
    text = ("2022年全区共主动公开政府信息14571条，集中公开现行有效行政规范性文件698件，"
            "动态更新本年度制发的规范性文件88件。"
            "2022年，全区收到政府信息公开申请75件，涉及自然人72件、商业企业3件，均在法定期限内予以答复，办结率100%。"
            "2022年，全区政府信息公开工作方面共有行政诉讼案件1件、行政复议案件2件，均已结案。")
    assert sorted(claims(rules, text)) == [("admin_review", 2), ("lawsuits", 1), ("normative_in_force", 698),
                                           ("normative_issued", 88), ("requests_received", 75)]


def test_numbers_that_are_not_the_tables_are_not_claims(rules: FindingRules) -> None:
    for text in ("主动公开政府信息459条。", "2021年收到政府信息公开申请30件。", "较上年收到政府信息公开申请增加5件。",
                 "收到网上申请12件。", "收到申请后15个工作日内答复。", "政策、规范性文件类信息68条。",
                 "其中自然人72件、商业企业3件。", "行政复议、行政诉讼案件2件。"):
        assert claims(rules, text) == [], text


def test_a_claim_against_the_table_is_a_finding_and_either_reading_of_received_agrees(rules: FindingRules) -> None:
    values: dict[str, Number | None] = {"s3.new.total": 74, "s3.carried_over.total": 1, "s3.granted.total": 21,
                                        "s3.partly_granted.total": 9}
    text = "全区收到政府信息公开申请{n}件，予以公开及部分公开30件，予以公开{g}件。"
    paragraph = text.format(n=75, g=20)
    hits = read_claims([Paragraph("标题"), Paragraph(paragraph)], rules, "2021", 2022)
    found = prose_findings(hits, values, rules)
    assert [(f.kind, f.ref) for f in found] == [("prose_table", "granted")]
    span = found[0].prose
    assert span is not None and span.block == 1 and paragraph[span.start:span.end] == span.text == "予以公开20件"
    assert found[0].cells == ["s3.granted.total"] and "21" in found[0].message
    assert prose_findings(read_claims([Paragraph(text.format(n=74, g=21))], rules, "2021", 2022), values, rules) == []
    wrong = prose_findings(read_claims([Paragraph(text.format(n=76, g=21))], rules, "2021", 2022), values, rules)
    assert [f.ref for f in wrong] == ["requests_received"]


@pytest.mark.skipif(not REAL_DEV.is_dir(), reason="../shared/real-dev is not beside this checkout")
@pytest.mark.parametrize("name", ["fj_pingtan_2019", "fj_pingtan_2022", "fj_pingtan_scjgj_2023"])
def test_real_reports_prose_agrees_with_their_printed_tables(rules: FindingRules, name: str) -> None:
    """Their prose contradicts none of their tables (read from their truth): no finding."""
    truth = json.loads((REAL_DEV / f"{name}.truth.json").read_text(encoding="utf-8"))
    text = (REAL_DEV / f"{name}.txt").read_text(encoding="utf-8")
    hits = read_claims([Paragraph(line) for line in text.splitlines()], rules, truth["template"], truth["year"])
    assert prose_findings(hits, truth["cells"], rules) == []
    assert section_findings(rules, text) == [] and period_findings(rules, text, truth["year"]) == []
    if name == "fj_pingtan_2022":
        assert len(hits) == 5


def test_an_outdated_format_read_unsure_is_pending_its_review(rules: FindingRules) -> None:
    """A lone page printing rows both templates share may be taken for the 2019 format with a
    2021 report's year (seed 8080's image 4): the finding rests on the flagged template and year."""
    (sure,) = template_findings(rules, "2019", 2023, [])
    assert sure.kind == "template_outdated" and sure.pending == []
    (unsure,) = template_findings(rules, "2019", 2023, [], frozenset({TEMPLATE_FIELD, YEAR_FIELD}))
    assert unsure.pending == [TEMPLATE_FIELD, YEAR_FIELD]
    text = "本报告统计期限自2022年1月1日至2022年12月31日。"
    assert [f.pending for f in period_findings(rules, text, 2023, frozenset({YEAR_FIELD}))] == [[YEAR_FIELD]]
    assert [f.pending for f in period_findings(rules, text, 2023)] == [[]]


WEB_PAGES = sorted((SAMPLES / "documents").glob("webpage_*.txt"))


def test_seeds_findings_are_what_they_print(settings: Settings) -> None:
    """The real seeds and web pages: their prose contradicts none of their tables (read by hand:
    收到申请1件 = 1, 收到申请75件 = 74 new + 1 carried over, 行政复议2件, 行政诉讼1件, 现行有效698件,
    制发88件, 予以公开1件), each departure from the template listed."""
    assert len(WEB_PAGES) == 3
    for seed in SEEDS + WEB_PAGES:
        report = convert_file(seed, settings)
        kinds = {f.kind for f in report.findings}
        truth = truth_of(seed)
        assert "prose_table" not in kinds and "section_missing" not in kinds and "period_mismatch" not in kinds
        outdated = truth["template"] == "2019" and truth["year"] >= 2021
        assert ("template_outdated" in kinds) == outdated, seed.name
        printed_blank = any(v is None for k, v in truth["cells"].items() if not k.startswith("s2.regulations"))
        assert ("cells_blank" in kinds) == printed_blank, seed.name
        # The bureau prints 规范性文件 (the 2019 label) and no 规章 row.
        assert ("template_mixed" in kinds) == ("scjgj" in seed.name), seed.name
        missing = [f.ref for f in report.findings if f.kind == "row_missing"]
        assert missing == (["s2.regulations"] if "scjgj" in seed.name else []), seed.name


def test_a_real_reports_prose_changed_against_its_table_is_found(settings: Settings) -> None:
    page = next(p for p in WEB_PAGES if "2022" in p.name)
    text = page.read_text(encoding="utf-8")
    assert "全区收到政府信息公开申请75件" in text and "行政复议案件2件" in text
    changed = text.replace("收到政府信息公开申请75件", "收到政府信息公开申请77件")
    changed = changed.replace("行政复议案件2件", "行政复议案件3件")
    report = convert_bytes(changed.encode(), page.name, settings)
    found = {f.ref: f for f in report.findings if f.kind == "prose_table"}
    assert set(found) == {"requests_received", "admin_review"}
    span = found["requests_received"].prose
    assert span is not None and span.text == "收到政府信息公开申请77件"
    assert "74" in found["requests_received"].message and "75" in found["requests_received"].message


def test_a_statistics_period_of_another_year_and_a_missing_part_are_found(settings: Settings) -> None:
    text = SEEDS[2].read_text(encoding="utf-8")
    assert "统计数据从2023年1月1日" in text and "六、其他需要报告的事项" in text
    changed = text.replace("统计数据从2023年1月1日", "统计数据从2022年1月1日").replace("六、其他需要报告的事项", "")
    report = convert_bytes(changed.encode(), "changed.txt", settings)
    assert {(f.kind, f.ref) for f in report.findings} >= {("period_mismatch", "2022"), ("section_missing", "六")}


def test_headings_as_ocr_reads_them_are_found_and_a_list_in_the_narrative_is_not_one(rules: FindingRules) -> None:
    headings = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四政府信息公开行政复议、行政诉讼情况", "五存在的主要问题及改进情况",
                "六、其他需报公信息处理费管理办法》收取信息处理费的情况"]  # 、 lost, 告 read 公, lines run together
    assert section_findings(rules, "\n".join(headings)) == []
    narrative = "\n".join([*headings[:3], "四是进一步依法做好行政复议答复", *headings[4:]])
    assert [f.ref for f in section_findings(rules, narrative)] == ["四"]
    misread = "\n".join(["三、收到和处埋政府信息公开甲请情况" if h.startswith("三") else h for h in headings])
    assert [f.ref for f in section_findings(rules, misread)] == ["三"]
    assert section_findings(rules, misread, frozenset({"s3"})) == []  # its table was read: it is there


def test_a_table_of_blanks_was_read(settings: Settings) -> None:
    """A body that prints no zeros prints section 三's table as blanks: the table was read (its
    heading misread by OCR is no missing part); a table of which nothing was found was not."""
    layout = next(t for t in load_layouts(settings.layouts_dir) if t.template == "2021")
    cells = {k: CellReading(1, "1", 1.0) for row in layout.rows() for k in row.cell_keys()}
    three = [k for k in cells if k.startswith("s3.")]
    cells |= {k: CellReading(None, "", 0.99) for k in three}
    assert "s3" in tables_read(layout, cells)
    cells |= {k: CellReading(None, None, 0.0, found=False) for k in three}
    assert "s3" not in tables_read(layout, cells) and "s2" in tables_read(layout, cells)


def test_a_lone_number_that_may_be_its_rows_cells_run_together_is_not_a_blank(settings: Settings,
                                                                               rules: FindingRules) -> None:
    layout = next(t for t in load_layouts(settings.layouts_dir) if t.template == "2021")
    cells = {k: CellReading(0, "0", 1.0) for row in layout.rows() for k in row.cell_keys()}
    row = "s2.normative_docs"
    unsure = [CellReading(None, None, 0.4, review=True), CellReading(None, None, 0.4, review=True)]
    cells |= dict(zip([f"{row}.issued", f"{row}.repealed", f"{row}.in_force"],
                      [CellReading(202, "202", 0.5, review=True), *unsure], strict=True))
    assert [f.kind for f in table_findings(rules, layout, cells, set(cells))] == []  # 2, 0 and 2 run together
    cells[f"{row}.issued"] = CellReading(2, "2", 0.5, review=True)  # too few digits: a blank is printed
    assert [(f.kind, f.cells) for f in table_findings(rules, layout, cells, set(cells))] == [
        ("cells_blank", [f"{row}.repealed", f"{row}.in_force"])]


def test_a_table_printed_with_every_cell_blank_is_blank_not_missing(settings: Settings, rules: FindingRules) -> None:
    """Section 四 printed whole, every cell left blank (every zero printed blank): its cells are
    blank, the table is there; a table of which nothing was found is missing."""
    layout = next(t for t in load_layouts(settings.layouts_dir) if t.template == "2021")
    cells = {k: CellReading(0, "0", 1.0) for row in layout.rows() for k in row.cell_keys()}
    four = [k for k in cells if k.startswith("s4.")]
    cells |= {k: CellReading(None, "", 0.99) for k in four}
    assert [(f.kind, f.cells) for f in table_findings(rules, layout, cells, set(cells))] == [("cells_blank", four)]
    cells |= {k: CellReading(None, None, 0.0, found=False) for k in four}
    assert [(f.kind, f.ref) for f in table_findings(rules, layout, cells, set(cells))] == [("table_missing", "s4")]


def test_a_table_or_row_missing_rests_on_the_cells_read_unsure(settings: Settings, rules: FindingRules) -> None:
    """A fax whose rules were lost (seed 9696's fax 6): three rows it prints taken for left out,
    their cells unsure. The findings of a table or a row missing, or of cells blank, are pending
    those cells' review; resting on cells read sure, on nothing. A part's heading not found in OCR'd text is pending a
    look at the text."""
    layout = next(t for t in load_layouts(settings.layouts_dir) if t.template == "2021")
    cells = {k: CellReading(0, "0", 1.0) for row in layout.rows() for k in row.cell_keys()}
    four = [k for k in cells if k.startswith("s4.")]
    cells |= {k: CellReading(None, None, 0.0, found=False, review=True) for k in four}
    sure = {k for k in cells if k not in four}
    (missing,) = table_findings(rules, layout, cells, sure)
    assert (missing.kind, missing.pending) == ("table_missing", four)
    assert f"（待复核：{'、'.join(four)}）" in missing.message
    (asserted,) = table_findings(rules, layout, cells, set(cells))
    assert asserted.pending == [] and "待复核" not in asserted.message
    cells |= {k: CellReading(None, "", 0.5, review=True) for k in four}  # faint marks: blank, unsure
    (blank,) = table_findings(rules, layout, cells, sure)
    assert (blank.kind, blank.cells, blank.pending) == ("cells_blank", four, four)
    headings = section_findings(rules, "一、总体情况", ocr=True)
    assert headings and all(f.kind == "section_missing" and f.pending == ["text"] for f in headings)
    assert all(f.message.endswith("（待复核：text）") for f in headings)
    assert all(f.pending == [] for f in section_findings(rules, "一、总体情况"))

def test_bodies_are_matched_after_normalisation() -> None:
    assert body_key("彭阳县白阳镇人民政府") == body_key("彭阳县 白阳镇") == "彭阳县白阳镇"
    assert body_key("双鸭山综合实验区管理委员会") == body_key("双鸭山综合实验区管委会") == "双鸭山综合实验区"
    reports = [YearReport(f"{name}.json", name, 2023, "2021", {})
               for name in ("彭阳县白阳镇人民政府", "白阳镇", "卫辉市教育局", "南充市教育局", "教育局")]
    groups = {k: sorted(r.file for r in v) for k, v in group_bodies(reports).items()}
    assert groups["彭阳县白阳镇"] == ["彭阳县白阳镇人民政府.json", "白阳镇.json"] and "教育局" in groups


def test_in_force_and_missing_years_across_years(rules: FindingRules) -> None:
    def report(year: int, issued: int, repealed: int, in_force: int) -> YearReport:
        values: dict[str, Number | None] = {"s2.normative_docs.issued": issued, "s2.normative_docs.repealed": repealed,
                                            "s2.normative_docs.in_force": in_force}
        return YearReport(f"{year}.json", "青山镇", year, "2021", values)

    found = cross_year_findings(rules, [report(2021, 0, 0, 10), report(2022, 3, 1, 12), report(2023, 1, 0, 14),
                                        report(2025, 0, 0, 14)])
    assert [(f.kind, f.ref, f.reports) for f in found] == [
        ("in_force_mismatch", "normative_docs", ["2022.json", "2023.json"]),
        ("year_missing", "2024", ["2021.json", "2022.json", "2023.json", "2025.json"]),
    ]


def test_audit_lists_a_carried_over_that_last_year_did_not_carry_forward(settings: Settings, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A township's 2023 report, and a copy made into 2024 whose 上年结转 says 5 where 2023's
    结转下年度 says 0."""
    this_year = SEEDS[2].read_text(encoding="utf-8")  # 彭阳县白阳镇人民政府, 2023
    row = re.search(r"二、上年结转政府信息公开申请数量(\t+0){7}", this_year)
    assert row is not None and re.search(r"四、结转下年度继续办理(\t+0){7}", this_year)
    five = "二、上年结转政府信息公开申请数量\t\t5" + "\t0" * 5 + "\t5"
    next_year = this_year.replace("2023", "2024").replace(row.group(0), five)
    results = tmp_path / "results"
    for name, text in (("baiyang-2023.txt", this_year), ("baiyang-2024.txt", next_year)):
        write_report(convert_bytes(text.encode(), name, settings), results / name.replace(".txt", ".json"))
    assert main(["audit", str(results), "--to", str(tmp_path / "findings.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "carried_over_mismatch 2" in out
    rows = list(load_workbook(tmp_path / "findings.xlsx").active.iter_rows(values_only=True))
    carried = [r for r in rows if r[3] == "carried_over_mismatch"]
    assert {r[0] for r in carried} == {"baiyang-2024.json"} and all(r[2] == 2024 for r in carried)
    assert any("上年结转" in r[5] and "为5" in r[5] and "为0" in r[5] and "总计" in r[5] for r in carried)
    assert main(["audit", str(results)]) == 0
    assert "baiyang-2024.json\tcarried_over_mismatch\terror\t2024年报告" in capsys.readouterr().out
    assert main(["audit", str(results), "--to", str(tmp_path / "f.txt")]) == 2
    assert main(["audit", str(tmp_path / "nowhere")]) == 2
    assert main(["audit", str(results), "--to", str(tmp_path / "new" / "findings.csv")]) == 0
    header = (tmp_path / "new" / "findings.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("报告文件,机关,年度,类别") and not list((tmp_path / "new").glob(".*"))
    capsys.readouterr()
    assert main(["stats", str(results)]) == 0
    assert "carried_over_mismatch 2" in capsys.readouterr().out.splitlines()[-1]


def test_approximate_numbers_and_sub_rows_are_not_claims(rules: FindingRules) -> None:
    for text in ("收到政府信息公开申请近100件。", "收到政府信息公开申请100余件。", "收到政府信息公开申请100件左右。",
                 "因信息不存在无法提供3件。", "行政复议维持2件。"):
        assert claims(rules, text) == [], text
    counted = claims(rules, "共受理政府信息公开申请十二件，上年结转两件。")
    assert counted == [("requests_received", 12), ("carried_over", 2)]


def test_saying_there_was_none_is_a_claim_of_zero(rules: FindingRules) -> None:
    for text, said in [("2022年，我局未收到政府信息公开申请。", [("requests_received", 0)]),
                       ("全年未接到信息公开申请；各栏目共刊发文稿44篇。", [("requests_received", 0)]),
                       ("2022年无依申请公开情况。", [("requests_received", 0)]),
                       ("未发生因政府信息公开被申请行政复议和提起行政诉讼的情况。",
                        [("admin_review", 0), ("lawsuits", 0)]),
                       ("无行政复议、行政诉讼情况。", [("admin_review", 0), ("lawsuits", 0)]),
                       ("未发生被申请行政复议的情况，被提起行政诉讼1件。", [("admin_review", 0), ("lawsuits", 1)]),
                       # Every applicant named is not a sub-category (法人 alone is).
                       ("截止目前，未收到公民、法人和其他组织通过各种形式提出的政府信息公开申请。",
                        [("requests_received", 0)]),
                       ("共收到公民、法人和其他组织提出的政府信息公开申请12件。", [("requests_received", 12)]),
                       ("全年共受理依申请公开5件。", [("requests_received", 5)])]:
        assert sorted(claims(rules, text)) == said, text
    # Not a count of none: another year, a channel, other words after the phrase, no negation.
    for text in ("2021年未收到政府信息公开申请。", "未收到通过信函提交的政府信息公开申请。", "收到法人申请3件。",
                 "全年未收到政府信息公开申请人的投诉。", "未发生被行政复议纠错的情况。",
                 "未发生因政府信息公开被申请行政复议、提起行政诉讼且被纠错的情况。",
                 "申请人不服的，可依法申请行政复议或提起行政诉讼。"):
        assert claims(rules, text) == [], text
    values: dict[str, Number | None] = {"s3.new.total": 3, "s3.carried_over.total": 0}
    hits = read_claims([Paragraph("本年度，我局未收到政府信息公开申请。")], rules, "2021", 2022)
    found = prose_findings(hits, values, rules)
    assert [(f.kind, f.ref, f.prose.text if f.prose else None) for f in found] == [
        ("prose_table", "requests_received", "未收到政府信息公开申请")]


def test_contradictions_follow_a_review_decision(settings: Settings, rules: FindingRules) -> None:
    """Relations and prose claims are found again on the cells as a reviewer left them."""
    data = report_to_dict(convert_file(SEEDS[2], settings))
    layouts, least = load_layouts(settings.layouts_dir), settings.review.findings_min_confidence
    layout = next(t for t in layouts if t.template == data["template"])
    assert not {f["kind"] for f in data["findings"]} & {"relation_broken", "prose_table"}
    claimed = [c for c in data["prose_claims"] if c["claim"] == "requests_received"]
    assert claimed and claimed[0]["value"] == data["cells"]["s3.new.total"]["value"]
    key = "s3.new.natural_person"
    data["cells"][key].update({"value": 3, "review": True})  # a reading left to review
    assert not {f["kind"] for f in current_findings(data, rules, layouts, least)} & {"relation_broken", "prose_table"}
    data["cells"][key].update({"review": False, "reviewed": True})  # a person says 3
    assert "s3.balance.natural_person" in [f.get("ref") for f in current_findings(data, rules, layouts, least)]
    data["cells"]["s3.new.total"].update({"value": claimed[0]["value"] + 3, "reviewed": True})
    refresh_findings(data, layout, settings)
    assert [f["prose"]["text"] for f in data["findings"] if f["kind"] == "prose_table"] == [claimed[0]["prose"]["text"]]
    data["cells"][key].update({"value": 0})  # mended
    data["cells"]["s3.new.total"].update({"value": claimed[0]["value"]})
    refresh_findings(data, layout, settings)
    assert not {f["kind"] for f in data["findings"]} & {"relation_broken", "prose_table"}


def test_more_table_figures_quoted(rules: FindingRules) -> None:
    text = ("其他处理2件。全年制定规章3件，现行有效规章41件。作出行政处罚决定135件，作出行政许可决定1069件。"
            "办理行政许可事项200项。清理规章5件。")
    assert sorted(claims(rules, text)) == [("licensing_decisions", 1069), ("other_handling", 2),
                                           ("penalty_decisions", 135), ("regulations_in_force", 41),
                                           ("regulations_issued", 3)]
    in_2019 = sorted(c for c, _ in claims(rules, text, template="2019"))
    assert in_2019 == ["licensing_decisions", "other_handling", "penalty_decisions"]


def test_a_name_read_unsure_joins_a_name_read_sure() -> None:
    """An unsure name joins the one sure name ending with it, or the one sure body its own end
    names (a province prefixed); unsure names alike are one body; a sure name never joins an
    unsure one it merely ends like (教育局 of two counties)."""
    def report(name: str, year: int, unsure: bool) -> YearReport:
        return YearReport(f"{name}{year}.json", name, year, "2021", {}, name_unsure=unsure)

    groups = group_bodies([report("彭阳县白阳镇", 2022, False), report("彭阳县白阳镇", 2023, True),
                           report("白阳镇", 2024, True), report("新闻中心", 2023, True),
                           report("新闻中心", 2024, True), report("涪陵区公安局", 2020, False),
                           report("涪陵区公安局", 2021, True), report("重庆市涪陵区公安局", 2023, False),
                           report("教育局", 2022, True), report("彭阳县教育局", 2023, False),
                           report("涪陵区教育局", 2023, False), report("重庆市公安局", 2022, True),
                           report("龙泉镇人民政府", 2020, False), report("四川省彭阳县龙泉镇", 2024, True),
                           report("永安镇", 2022, False), report("河南省韶关市永安镇", 2021, True),
                           report("金华市永安镇", 2021, False)])
    assert {k: sorted(r.year for r in v) for k, v in groups.items()} == {
        "彭阳县白阳镇": [2022, 2023, 2024], "重庆市涪陵区公安局": [2020, 2021, 2023], "龙泉镇": [2020, 2024],
        "永安镇": [2022], "金华市永安镇": [2021], "?河南省韶关市永安镇": [2021],
        "?新闻中心": [2023, 2024], "彭阳县教育局": [2023], "涪陵区教育局": [2023],
        "?教育局": [2022], "?重庆市公安局": [2022]}


def test_a_break_across_years_on_an_unsure_cell_or_year_is_found_pending_its_review(rules: FindingRules) -> None:
    last = YearReport("2022.json", "白阳镇", 2022, "2021", {"s3.carried_forward.total": 0})
    this = YearReport("2023.json", "白阳镇", 2023, "2021", {"s3.carried_over.total": 5},
                      unsure=frozenset({"s3.carried_over.total"}), year_unsure=True)
    found = [f for f in cross_year_findings(rules, [last, this]) if f.kind == "carried_over_mismatch"]
    assert [(f.ref, f.pending) for f in found] == [
        ("total", ["2023.json:s3.carried_over.total", "2023.json:report.year"])]
    assert "待复核" in found[0].message
    sure = YearReport("2023.json", "白阳镇", 2023, "2021", {"s3.carried_over.total": 5})
    assert [f.pending for f in cross_year_findings(rules, [last, sure]) if f.kind == "carried_over_mismatch"] == [[]]


def test_another_cut_of_a_run_that_makes_the_years_agree_is_no_break(rules: FindingRules) -> None:
    """Last year's `1270` is 1, 27, 0 or 1, 2, 70: an in-force count of 0 + 0 − 0 = 0 this year
    follows from one of them; a carried-over 3 follows from neither of 0 and 2."""
    last = YearReport("2022.json", "岳阳市市场监督管理局", 2022, "2021",
                      {"s2.normative_docs.in_force": 70, "s3.carried_forward.total": 2},
                      unsure=frozenset({"s2.normative_docs.in_force", "s3.carried_forward.total"}),
                      could_be={"s2.normative_docs.in_force": frozenset({0, 70}),
                                "s3.carried_forward.total": frozenset({0, 2})})
    this = YearReport("2023.json", "岳阳市市场监督管理局", 2023, "2021",
                      {"s2.normative_docs.issued": 0, "s2.normative_docs.repealed": 0,
                       "s2.normative_docs.in_force": 0, "s3.carried_over.total": 3})
    found = [(f.kind, f.ref) for f in cross_year_findings(rules, [last, this])]
    assert found == [("carried_over_mismatch", "total")]
