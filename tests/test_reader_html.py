"""The web-page reader: charsets, spans on the grid, innermost tables, page furniture, fallbacks."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from bench.render_docx import render_docx
from bench.truth import make_truth
from ingest.detect import decode_text, detect
from ingest.errors import InputError
from ingest.meta import find_meta
from ingest.models import Document, Paragraph, Table
from ingest.pipeline import convert_bytes
from ingest.readers.html import HtmlReader, decode_html
from ingest.tools.soffice import convert
from tests.conftest import same_value


def _read(html: str | bytes, settings) -> Document:
    data = html.encode("utf-8") if isinstance(html, str) else html
    detected = detect(data)
    assert detected.format == "html"
    return HtmlReader().read(data, detected, settings)


def _tables(document: Document) -> list[list[list[str]]]:
    return [[[c.text for c in row] for row in b.rows] for b in document.blocks if isinstance(b, Table)]


def test_rowspan_and_colspan_fill_the_grid_with_one_origin(settings):
    document = _read(
        """<html><body><table>
        <tr><td rowspan="2">办理结果</td><td colspan="2">申请人情况</td><td rowspan="3">总计</td></tr>
        <tr><td>自然人</td><td>商业<br>企业</td></tr>
        <tr><td>予以公开</td><td>1</td><td>2</td></tr>
        </table></body></html>""",
        settings,
    )

    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    assert [[c.text for c in row] for row in table.rows] == [
        ["办理结果", "申请人情况", "申请人情况", "总计"],
        ["办理结果", "自然人", "商业企业", "总计"],
        ["予以公开", "1", "2", "总计"],
    ]
    assert table.rows[0][1].origin == table.rows[0][2].origin == (0, 1)
    assert {row[3].origin for row in table.rows} == {(0, 3)}
    assert [(c.row, c.col) for c in table.rows[2]] == [(2, 0), (2, 1), (2, 2), (2, 3)]


def test_spans_reaching_past_the_table_are_cut_at_its_end(settings):
    document = _read(
        '<table><tr><td rowspan="65534" colspan="2">a</td><td>b</td></tr><tr><td rowspan="0">c</td></tr></table>',
        settings,
    )

    assert _tables(document) == [[["a", "a", "b"], ["a", "a", "c"]]]


def test_table_whose_spans_cover_too_many_positions_is_skipped(settings):
    hostile = "<table>" + "<tr><td colspan=1000 rowspan=1000>1</td><td colspan=1000>2</td></tr>" * 50 + "</table>"
    small = replace(settings, limits=replace(settings.limits, table_cells=10_000))
    document = _read(f"{hostile}<table><tr><td>规章</td><td>0</td></tr></table>", small)

    assert _tables(document) == [[["规章", "0"]]]


def test_gbk_page_is_decoded_by_its_meta_charset(settings):
    text = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head>" \
           "<body><p>赟州市2023年政府信息公开工作年度报告</p></body></html>"
    document = _read(text.encode("gbk"), settings)

    assert "赟州市2023年政府信息公开工作年度报告" in document.lines()


def test_declared_charset_beats_a_guess():
    page = "<meta charset='big5'><p>政府資訊公開</p>".encode("big5")
    assert "政府資訊公開" not in decode_text(page)[0]  # these bytes are valid GB18030 too
    assert "政府資訊公開" in decode_html(page)


def test_utf8_page_keeping_an_old_gb_label_is_read_as_utf8():
    page = '<meta charset="gb2312"><p>本年新收政府信息公开申请数量</p>'
    assert "本年新收政府信息公开申请数量" in decode_html(page.encode("utf-8"))


def test_layout_tables_and_divs_give_the_innermost_tables_in_order(settings):
    document = _read(
        """<html><body><table class="layout"><tr><td>
        <div class="content"><h2>二、主动公开政府信息情况</h2>
          <table><tr><td>规章</td><td>1</td></tr></table>
          <p>三、收到和处理政府信息公开申请情况</p>
          <div><table><tr><td>自然人</td><td>2</td></tr></table></div>
        </div></td><td><table><tr><td>行政复议</td><td>3</td></tr></table></td></tr></table></body></html>""",
        settings,
    )

    assert _tables(document) == [[["规章", "1"]], [["自然人", "2"]], [["行政复议", "3"]]]
    kinds = [b.text if isinstance(b, Paragraph) else b.rows[0][0].text for b in document.blocks]
    assert kinds == ["二、主动公开政府信息情况", "规章", "三、收到和处理政府信息公开申请情况", "自然人", "行政复议"]


def test_scripts_styles_navigation_and_page_furniture_are_left_out(settings):
    document = _read(
        """<html><head><style>p {color: red}</style><script>var x = "<p>脚本</p>";</script></head><body>
        <header><p>网站首页</p></header><nav><ul><li>机构概况</li></ul></nav>
        <div id="menu"><a href="/">政务公开</a></div><div class="breadcrumb">当前位置</div>
        <p style="display: none">隐藏文字</p>
        <div class="article"><p>正文第一段</p></div>
        <footer>版权所有</footer><script>document.write("x")</script></body></html>""",
        settings,
    )

    assert document.lines() == ["正文第一段"]


def test_title_and_issuer_open_the_document_for_the_metadata(settings):
    document = _read(
        """<html><head><title>2023年政府信息公开工作年度报告_某某县人民政府网</title></head><body>
        <div class="nav">首页 &gt; 政务公开</div>
        <h1>2023年政府信息公开工作年度报告</h1>
        <div class="info"><span>来源：某某县交通运输局</span> <span>发布时间：2024-01-20</span></div>
        <p>根据《条例》规定，现公布本局2023年度报告。</p></body></html>""",
        settings,
    )

    assert document.lines()[:2] == ["某某县交通运输局", "2023年政府信息公开工作年度报告"]
    meta = find_meta(document.lines())
    assert (meta.agency, meta.year) == ("某某县交通运输局", 2023)


def test_report_pasted_as_text_falls_back_to_the_text_parser(settings):
    document = _read(
        """<html><body><pre>
