"""A generated report as a government web page.

The report sits inside the site's chrome (header, navigation, breadcrumb, side menu,
scripts, footer) and layout tables; its own tables carry rowspan/colspan like the
docx, cells hold <p>/<span>/&nbsp; as Word-exported HTML does, and the page is encoded
UTF-8 or GBK, declared by <meta charset>, by http-equiv, or (GBK) not at all.
"""

from __future__ import annotations

import html
import random
from pathlib import Path

from bench.report_text import NBSP, Block, Para, ReportTable, build_plan
from bench.truth import ReportTruth

_NAV = ["首页", "走进{site}", "新闻中心", "政务公开", "政务服务", "互动交流", "专题专栏"]
_MENU = ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开"]
_DECLARATIONS = {
    "utf-8": ['<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />'],
    "gbk": ['<meta charset="gbk">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />',
            '<meta http-equiv="content-type" content="text/html;charset=GBK">', ""],
}


def render_html(truth: ReportTruth, out: Path, rng: random.Random) -> Path:
    """Renderer: the report published on the agency's web site (<out>.html)."""
    plan = build_plan(truth, rng)
    encoding = rng.choice(["utf-8", "utf-8", "gbk"])
    declaration = rng.choice(_DECLARATIONS[encoding])
    word_markup = rng.random() < 0.6
    title = f"{truth.agency}{truth.year}年政府信息公开工作年度报告"
    body = "\n".join(_block(b, rng, word_markup) for b in plan if not (isinstance(b, Para) and b.kind == "title"))
    site = truth.agency
    page = _PAGE.format(
        declaration=declaration,
        title=html.escape(title),
        site=html.escape(site),
        nav="".join(f'<li><a href="/col/col{rng.randint(100, 9999)}/index.html">{n.format(site=site[-4:])}</a></li>'
                    for n in _NAV),
        menu="".join(f'<li><a href="/xxgk/{i}/">{m}</a></li>' for i, m in enumerate(_MENU)),
        date=f"{truth.year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}",
        views=rng.randint(30, 9000),
        article=_article(plan, body, rng),
        icp=rng.randint(10000000, 99999999),
        site_id=rng.randint(1000000000, 9999999999),
    )
    path = out.with_suffix(".html")
    path.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    return path


def _article(plan: list[Block], body: str, rng: random.Random) -> str:
    titles = [b.text for b in plan if isinstance(b, Para) and b.kind == "title"]
    heading = "<br/>".join(html.escape(t) for t in titles)
    inner = f'<div class="TRS_Editor"><div class="Custom_UnionStyle">\n{body}\n</div></div>'
    if rng.random() < 0.5:
        # Older CMSs lay the article out in nested tables.
        inner = (f'<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td class="bt_content">'
                 f'\n{inner}\n</td></tr></table>')
    return f'<div class="article-title"><h1>{heading}</h1></div>\n<div id="zoom" class="article-content">{inner}</div>'


def _block(block: Block, rng: random.Random, word_markup: bool) -> str:
    if isinstance(block, ReportTable):
        return _table(block, rng, word_markup)
    text = html.escape(block.text)
    if block.kind == "heading":
        return rng.choice([f'<p style="text-indent:2em;"><strong>{text}</strong></p>', f"<h3>{text}</h3>"])
    if block.kind == "signature":
        return f'<p style="text-align:right;">{text}</p>'
    if word_markup:
        return (f'<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt">'
                f'<span style="font-family:仿宋_GB2312;font-size:16.0pt">{text}</span></p>')
    return f'<p style="text-indent:2em;">{text}</p>'


