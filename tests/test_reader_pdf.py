"""The text-PDF reader on PDFs LibreOffice exports from Word files built here."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest
from docx import Document as WordDocument
from docx.document import Document as WordFile
from docx.oxml import OxmlElement
from docx.table import Table as WordTable
from PIL import Image

from bench.corpus import renderer_for
from bench.render_browser import CHROMIUM, print_page
from bench.truth import Value, make_truth
from ingest.contract import read_result
from ingest.detect import _garbage_share, detect
from ingest.models import Document, Paragraph, Table
from ingest.pipeline import convert_file
from ingest.readers.pdf import PdfReader, ruled_piece
from ingest.settings import Settings
from ingest.tables.glyphs import Glyph, line_text
from ingest.tables.model import place_cells
from ingest.tables.stitch import assemble
from ingest.tables.vector import Frame, vector_settings
from ingest.tools.soffice import convert
from tests.conftest import SAMPLES, same_value, truth_of

_S3_ROWS = [
    ("一、本年新收政府信息公开申请数量", None, None),
    ("二、上年结转政府信息公开申请数量", None, None),
    ("三、本年度办理结果", "（一）予以公开", None),
    ("三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    *(("三、本年度办理结果", "（三）不予公开", t) for t in (
        "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
        "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")),
    *(("三、本年度办理结果", "（四）无法提供", t) for t in (
        "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")),
    *(("三、本年度办理结果", "（五）不予处理", t) for t in (
        "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息")),
    *(("三、本年度办理结果", "（六）其他处理", t) for t in (
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")),
    ("三、本年度办理结果", "（七）总计", None),
    ("四、结转下年度继续办理", None, None),
]
_COLUMNS = ["natural_person", "enterprise", "research", "public_interest", "legal_service", "other_org"]
_HEADER_ROWS = 3


def _value(r: int, c: int) -> int:
    return (r * 7 + c * 3) % 5


def _merge(table: WordTable, r0: int, c0: int, r1: int, c1: int, text: str) -> None:
    cell = table.cell(r0, c0).merge(table.cell(r1, c1))
    cell.text = text


def _s3_table(doc: WordFile, repeat_header: bool) -> None:
    table = doc.add_table(rows=_HEADER_ROWS + len(_S3_ROWS), cols=10)
    table.style = "Table Grid"
    _merge(table, 0, 0, 2, 2, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    _merge(table, 0, 3, 0, 9, "申请人情况")
    _merge(table, 1, 3, 2, 3, "自然人")
    _merge(table, 1, 4, 1, 8, "法人或其他组织")
    _merge(table, 1, 9, 2, 9, "总计")
    for c, text in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"], start=4):
        table.cell(2, c).text = text
    if repeat_header:
        for row in table.rows[:_HEADER_ROWS]:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    start = _HEADER_ROWS
    for group in dict.fromkeys(g for g, _, _ in _S3_ROWS):
        rows = [i for i, (g, _, _) in enumerate(_S3_ROWS) if g == group]
        sub = [i for i in rows if _S3_ROWS[i][1]]
        if sub:
            _merge(table, start + rows[0], 0, start + rows[-1], 0, group)
        for label in dict.fromkeys(_S3_ROWS[i][1] for i in sub):
            own = [i for i in sub if _S3_ROWS[i][1] == label]
            if _S3_ROWS[own[0]][2] is None:
                _merge(table, start + own[0], 1, start + own[0], 2, str(label))
            else:
                _merge(table, start + own[0], 1, start + own[-1], 1, str(label))
                for i in own:
                    table.cell(start + i, 2).text = str(_S3_ROWS[i][2])
        if not sub:
            _merge(table, start + rows[0], 0, start + rows[0], 2, group)
    for i in range(len(_S3_ROWS)):
        values = [_value(i, c) for c in range(6)]
        for c, v in enumerate([*values, sum(values)]):
            table.cell(start + i, 3 + c).text = str(v)


def _report_docx(path: Path, repeat_header: bool) -> Path:
    doc = WordDocument()
    doc.add_paragraph("青山镇人民政府")
    doc.add_paragraph("2023年政府信息公开工作年度报告")
    doc.add_paragraph("一、总体情况")
    for _ in range(9):
        doc.add_paragraph("本年度我镇认真贯彻落实政府信息公开条例，通过政府网站、政务新媒体和公开栏主动公开政府信息，"
                          "及时回应群众关切，规范依申请公开办理流程，加强平台建设和监督保障。")
    doc.add_paragraph("二、主动公开政府信息情况")
    s2 = doc.add_table(rows=3, cols=4)
    s2.style = "Table Grid"
    for r, row in enumerate([["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                             ["规章", "1", "2", "3"], ["行政规范性文件", "4", "5", "6"]]):
        for c, text in enumerate(row):
            s2.cell(r, c).text = text
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    _s3_table(doc, repeat_header)
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    s4 = doc.add_table(rows=4, cols=15)
    s4.style = "Table Grid"
    _merge(s4, 0, 0, 1, 4, "行政复议")
    _merge(s4, 0, 5, 0, 14, "行政诉讼")
    _merge(s4, 1, 5, 1, 9, "未经复议直接起诉")
    _merge(s4, 1, 10, 1, 14, "复议后起诉")
    for c in range(15):
        s4.cell(2, c).text = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"][c % 5]
        s4.cell(3, c).text = str(c % 5 if c % 5 != 4 else 6)
    doc.add_paragraph("五、存在的主要问题及改进情况")
    doc.save(str(path))
    return convert(path, "pdf", path.parent)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    return {
        "plain": _report_docx(folder / "plain.docx", repeat_header=False),
        "repeated": _report_docx(folder / "repeated.docx", repeat_header=True),
    }


def _read(path: Path, settings: Settings) -> Document:
    data = path.read_bytes()
    return PdfReader().read(data, detect(data), settings)


def _tables(doc: Document) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def test_paragraphs_and_tables_in_reading_order(pdfs: dict[str, Path], settings: Settings) -> None:
    doc = _read(pdfs["plain"], settings)
    assert doc.format == "pdf_text" and doc.pages and doc.pages >= 2
    order = [b.text[:2] if isinstance(b, Paragraph) else "T" for b in doc.blocks]
    headings = [o for o in order if o in ("二、", "三、", "四、", "T")]
    assert headings == ["二、", "T", "三、", "T", "四、", "T"]
    assert doc.lines()[:2] == ["青山镇人民政府", "2023年政府信息公开工作年度报告"]


def test_merged_cells_share_their_origin(pdfs: dict[str, Path], settings: Settings) -> None:
    s3 = _tables(_read(pdfs["plain"], settings))[1]
    assert len(s3.rows) == _HEADER_ROWS + len(_S3_ROWS) and all(len(r) == 10 for r in s3.rows)
    group = s3.rows[1][4:9]
    assert {c.text for c in group} == {"法人或其他组织"} and {c.origin for c in group} == {(1, 4)}
    label_cells = [row[0] for row in s3.rows[_HEADER_ROWS + 2 : _HEADER_ROWS + 24]]
    assert {c.text for c in label_cells} == {"三、本年度办理结果"}
    assert {c.origin for c in label_cells} == {(_HEADER_ROWS + 2, 0)}
    assert s3.rows[_HEADER_ROWS + 4][2].text == "1.属于国家秘密"


def test_table_across_a_page_break_is_one(pdfs: dict[str, Path], settings: Settings) -> None:
    for name in ("plain", "repeated"):
        s3 = _tables(_read(pdfs[name], settings))[1]
        pages = {c.page for row in s3.rows for c in row}
        assert len(pages) >= 2, name
        assert len(s3.rows) == _HEADER_ROWS + len(_S3_ROWS), name
        for i in range(len(_S3_ROWS)):
            values = [_value(i, c) for c in range(6)]
            assert [c.text for c in s3.rows[_HEADER_ROWS + i][3:]] == [str(v) for v in [*values, sum(values)]]
        assert all(c.bbox is not None and c.page for row in s3.rows for c in row[3:])


def test_pipeline_maps_the_pdf(pdfs: dict[str, Path], settings: Settings) -> None:
    report = convert_file(pdfs["repeated"], settings)
    assert report.error is None and report.source.format == "pdf_text"
    assert report.report is not None and (report.report.agency, report.report.year) == ("青山镇人民政府", 2023)
    assert report.cells["s2.normative_docs.in_force"].value == 6
    for i, key in enumerate(["denied.state_secret", "refused.confirm", "carried_forward"]):
        row = {"denied.state_secret": 4, "refused.confirm": 19, "carried_forward": 24}[key]
        for c, col in enumerate(_COLUMNS):
            cell = report.cells[f"s3.{key}.{col}"]
            assert cell.value == _value(row, c), (i, key, col)
            assert cell.page and cell.bbox
    assert report.cells["s4.suit_after_review.total"].value == 6


def test_rotated_page_reads_in_displayed_coordinates(pdfs: dict[str, Path], tmp_path: Path,
                                                      settings: Settings) -> None:
    pdf = pypdfium2.PdfDocument(pdfs["plain"])
    for i in range(len(pdf)):
        pdf[i].set_rotation(180)
    rotated = tmp_path / "rotated.pdf"
    pdf.save(rotated)
    width, height = pdf[0].get_size()
    doc = _read(rotated, settings)
    assert doc.lines()[:2] == ["青山镇人民政府", "2023年政府信息公开工作年度报告"]
    cells = [c for t in _tables(doc) for row in t.rows for c in row if c.bbox]
    assert all(0 <= c.bbox.x0 < c.bbox.x1 <= width and 0 <= c.bbox.y0 < c.bbox.y1 <= height
               for c in cells if c.bbox)


def test_ascii_words_keep_their_space_and_cjk_none() -> None:
    gs = vector_settings([10.0])
    glyphs = [Glyph(t, x, 0, x + w, 10) for t, x, w in
              [("行", 0, 10), ("政", 12, 10), ("A", 22, 6), ("B", 28, 6), ("1", 38, 5), ("2", 43, 5)]]
    assert line_text(glyphs, gs) == "行政AB 12"


def test_spans_come_from_the_rules() -> None:
    boxes = [(0.0, 0.0, 20.0, 10.0), (20.0, 0.0, 40.0, 20.0), (0.0, 10.0, 10.0, 20.0), (10.0, 10.0, 20.0, 20.0)]
    cells = place_cells(boxes, [0, 10, 20, 40], [0, 10, 20])
    assert [(c.row, c.col, c.row_span, c.col_span) for c in cells] == [(0, 0, 1, 2), (0, 2, 2, 1), (1, 0, 1, 1),
                                                                       (1, 1, 1, 1)]


def test_row_split_by_a_page_break_is_joined() -> None:
    gs = vector_settings([10.0])
    columns = [(0.0, 100.0), (100.0, 120.0), (120.0, 140.0)]
    frame = Frame(0, 595, 842)
    before = ruled_piece([(x0, 700.0, x1, 720.0) for x0, x1 in columns], ["2.其他法律", "3", "4"], 1, gs, frame, False)
    after = ruled_piece([(x0, 70.0, x1, 90.0) for x0, x1 in columns] + [(x0, 90.0, x1, 110.0) for x0, x1 in columns],
                        ["行政法规禁止公开", "", "", "3.危及安全", "0", "1"], 2, gs, frame, True)
    table = assemble([before, after])
    assert [[c.text for c in row] for row in table.rows] == [["2.其他法律行政法规禁止公开", "3", "4"],
                                                             ["3.危及安全", "0", "1"]]
    assert [c.page for c in table.rows[1]] == [2, 2, 2]


def test_table_without_rules_is_read_from_word_positions(tmp_path: Path, settings: Settings) -> None:
    doc = WordDocument()
    doc.add_paragraph("二、主动公开政府信息情况")
    table = doc.add_table(rows=3, cols=4)  # the default style draws no borders
    for r, row in enumerate([["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                             ["规章", "1", "2", "3"], ["行政规范性文件", "4", "", "16"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.save(str(tmp_path / "stream.docx"))
    read = _read(convert(tmp_path / "stream.docx", "pdf", tmp_path), settings)
    rows = [[c.text for c in row] for row in _tables(read)[0].rows]
    assert rows[1:] == [["规章", "1", "2", "3"], ["行政规范性文件", "4", "", "16"]]


def test_mixed_pdf_reads_its_text_pages(pdfs: dict[str, Path], tmp_path: Path, settings: Settings) -> None:
    scan = tmp_path / "scan.pdf"
    Image.new("L", (600, 800), 200).save(scan)
    mixed = pypdfium2.PdfDocument(pdfs["plain"])
    text_pages = len(mixed)
    mixed.import_pages(pypdfium2.PdfDocument(scan))
    mixed.save(tmp_path / "mixed.pdf")
    doc = _read(tmp_path / "mixed.pdf", settings)
    assert doc.format == "pdf_text" and doc.pages == text_pages + 1
    assert all(c.page and c.page <= text_pages for t in _tables(doc) for row in t.rows for c in row)


def test_garbage_text_layer_counts_as_scanned() -> None:
    chars = [{"text": "(cid:12)"}] * 8 + [{"text": "\ue001"}] * 4 + [{"text": "年"}] * 2
    assert _garbage_share(chars) > 0.8
    assert _garbage_share([{"text": "年"}, {"text": "报"}]) == 0.0


_SAMPLE_PDF = SAMPLES / "documents" / "7-0000-pdf_text.pdf"


def _garbled(pdf: bytes) -> bytes:
    """The PDF with its fonts' ToUnicode maps unnamed (same length, offsets kept): pdfium still
    counts the characters, but their text is (cid:NN), as in PDFs exported with broken fonts."""
    return pdf.replace(b"/ToUnicode", b"/ToUnicodX")


def test_garbage_text_layers_make_a_scanned_pdf(settings: Settings) -> None:
    data = _garbled(_SAMPLE_PDF.read_bytes())
    detected = detect(data, settings)
    assert detected.pdf is not None
    try:
        assert detected.format == "pdf_scanned"
        assert detected.pdf.file.kinds == ("text",) * 4
        assert [detected.pdf.kind(i) for i in range(4)] == ["scanned"] * 4
    finally:
        detected.pdf.close()


def test_a_garbage_page_among_text_pages_is_read_by_ocr(tmp_path: Path, settings: Settings) -> None:
    mixed = pypdfium2.PdfDocument.new()
    mixed.import_pages(pypdfium2.PdfDocument(_garbled(_SAMPLE_PDF.read_bytes())), [0])
    mixed.import_pages(pypdfium2.PdfDocument(_SAMPLE_PDF), [1, 2, 3])
    mixed.save(tmp_path / "mixed.pdf")
    report = convert_file(tmp_path / "mixed.pdf", settings)
    # One decision of the format (detect's): the report's is the text PDF's, its first page OCR's.
    assert report.error is None and report.source.format == "pdf_text" and report.source.pages == 4
    assert list(report.page_images) == [1]
    truth = truth_of(_SAMPLE_PDF)["cells"]
    wrong = [key for key, cell in report.cells.items() if not same_value(cell.value, truth[key])]
    assert len(wrong) <= len(truth) // 20 and all(report.cells[key].review for key in wrong), wrong


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_a_web_page_printed_by_chromium_reads_its_cells_and_logs_no_glyph_warnings(tmp_path: Path) -> None:
    # Chromium's PDFs: fonts pdfminer finds ill-described (a warning a glyph) and Kangxi radicals
    # (⼀, U+2F00) for the CJK characters of the page's text.
    page = SAMPLES / "documents" / "7-0000-html.html"
    pdf = print_page(page, tmp_path / "printed.pdf")
    run = subprocess.run([sys.executable, "-m", "ingest", "run", str(pdf), "--out", str(tmp_path / "out"),
                          "--jobs", "1"], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert len(run.stderr.splitlines()) < 5, run.stderr[:2000]
    result = read_result(tmp_path / "out" / "printed.json")
    assert result is not None and result.source.format == "pdf_text"
    truth = truth_of(page)
    wrong = [k for k, v in truth["cells"].items() if not same_value(result.cells[k].value, v)]
    assert wrong == []


def _section_read(tmp_path: Path, seed: int, index: int, section: str) -> tuple[dict[str, Value], dict[str, object]]:
    """A browser's print of the corpus's report (seed, index): the section's printed values,
    and its cells read wrong or flagged, with what was read."""
    truth = make_truth(seed * 1_000_000 + index)
    pdf = renderer_for("browser_pdf")(truth, tmp_path / "printed", random.Random(f"{seed}/browser_pdf/{index}"))
    result = convert_file(pdf, Settings())
    printed = {k: v for k, v in truth.cells.items() if k.startswith(section)}
    return printed, {k: result.cells[k].value for k, v in printed.items()
                     if not same_value(result.cells[k].value, v) or result.cells[k].review}


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium")
@pytest.mark.parametrize(("seed", "index", "section"), [(5353, 4, "s4."), (1919, 6, "s3.")])
def test_values_under_a_centred_borderless_header_keep_their_columns(tmp_path: Path, seed: int, index: int,
                                                                     section: str) -> None:
    # A borderless table whose cells are all centred, its zeros printed blank. Section 四's one
    # row of values ("1 1 1 1" under fifteen columns) was set from the left: eight cells wrong,
    # fifteen flagged (fresh seed 5353, browser print 4). Section 三's rows of one 0 under 总计,
    # beside their labels, the header's words 3 points apart over 27-point columns and its last
    # line run into the rows, were set in the second column: 34 wrong, 154 flagged (seed 1919,
    # browser print 6).
    printed, misread = _section_read(tmp_path, seed, index, section)
    assert misread == {}
    assert sum(v is None for v in printed.values()) > len(printed) // 2


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium")
@pytest.mark.parametrize(("seed", "index", "section"),
                         [(3571, 7, "s4."), (5417, 7, "s4."), (8263, 1, "s3."), (5903, 2, "s3."), (5903, 2, "s4.")])
def test_a_borderless_tables_values_keep_their_columns(tmp_path: Path, seed: int, index: int, section: str) -> None:
    # Fresh seed 3571, browser print 7: a cell holding a blank line over its value, centred;
    # 行政复议's 总计 printed half a line below its row, read as a paragraph, and the row's other
    # fourteen values set from the left (eight wrong, fifteen flagged).
    # Fresh seed 5417, browser print 7: section 四's one row of values, beside no label, under a
    # header whose words start where its values do, its twelfth value printed blank; the fourteen
    # values were set in the first fourteen columns (3 wrong, 15 flagged).
    # Fresh seed 8263, browser print 1: section 三's header centred down its cells, 自然人 nine
    # text heights above the first row, the rows' values under 自然人 and 总计 only; without
    # 自然人's column each row's 总计 was set in the second column (20 wrong, 91 flagged).
    # Fresh seed 5903, browser print 2: section 三's values under 其他 and 总计 only; the rows
    # after a wrapped label took their header from the lines just above, the header's lower
    # part (four columns, not seven). Section 四's one row "1 1" under header words two
    # characters wide, every cell set from its left padding, was set in the first two columns
    # (16 wrong, 50 flagged).
    assert _section_read(tmp_path, seed, index, section)[1] == {}


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium")
def test_a_rows_lone_value_at_a_pages_head_is_no_page_number(tmp_path: Path) -> None:
    # A borderless table continued on a new page: its first row's "0" stands between the two
    # lines of its label, in the top margin; read as a page number, it was dropped and its row
    # taken for not printed (fresh seed 5602, browser print 36: a silent blank for a 0).
    truth = make_truth(5602 * 1_000_000 + 36)
    pdf = renderer_for("browser_pdf")(truth, tmp_path / "printed", random.Random("5602/browser_pdf/36"))
    result = convert_file(pdf, Settings())
    silent = {k: (result.cells[k].value, v) for k, v in truth.cells.items()
              if not same_value(result.cells[k].value, v) and not result.cells[k].review}
    assert silent == {}
