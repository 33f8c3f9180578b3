"""The data of findings, loaded from `layouts/findings/`: kinds, prose claims, section names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.layouts import read_yaml
from ingest.models import Finding


@dataclass(frozen=True)
class Meaning:
    """A table figure a claim may describe: the sum of `cells` (patterns), named `label`."""

    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Claim:
    """A phrase of the narrative that quotes a table figure."""

    id: str
    says: str
    templates: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    means: tuple[Meaning, ...]
    # Phrases saying there was none (未收到政府信息公开申请): the claim's number is 0.
    none: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Kind:
    severity: str
    title: str


@dataclass(frozen=True)
class FindingRules:
    kinds: dict[str, Kind]
    current_template: str
    current_from_year: int
    # Rows of `in_force_template` whose documents in force carry from year to year, and their names.
    in_force_template: str
    in_force_rows: dict[str, str]
    deviations: dict[str, str]
    sections: dict[str, tuple[str, ...]]
    # The parts that print a table, by numeral: the table's section id.
    section_tables: dict[str, str]
    claims: tuple[Claim, ...]
    unless_in_sentence: tuple[str, ...]
    unless_in_clause: tuple[str, ...]
    # Words naming every applicant (公民、法人和其他组织): not a sub-category however they read.
    everyone: re.Pattern[str]
    # A number and its counter word: a sentence without one quotes no figure (checked first).
    counted: re.Pattern[str]

    def finding(self, kind: str, message: str, **fields: Any) -> Finding:
        """A finding of a known kind, with the kind's severity."""
        return Finding(kind=kind, severity=self.kinds[kind].severity, message=message, **fields)


def pending_note(pending: list[str]) -> str:
    """The message's note naming what a finding waits for (empty when it rests on nothing unsure)."""
    return f"（待复核：{'、'.join(pending)}）" if pending else ""


def _claim(raw: dict[str, Any], words: dict[str, str]) -> Claim:
    def pattern(text: str) -> re.Pattern[str]:
        for name, value in words.items():
            text = text.replace(f"{{{name}}}", value)
        return re.compile(text)

    return Claim(
        id=raw["id"],
        says=raw["says"],
        templates=tuple(str(t) for t in raw["templates"]),
        patterns=tuple(pattern(p) for p in raw["patterns"]),
        means=tuple(Meaning(m["label"], tuple(m["cells"])) for m in raw["means"]),
        none=tuple(pattern(p) for p in raw.get("none", [])),
    )


@lru_cache(maxsize=4)
def load_rules(layouts_dir: Path) -> FindingRules:
    """The findings data beside the templates (`layouts/findings/`)."""
    kinds = read_yaml(layouts_dir / "findings" / "kinds.yaml")
    prose = read_yaml(layouts_dir / "findings" / "prose.yaml")
    return FindingRules(
        kinds={k: Kind(v["severity"], v["title"]) for k, v in kinds["kinds"].items()},
        current_template=str(kinds["current_template"]["template"]),
        current_from_year=int(kinds["current_template"]["from_year"]),
        in_force_template=str(kinds["in_force"]["template"]),
        in_force_rows=dict(kinds["in_force"]["rows"]),
        deviations=dict(kinds["deviations"]),
        sections={k: tuple(v) for k, v in kinds["sections"].items()},
        section_tables=dict(kinds["section_tables"]),
        claims=tuple(_claim(c, {"n": prose["number"], "unit": prose["unit"], "everyone": prose["everyone"]})
                     for c in prose["claims"]),
        unless_in_sentence=tuple(prose["unless_in_sentence"]),
        unless_in_clause=tuple(prose["unless_in_clause"]),
        everyone=re.compile(prose["everyone"]),
        counted=re.compile(prose["number"] + r"\s*" + prose["unit"]),
    )