def _table(table: ReportTable, rng: random.Random, word_markup: bool) -> str:
    total_width = rng.choice([560, 600, 620, 680])
    rows = []
    for r in range(len(table.rows)):
        cells = sorted((c for c in table.cells if c.row == r), key=lambda c: c.col)
        tds = []
        for c in cells:
            attrs = ""
            if c.rowspan > 1:
                attrs += f' rowspan="{c.rowspan}"'
            if c.colspan > 1:
                attrs += f' colspan="{c.colspan}"'
            width = round(total_width * sum(table.widths[c.col:c.col + c.colspan]))
            attrs += f' width="{width}"' if rng.random() < 0.5 else f' style="width:{width}px;"'
            tds.append(f'<td{attrs} valign="middle">{_cell_content(c.text, rng, word_markup)}</td>')
        rows.append(f'<tr>{"".join(tds)}</tr>')
    layout = ' border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;"'
    return f'<table{layout} width="{total_width}" align="center"><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"


def _cell_content(text: str, rng: random.Random, word_markup: bool) -> str:
    lines = [html.escape(t).replace(NBSP, "&nbsp;") for t in text.split("\n")]
    if not text:
        return rng.choice(["", "&nbsp;", '<p align="center"><span>&nbsp;</span></p>'])
    if not word_markup:
        return "<br/>".join(lines)
    font = 'style="font-family:宋体;font-size:10.5pt"'
    if rng.random() < 0.5:
        return '<p align="center">' + "<br/>".join(f"<span {font}>{t}</span>" for t in lines) + "</p>"
    return "".join(f'<p class="MsoNormal" align="center"><span {font}>{t}</span></p>' for t in lines)


_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{declaration}
<title>{title}_{site}</title>
<meta name="SiteName" content="{site}" />
<meta name="ColumnName" content="政府信息公开年报" />
<meta name="ArticleTitle" content="{title}" />
<link rel="stylesheet" type="text/css" href="/css/base.css" />
<style type="text/css">
body {{ margin: 0; font-family: "Microsoft YaHei", SimSun; }}
.header {{ height: 120px; background: #1e5eb4; color: #fff; }}
.nav li {{ float: left; list-style: none; padding: 0 18px; }}
.article-content table td {{ border: 1px solid #000; padding: 2px; }}
</style>
<script type="text/javascript" src="/js/jquery-1.8.3.min.js"></script>
<script type="text/javascript">
var siteName = "{site}";
var _hmt = _hmt || [];
(function() {{ var hm = document.createElement("script"); hm.src = "/js/stat.js"; document.head.appendChild(hm); }})();
function doZoom(size) {{ document.getElementById("zoom").style.fontSize = size + "px"; }}
</script>
</head>
<body>
<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{site}" /></a></div>
<div class="search"><form action="/search" method="get"><input type="text" name="q" value="请输入关键字" />
<input type="submit" value="搜索" /></form></div></div>
<div class="nav"><ul>{nav}</ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政务公开</a>
 &gt; <a href="/xxgk/">政府信息公开</a> &gt; <span>政府信息公开年报</span></div>
<table class="main" width="1000" border="0" cellspacing="0" cellpadding="0" align="center"><tr>
<td class="side" width="220" valign="top"><div class="menu"><h2>政府信息公开</h2><ul>{menu}</ul></div></td>
<td class="content" valign="top">
<div class="info">发布日期：{date}&nbsp;&nbsp;来源：{site}&nbsp;&nbsp;浏览次数：<span id="views">{views}</span>
&nbsp;&nbsp;字号：[<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a>
<a href="javascript:doZoom(12)">小</a>]</div>
{article}
<div class="share"><a href="javascript:window.print()">【打印本页】</a>
<a href="javascript:window.close()">【关闭窗口】</a></div>
</td></tr></table>
<div class="footer"><p>主办单位：{site}&nbsp;&nbsp;网站标识码：{site_id}</p>
<p>ICP备{icp}号&nbsp;&nbsp;建议使用1920×1080分辨率浏览</p></div>
<script type="text/javascript">$(function() {{ $("#views").text(parseInt($("#views").text()) + 1); }});</script>
</body>
</html>
"""
