"""Label normalisation and tolerant matching against the template's labels."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

_CN_NUM = "一二三四五六七八九十"
# Ordinals that open a label: 一、 （三） 三（三） 1. 1、 (2)
_ORDINAL = re.compile(
    rf"^(?:[{_CN_NUM}]+[、.]|[{_CN_NUM}]?\([{_CN_NUM}]+\)|\d{{1,2}}(?:[.、](?!\d)|\))|\(\d{{1,2}}\))"
)
# Everything that is not a letter, digit or CJK character is dropped for matching.
_NOT_WORD = re.compile(r"[^\w]|_", re.UNICODE)
# Kana, which no Chinese report prints: what OCR reads of a seal, a shadow or a sheet's edge.
KANA = re.compile(r"[\u3040-\u30ff]")
CHINESE_OR_DIGIT = re.compile(r"[\u4e00-\u9fff\d]")
# A row label's ordinal alone (1. to 8.: the most a group of the template numbers), what a
# fax may leave of a label: a label's remnant, not a value.
LONE_ORDINAL = re.compile(r"[1-9][.、]?")
# OCR and typing confusions folded before comparison.
_FOLD = str.maketrans({"己": "已", "巳": "已", "入": "人", "曰": "日", "〇": "0"})
# Traditional forms of the templates' characters, each above its simplified one: OCR reads a
# faded serif face (a fax of a page in 宋体) partly in traditional forms (信息內容, 本年制发件數,
# 行政強制, 结果維持: seed 929), which no simplified label matched. A report printed in
# traditional characters matches the same way.
_TRADITIONAL = str.maketrans(
    "萬業舉於會關內決況減辦務動區單發號後國處復複審對屬廢開強當執護報數無權構現確穩類糾納組織經結繼續"
    "維繳罰獲規計認議許訟訪訴詢請購費轉過這進採問項題額機範補條總製隻沒",
    "万业举于会关内决况减办务动区单发号后国处复复审对属废开强当执护报数无权构现确稳类纠纳组织经结继续"
    "维缴罚获规计认议许讼访诉询请购费转过这进采问项题额机范补条总制只没",
)


# The CJK Radicals Supplement forms a PDF's text layer may use for whole characters (a
# browser's print: ⻰ for 龙, ⻚ for 页, ⺠ for 民), which NFKC leaves as they are; the pairs
# of Unicode's EquivalentUnifiedIdeograph.txt whose ideograph is in the Basic Multilingual
# Plane, each form above the character it stands for.
_RADICAL_SUPPLEMENT = str.maketrans(
    "⺁⺂⺃⺄⺅⺆⺈⺉⺊⺋⺌⺍⺎⺏⺐⺒⺓⺔⺖⺗⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺤⺥⺦⺧⺨⺩⺫⺬⺭⺯⺰⺱⺲⺳⺴⺶⺹⺺⺻"
    "⺼⺾⺿⻀⻁⻂⻃⻄⻅⻆⻈⻉⻋⻌⻍⻎⻏⻐⻑⻒⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
    "厂乛乚乙亻冂刀刂卜㔾小小兀尣尢巳幺彑忄心扌攵旡日月歺母民氵氺灬爫爫丬牛犭王目示礻糹纟罓罒㓁冗羊耂肀聿"
    "肉艹艹艹虎衤覀西见角讠贝车辶辶辶邑钅長镸长门阝雨青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟",
)


def nfkc(text: str) -> str:
    """Full-width to half-width, radical forms to the characters they stand for, ideographic
    and no-break spaces to plain spaces."""
    return unicodedata.normalize("NFKC", text).translate(_RADICAL_SUPPLEMENT).replace("\u3000", " ")


def split_ordinal(text: str) -> tuple[str, str]:
    """('（三）', '不予公开') from '（三）不予公开', after NFKC and space removal."""
    compact = re.sub(r"\s+", "", nfkc(text))
    ordinal = ""
    while True:
        m = _ORDINAL.match(compact)
        if not m:
            return ordinal, compact
        ordinal += m.group(0)
        compact = compact[m.end() :]


@lru_cache(maxsize=65536)
def label_core(text: str) -> str:
    """The comparable part of a label: no ordinal, spaces, punctuation; OCR confusions folded."""
    _, rest = split_ordinal(text)
    return _NOT_WORD.sub("", rest).translate(_FOLD).translate(_TRADITIONAL)


@lru_cache(maxsize=1 << 18)
def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """Similarity of two label cores in [0, 1]; 0 when it is surely below `floor`."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    shorter, longer = sorted((len(a), len(b)))
    if shorter / longer < 0.5:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if floor and (matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor):
        return 0.0
    return matcher.ratio()


@dataclass(frozen=True)
class LabelScore:
    ratio: float
    variant: str


def best_variant(core: str, variants: list[str]) -> LabelScore:
    """The variant most like `core` (a label_core) and how alike they are."""
    best = LabelScore(0.0, "")
    for variant in variants:
        r = similarity(core, label_core(variant))
        if r > best.ratio:
            best = LabelScore(r, variant)
    return best
