"""Names of public bodies in a report's text: cleaning, checking and comparing them."""

from __future__ import annotations

import re

# What a whole body's name ends in: an organ (局, 委员会, 街道办事处…) or a place that reports
# for itself (镇, 乡, 区, 县…).
_NAME_END = ("人民政府办公室", "人民政府", "街道办事处", "办事处", "管理委员会", "管委会", "委员会", "办公室", "办公厅",
             "管理局", "局", "厅", "委", "办", "中心", "院", "所", "署", "部", "队", "镇", "乡", "街道", "区", "县",
             "市", "州", "盟", "旗", "省", "政府", "会")
# Words no body's name holds: verbs of a cover letter, page labels, the start of a sentence.
_NOT_IN_NAME = ("关于", "报送", "印发", "发布", "根据", "按照", "标题", "来源", "栏目", "链接", "目录", "年度", "报告",
                "信息公开", "通知", "格式", "以下简称", "本报告", "我们", "现将", "工作", "联系", "网站", "门户")
_NOT_A_START = ("我", "本", "全", "该", "各", "贵", "以来", "在", "对", "由", "经")
# Parts of a name that say only "the government of" the place: 平潭综合实验区管委会 is 平潭综合实验区.
_GENERIC_TAIL = ("党工委管委会", "管理委员会", "管委会", "党工委", "党委政府", "人民政府", "政府", "党委", "办事处")
# Cited documents and their bodies (the format notice's office) are no one's signature.
_CITATION = re.compile(r"《[^《》]*》|〈[^〈〉]*〉|<[^<>]*>|“[^“”]*”|\"[^\"]*\"")
_PAREN = re.compile(r"[(（][^()（）]{0,60}[)）]")


def strip_citations(text: str) -> str:
    """The text without what it cites: 《…》 titles (innermost first), quotes, parentheses."""
    previous = None
    while previous != text:
        previous = text
        text = _CITATION.sub("，", text)
    return _PAREN.sub("", text)


def clean_name(text: str) -> str:
    """A name as printed before a title's year: no spaces, brackets, site tags (【某县】),
    cover-letter verbs. In 某镇人民政府信息公开 the 政府 is shared with the title's words."""
    text = re.sub(r"\s+|【[^】]*】|\[[^\]]*\]", "", text)
    text = text.strip("《》<>〈〉“”\"'：:，,。;；、 ")
    text = re.sub(r"^(?:年度|年|度|关于)", "", text)
    text = re.sub(r"关于(?:报送|上报|呈报|印发|公布|发布|提交|公开)?$", "", text)
    return re.sub(r"人民$", "人民政府", re.sub(r"的$", "", text))


def well_formed(name: str | None) -> bool:
    """Whether `name` reads as a whole body's name (not a fragment, verb or page label)."""
    if not name or not 2 <= len(name) <= 40:
        return False
    if not re.fullmatch(r"[\u4e00-\u9fff()（）·]+", name):
        return False
    if any(w in name for w in _NOT_IN_NAME) or name.startswith(_NOT_A_START) or _generic(name):
        return False
    return name.endswith(_NAME_END)


# The provinces' names before 省 (the municipalities and autonomous regions have none).
_PROVINCES = ("河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北",
              "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾")


def names_no_province(name: str) -> bool:
    """Whether a 省 in `name` follows no province's name: a name read with marks inside it
    (河工组南省…, a scanned page's margin read into a title's line)."""
    return any(not name[:at].endswith(_PROVINCES) for at in (m.start() for m in re.finditer("省", name)))


def _generic(name: str) -> bool:
    """Whether a name says only "a government" (人民政府, 县人民政府): it fits any place."""
    while True:
        tail = next((t for t in (*_GENERIC_TAIL, "办公室") if name.endswith(t)), None)
        if tail is None:
            return len(name) <= 1
        name = name[: -len(tail)]


def _core(name: str) -> str:
    name = re.sub(r"[\s()（）·]", "", name)
    changed = True
    while changed:
        changed = False
        for tail in _GENERIC_TAIL:
            if name.endswith(tail) and len(name) > len(tail) + 1:
                name, changed = name[: -len(tail)], True
    return name


def same_body(a: str, b: str) -> bool:
    """Whether two printed names are the same body: equal but for "the government of"
    (平潭综合实验区 / 平潭综合实验区管委会), one is the other without its place
    (区市场监督管理局 / 平潭综合实验区市场监督管理局), or one is the other's office,
    which compiles and signs for it (平阳县人民政府 / 平阳县人民政府办公室)."""
    plain = [re.sub(r"[\s()（）·]", "", n) for n in (a, b)]
    if any(_generic(n) for n in plain):
        return False
    for x, y in (plain, (_core(a), _core(b))):
        short, long_ = sorted((x, y), key=len)
        if short == long_ or (len(short) >= 3 and long_.endswith(short) and short.endswith(_NAME_END)):
            return True
        if long_ == short + "办公室":
            return True
    return False


def tail_names(run: str, known: list[str]) -> str | None:
    """The name a run of text ends with (a signature glued to the sentence before it): its
    longest ending that names one of the `known` bodies, else the run if it is a name. The
    longest of all, not the first known name's: a title misread 桃工源乡人民政府 (a margin's
    mark in it) had cut the signature 桃源乡人民政府, which the page's source label prints too,
    to 源乡人民政府, and so was borne out (seed 8282's browser scan, unflagged)."""
    cores = [_core(name) for name in known]

    def names_known(tail: str) -> bool:
        return any(same_body(tail, name) or (len(core) >= 2 and tail == core)
                   for name, core in zip(known, cores, strict=True))

    return next((run[-size:] for size in range(len(run), 1, -1) if names_known(run[-size:])),
                run if well_formed(run) else None)
