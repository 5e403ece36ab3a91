"""The brief as GitHub-flavoured Markdown: `outline(brief)` (briefs/outline.py) written out, every piece of
user text made inert."""

from __future__ import annotations

import re
from collections.abc import Iterable

from deliberate.briefs.outline import Block, Break, Bullets, Clauses, Cover, Facts, Heading, Para, Run, Table, outline
from deliberate.briefs.render_tables import Brief

_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_LEADING = re.compile(r"^([#>+=-]|[0-9]+[.)])")


def md_escape(text: str) -> str:
    """User text made inert: no emphasis, links, HTML or table breaks, and nothing that starts a block."""
    core = " ".join(text.split())  # a newline would end a table row or start a block
    if not core:
        return " " if text else ""
    core = _INLINE.sub(r"\\\1", core)
    core = _LEADING.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], core, count=1)
    return (" " if text[0].isspace() else "") + core + (" " if text[-1].isspace() else "")


def _md_runs(runs: Iterable[Run]) -> str:
    out = []
    for run in runs:
        for i, piece in enumerate(run.text.split("\n")):
            if i:
                out.append("  \n")  # a hard line break
            text = md_escape(piece)
            if run.link and re.fullmatch(r"https?://[^\s<>]+", run.link):
                text = f"<{run.link}>"
            if run.bold and text.strip():
                lead, core, trail = text[: len(text) - len(text.lstrip())], text.strip(), text[len(text.rstrip()) :]
                text = f"{lead}**{core}**{trail}"
            out.append(text)
    return "".join(out)


def _md_table(table: Table) -> list[str]:
    def row(cells: Iterable[str], strong: bool = False) -> str:
        texts = ["<br>".join(md_escape(x) for x in c.split("\n")) or " " for c in cells]
        return "| " + " | ".join(f"**{t}**" if strong and t.strip() else t for t in texts) + " |"

    rule = "| " + " | ".join("---:" if i in table.numeric else "---" for i in range(len(table.headers))) + " |"
    body = [row(r, strong=table.total and i == len(table.rows) - 1) for i, r in enumerate(table.rows)]
    caption = [f"**{md_escape(table.caption)}**", ""] if table.caption else []
    return [*caption, row(table.headers), rule, *body]


def markdown(blocks: Iterable[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Cover):
            out += [f"**{md_escape(block.kicker)}**", "", f"# {md_escape(block.title)}", ""]
            out += [x for text in (block.subtitle, *block.lines) if text for x in (md_escape(text), "")]
            out += [x for runs in block.footer for x in (_md_runs(runs), "")]
        elif isinstance(block, Heading):
            out += [f"{'#' * (block.level + 1)} {md_escape(block.text)}", ""]
        elif isinstance(block, Para):
            text = _md_runs(block.runs)
            out += [f"> {text}" if block.style == "note" else text, ""]
        elif isinstance(block, Bullets):
            out += [f"- {_md_runs(item)}" for item in block.items] + [""]
        elif isinstance(block, Facts):
            for fact in block.rows:
                out.append(f"- **{md_escape(fact.label)}:** {_md_runs(fact.value).replace(chr(10), chr(10) + '  ')}")
                out += [f"  - {md_escape(item)}" for item in fact.items]
            out.append("")
        elif isinstance(block, Clauses):
            for clause in block.items:
                out += [f"{md_escape(clause.number)} {md_escape(clause.text)}", ""]
                notes = [f"- {_md_runs(note)}" for note in clause.notes] + [f"  - {md_escape(x)}" for x in clause.items]
                out += [*notes, ""] if notes else []
        elif isinstance(block, Table):
            out += [*_md_table(block), ""]
        elif isinstance(block, Break) and block.kind in ("page", "landscape"):
            out += ["---", ""]
    return "\n".join(out).rstrip() + "\n"


def brief_markdown(brief: Brief, *, thai_digits: bool = True) -> str:
    """The brief as GitHub-flavoured Markdown: the sections, order and wording of the PDF."""
    return markdown(outline(brief, thai_digits=thai_digits))