三、收到和处理政府信息公开申请情况
| 本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |
| 上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
</pre><p>| 结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |</p></body></html>""",
        settings,
    )

    tables = _tables(document)
    assert tables[0][0] == ["本年新收政府信息公开申请数量", "3", "0", "0", "0", "0", "0", "3"]
    assert tables[-1][-1][0] == "结转下年度继续办理"


def test_page_linking_only_to_the_attached_report_names_the_attachment(settings):
    page = """<html><body><h1>某某镇2023年政府信息公开工作年度报告</h1>
    <p>附件：<a href="/upload/2024/report2023.pdf">某某镇2023年年报.pdf</a></p>
    <p><a href="/files/nianbao.docx?id=3">下载Word版</a></p></body></html>"""

    with pytest.raises(InputError) as caught:
        _read(page, settings)

    assert caught.value.code == "attachment_only"
    assert "report2023.pdf" in caught.value.message and "nianbao.docx" in caught.value.message


def test_word_single_file_web_page_is_unpacked(settings):
    html = "<html><head><meta charset=gb2312></head><body><table><tr><td>行政许可</td><td>5</td></tr></table>"
    encoded = html.encode("gbk")
    quoted = "".join(chr(b) if 32 < b < 127 and b != 61 else f"={b:02X}" for b in encoded)
    mht = (
        "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_01\"\r\n\r\n"
        "------=_NextPart_01\r\nContent-Location: file:///C:/report.htm\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset=\"gb2312\"\r\n\r\n"
        f"{quoted}\r\n\r\n------=_NextPart_01--\r\n"
    ).encode("ascii")

    assert _tables(_read(mht, settings)) == [[["行政许可", "5"]]]


def test_word_report_published_as_a_web_page_converts_cell_for_cell(tmp_path, settings):
    truth = make_truth(31)
    docx_path = render_docx(truth, tmp_path / "report", random.Random(31))
    page = convert(docx_path, "html", tmp_path / "html")

    report = convert_bytes(page.read_bytes(), page.name, settings)

    assert report.error is None, report.error
    assert report.source.format == "html"
    assert report.report is not None and (report.report.agency, report.report.year) == (truth.agency, truth.year)
    wrong = {k: (report.cells[k].value, v) for k, v in truth.cells.items() if not same_value(report.cells[k].value, v)}
    assert wrong == {}


def test_zero_width_characters_in_cells_are_not_printed(settings):
    html = "<table><tr><td>\u200b一、本年新收政府信息公开申请数量</td><td>3\u200b</td><td>\ufeff0</td></tr></table>"
    assert _tables(_read(html, settings)) == [[["一、本年新收政府信息公开申请数量", "3", "0"]]]
