"""Column headers of a scanned table told by the columns they span, only where the whole
header is a template section's and every cell is as wide as its word (else read whole)."""

from __future__ import annotations

from ingest.scan.known_headers import headers_told, section_headers
from ingest.scan.known_labels import printed_width
from ingest.settings import load_settings
from ingest.tables.model import GridCell

# Section 三's header as printed: a corner over the label column, 申请人情况 over every value
# column, then 自然人, 法人或其他组织 (its five below it) and 总计.
S3_HEADER = [
    (0, 0, 3, 1, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
    (0, 1, 1, 7, "申请人情况"),
    (1, 1, 2, 1, "自然人"), (1, 2, 1, 5, "法人或其他组织"), (1, 7, 2, 1, "总计"),
    (2, 2, 1, 1, "商业企业"), (2, 3, 1, 1, "科研机构"), (2, 4, 1, 1, "社会公益组织"),
    (2, 5, 1, 1, "法律服务机构"), (2, 6, 1, 1, "其他"),
]


def _table(header: list[tuple[int, int, int, int, str]], scale: float = 1.0,
           ) -> tuple[list[GridCell[int]], dict[tuple[int, int], int], list[float], list[str]]:
    """The header over two rows of values: every cell, the inked ones' indexes by place, their
    widths (the words' printed widths times `scale`) and their texts."""
    n_cols = max(c + s for _, c, _, s, _ in header)
    top = max(r + s for r, _, s, _, _ in header)
    cells = [(r, c, rs, cs, text) for r, c, rs, cs, text in header]
    cells += [(top + r, c, 1, 1, "一、本年新收政府信息公开申请数量" if c == 0 else "0")
              for r in range(2) for c in range(n_cols)]
    table = [GridCell(r, c, rs, cs, (c * 10, r * 10, (c + cs) * 10, (r + rs) * 10)) for r, c, rs, cs, _ in cells]
    inked = {(r, c): i for i, (r, c, _, _, _) in enumerate(cells)}
    return table, inked, [printed_width(text) * scale for *_, text in cells], [text for *_, text in cells]


def test_the_templates_headers_are_their_sections_column_paths() -> None:
    headers = section_headers(load_settings().layouts_dir)
    # Sections 三 and 四 (alike in both templates); section 二's rows each have their own columns.
    assert sorted(len(header.words) for header in headers) == [8, 19]
    s3, s4 = sorted(headers, key=lambda header: len(header.words))
    spans = {(w.word.text, w.first, w.last) for w in s4.words}
    assert {("行政复议", 0, 4), ("行政诉讼", 5, 14), ("复议后起诉", 10, 14), ("结果维持", 5, 5)} <= spans
    # Section 三 prints a caption over its columns; section 四 none.
    assert s3.caption is not None and s3.caption.text == "申请人情况" and s4.caption is None


def test_a_header_as_the_template_prints_it_is_told_word_for_word_at_any_print_scale() -> None:
    for scale in (1.0, 1.5):
        table, inked, widths, texts = _table(S3_HEADER, scale)
        told = headers_told(table, inked, widths, load_settings())
        # The corner is read; the caption over every column is told with the words.
        assert sorted(told) == list(range(1, 10))
        assert all(told[i] == texts[i] for i in told)


def test_a_header_unlike_the_templates_is_read_whole() -> None:
    settings = load_settings()
    # A cell as wide as another word (社会公益组织 printed where 商业企业 stands).
    table, inked, widths, _ = _table(S3_HEADER)
    widths[5] = printed_width("社会公益组织")
    assert headers_told(table, inked, widths, settings) == {}
    # 法人或其他组织 over four columns and 其他 over two (the grid lost a rule).
    merged = [c for c in S3_HEADER if c[4] not in ("法人或其他组织", "法律服务机构", "其他")]
    merged += [(1, 2, 1, 4, "法人或其他组织"), (2, 5, 1, 2, "其他")]
    assert headers_told(*_table(merged)[:3], settings) == {}
    # A word missing: its cell blank.
    table, inked, widths, _ = _table(S3_HEADER)
    del inked[(1, 7)]
    assert headers_told(table, inked, widths, settings) == {}
    # A header one column short of the section's.
    narrow = [(r, c, rs, min(cs, 6 - c), t) for r, c, rs, cs, t in S3_HEADER if c < 6 and t != "总计"]
    assert headers_told(*_table(narrow)[:3], settings) == {}
