#!/usr/bin/env python3
"""Generate the sample committee papers from one content source per sample.

Each module in `content/` defines `NAME` (file stem), `TITLE`, `LANG` ("nb" or "nn") and `DOC`,
a list of blocks built with the helpers below; optional `HEADER` (running page header text; the
DOCX/PDF then also get a "Side N av M" footer with page fields — page furniture that the text form,
like the seeds' text, leaves out), `LANDSCAPE`, `MD_HEADINGS`, and `TXT_ENCODING` / `TXT_NEWLINE`
for a text form that is not UTF-8 with LF. This script writes, for every sample:

- `NAME.txt`      – the text form, in the convention of `../shared/seeds/*.txt`
                    (tab-separated table rows, `<ul><li>` inside cells, `1.` / ` - a.` / ` -` lines,
                    `**bold**`);
- `src/NAME.html` – the word-processor source; `make.sh` converts it with LibreOffice to DOCX
                    (real Word numbering, cell shading) and prints the DOCX to PDF;
- `expected/NAME.json` – what correct extraction gives, in the gold format of
                    `../shared/tools/score.py`, from the CASE/PROPOSAL/DECISION/ATTACH markers and
                    the module's GOLD dict.

Usage: python3 make.py [OUTDIR]   (default: the folder of this script)
"""

import html
import importlib.util
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep content/__pycache__ out of the samples folder

# ---------------------------------------------------------------------------------------------
# Block constructors (used by the content modules)
# ---------------------------------------------------------------------------------------------


def H(text, level=1, pagebreak=False):
    """A heading. In the text form it is a plain line (as in the seeds) unless the document sets
    MD_HEADINGS, then `#`-prefixed."""
    return ("h", text, level, pagebreak)


def P(text, role=None):
    """A paragraph; `**bold**` and `*italic*` inline. With `role` ("proposal"/"decision") the
    paragraph is an unnumbered point of the current CASE's proposal or decision."""
    return ("p", text, role)


def F(label, value):
    """A `Label: value` field line (Utvalg:, Møtedato:, Saksansvarlig: …)."""
    return ("p", f"{label}: {value}", None)


def OL(*items, start=1, role=None):
    """A numbered list 1., 2., … Items are strings or `(text, SUB)` pairs, SUB one of A(), UL(),
    ROMAN() or PH (the empty placeholder point). `role` ("proposal" or "decision") puts the list
    into the current CASE of the expected record."""
    return ("ol", list(items), start, role)


def PROPOSAL(*items, start=1):
    """A numbered list that is the current CASE's proposed decision."""
    return OL(*items, start=start, role="proposal")


def DECISION(*items, start=1):
    """A numbered list that is the current CASE's adopted decision."""
    return OL(*items, start=start, role="decision")


def ATTACH(*items):
    """A bullet list of the current CASE's attachments."""
    return UL(*items, role="attachments")


def A(*items):
    """Lettered sub-points a., b., … (items as in OL)."""
    return ("a", list(items))


def ROMAN(*items):
    """Roman sub-sub-points i., ii., …"""
    return ("i", list(items))


def UL(*items, role=None):
    """Bullet list (items as in OL). `role="attachments"` makes the items the current CASE's
    attachments in the expected record; "proposal"/"decision" as for OL."""
    return ("ul", list(items), role)


PH = ("ph",)
"""An empty placeholder point: a bullet with no text, left for the meeting to fill in."""


def C(text, sub=None, fill=None):
    """A table cell: text, optional sub-items (list of strings) and optional fill colour."""
    return {"text": text, "sub": sub, "fill": fill}


def T(header, rows, widths=None, rowspans=None, align=None):
    """A table. `header` is a list of strings, `rows` lists of cells (str or C(...)).
    `rowspans` maps (row, col) -> n for a merged cell spanning n rows; the covered cells must be
    given as None in `rows` (they are empty in the text form). `align` lists per-column alignment
    ("right" or None) for the DOCX/PDF."""
    return ("table", header, rows, widths, rowspans or {}, align or [])


def BR():
    """Page break before the next block."""
    return ("br",)


STATUS = {"grønn": "#00B050", "gul": "#FFC000", "rød": "#FF0000", "raud": "#FF0000"}


def S(word, comment=None):
    """A shaded status cell: the colour word (grønn/gul/rød/raud) and its fill."""
    text = word if comment is None else f"{word} – {comment}"
    return C(text, fill=STATUS[word.lower()])


def CASE(number, title, date, owners=(), officers=(), refs=(), attachments=None):
    """Not rendered: opens a case in the expected record (`expected/NAME.json`). `number` as
    written (`15/25`, `09-2025`, `07.25`) or None; `date` DD.MM.YYYY; `refs` the other cases the
    paper mentions. Following OL/UL blocks with a role fill its proposal/decision/attachments."""
    return ("case", {"number": number, "title": title, "date": date, "owners": list(owners),
                     "officers": list(officers), "refs": list(refs), "attachments": attachments})


# ---------------------------------------------------------------------------------------------
# Expected record (the gold format of ../shared/tools/score.py)
# ---------------------------------------------------------------------------------------------


def strip_md(text):
    text = text.replace("**", "")
    return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)


def casenum(written):
    m = re.fullmatch(r"(?:[Ss]ak:?\s*)?0*(\d+)\s*[/.-]\s*(\d{2}|\d{4})", written.strip())
    if not m:
        raise ValueError(f"not a case number: {written!r}")
    year = int(m.group(2))
    return {"seq": int(m.group(1)), "year": year + 2000 if year < 100 else year}


def iso(date):
    d, m, y = date.split(".")
    return f"{y}-{m}-{d}"


def gold_points(items):
    out = []
    for item in items:
        if item == PH:
            out.append({"placeholder": True})
            continue
        text, sub = (item, None) if isinstance(item, str) else item
        point = {"text": strip_md(text)}
        if sub == PH:
            point["children"] = [{"placeholder": True}]
        elif sub is not None:
            point["children"] = gold_points(sub[1])
        out.append(point)
    return out


def cell_text(cell):
    return "" if cell is None else strip_md(cell if isinstance(cell, str) else cell["text"])


def split_names(text):
    parts = re.split(r"\s*/\s*|\s*,\s*|\s+og\s+", text)
    return [p.strip() for p in parts if p.strip()]


def agenda(table, responsible=None):
    """Agenda rows from an agenda table block (Kl. | Saksnr. | Saker | Ansvarlig | Tid);
    `responsible` maps a row index to its names where splitting the cell would be wrong."""
    responsible = responsible or {}
    rows = []
    for i, row in enumerate(table[2]):
        kl, nr, saker, ansv, tid = row
        start, end = [t.strip().replace(".", ":") for t in re.split(r"[-–]", kl)]
        item = {"case": casenum(nr) if nr else None, "start": start, "end": end,
                "minutes": int(tid), "title": cell_text(saker)}
        if nr:
            item["sub_items"] = [strip_md(x) for x in saker["sub"]] if isinstance(saker, dict) and saker["sub"] else []
            item["responsible"] = responsible.get(i, split_names(cell_text(ansv)))
        rows.append(item)
    return rows


STATUS_EN = {"grønn": "green", "gul": "yellow", "rød": "red", "raud": "red"}


def plan(table):
    """Plan items from a status table (Mål | Delmål | Tiltak | Ansvar | Frist | Status [| …]).
    Merged (None) Mål cells take the goal of the row above."""
    items = []
    goal = None
    for row in table[2]:
        if row[0] is not None:
            goal = cell_text(row[0])
        status_text = cell_text(row[5])
        items.append({
            "goal": goal,
            "measure": cell_text(row[2]),
            "status": STATUS_EN[status_text.split()[0].lower()],
            "status_text": status_text,
            "responsible": cell_text(row[3]),
            "deadline": iso(cell_text(row[4])),
        })
    return items


def table_gold(table):
    return {"header": list(table[1]), "rows": len(table[2])}


def expected(mod):
    gold = {"source": f"samples/{mod.NAME}.txt"}
    gold.update(getattr(mod, "GOLD", {}))
    cases = []
    current = None
    for block in mod.DOC:
        if block[0] == "case":
            c = block[1]
            current = {"number": casenum(c["number"]) if c["number"] else None, "title": strip_md(c["title"])}
            if c["date"]:
                current["date"] = iso(c["date"])
            if c["owners"]:
                current["owners"] = c["owners"]
            if c["officers"]:
                current["officers"] = c["officers"]
            current["proposal"] = []
            current["attachments"] = c["attachments"] if c["attachments"] is not None else []
            current["references"] = [casenum(r) for r in c["refs"]]
            cases.append(current)
        elif block[0] in ("ol", "ul", "p") and block[-1] is not None:
            role = block[-1]
            if current is None:
                raise ValueError(f"{mod.NAME}: {role} list before any CASE")
            if role == "attachments":
                current["attachments"] = [strip_md(t) for t in block[1]]
            elif block[0] == "p":
                current.setdefault(role, []).append({"text": strip_md(block[1])})
            else:
                current.setdefault(role, []).extend(gold_points(block[1]))
    if cases:
        gold["cases"] = cases
    return gold


# ---------------------------------------------------------------------------------------------
# Text form
# ---------------------------------------------------------------------------------------------


def roman(n):
    vals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def label_for(kind, n):
    if kind == "ol":
        return f"{n}."
    if kind == "a":
        return f"{chr(ord('a') + n - 1)}."
    if kind == "i":
        return f"{roman(n)}."
    return ""


def txt_list(kind, items, level, start=1):
    lines = []
    n = start
    for item in items:
        if item == PH:
            lines.append(" " * (2 * level - 1) + "-" if level else "-")
            continue
        text, sub = (item, None) if isinstance(item, str) else item
        if level == 0:
            prefix = f"{label_for(kind, n)} " if kind != "ul" else "- "
        else:
            indent = " " * (2 * level - 1)
            lab = label_for(kind, n)
            prefix = f"{indent}- {lab} " if lab else f"{indent}- "
        lines.append(prefix + text)
        n += 1
        if sub is not None:
            lines.extend(txt_sub(sub, level + 1))
    return lines


def txt_sub(sub, level):
    if sub == PH:
        return [" " * (2 * level - 1) + "-"]
    kind, items = sub[0], sub[1]
    return txt_list(kind, items, level)


def txt_cell(cell):
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    out = cell["text"]
    if cell["sub"] is not None:
        lis = "".join(f"<li>{s}</li>" for s in cell["sub"])
        out = f"{out} <ul>{lis}</ul>"
    return out


def check_levels(items, level, seen, where):
    """Writer keeps one format per level of a list: a list whose level 1 holds both lettered and
    bullet sub-points would come out wrong in the DOCX. Refuse such content."""
    for item in items:
        if item == PH or isinstance(item, str):
            if item == PH:
                kind = "ul"
                if seen.setdefault(level, kind) != kind:
                    raise ValueError(f"{where}: mixed sub-point kinds on level {level}")
            continue
        _text, sub = item
        if sub == PH:
            kind, sub_items = "ul", []
        else:
            kind, sub_items = sub[0], sub[1]
        if seen.setdefault(level + 1, kind) != kind:
            raise ValueError(f"{where}: mixed sub-point kinds on level {level + 1}: {_text}")
        check_levels(sub_items, level + 1, seen, where)


def to_txt(mod):
    md = getattr(mod, "MD_HEADINGS", False)
    chunks = []
    for block in mod.DOC:
        tag = block[0]
        if tag == "case":
            continue
        if tag == "br":
            chunks.append("\n")
        elif tag == "h":
            _, text, level, pb = block
            if pb:
                chunks.append("\n")
            chunks.append(("#" * level + " " + text) if md else text)
        elif tag == "p":
            chunks.append(block[1])
        elif tag == "ol":
            check_levels(block[1], 0, {}, mod.NAME)
            chunks.append("\n".join(txt_list("ol", block[1], 0, block[2])))
        elif tag == "ul":
            chunks.append("\n".join(txt_list("ul", block[1], 0)))
        elif tag == "table":
            _, header, rows, _w, _rs, _al = block
            lines = ["\t".join(header)]
            for row in rows:
                lines.append("\t".join(txt_cell(c) for c in row))
            chunks.append("\n".join(lines))
        else:
            raise ValueError(f"unknown block {tag}")
    return "\n\n".join(chunks).replace("\n\n\n\n\n", "\n\n\n\n") + "\n"


# ---------------------------------------------------------------------------------------------
# HTML form (LibreOffice input)
# ---------------------------------------------------------------------------------------------


def inline(text):
    s = html.escape(text, quote=False)
    s = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", s)
    s = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", s)
    return s


def html_list(kind, items, start=1):
    if kind == "ol":
        open_tag = "<ol>" if start == 1 else f'<ol start="{start}">'
        close = "</ol>"
    elif kind == "a":
        open_tag, close = '<ol type="a">', "</ol>"
    elif kind == "i":
        open_tag, close = '<ol type="i">', "</ol>"
    else:
        open_tag, close = "<ul>", "</ul>"
    out = [open_tag]
    for item in items:
        if item == PH:
            out.append("<li></li>")
            continue
        text, sub = (item, None) if isinstance(item, str) else item
        inner = inline(text)
        if sub is not None:
            inner += html_sub(sub)
        out.append(f"<li>{inner}</li>")
    out.append(close)
    return "".join(out)


def html_sub(sub):
    if sub == PH:
        return "<ul><li></li></ul>"
    kind, items = sub[0], sub[1]
    return html_list(kind, items)


def html_cell(cell, tag="td", extra=""):
    if cell is None:
        return ""
    if isinstance(cell, str):
        return f"<{tag}{extra}>{inline(cell)}</{tag}>"
    attrs = extra
    if cell["fill"]:
        attrs += f' bgcolor="{cell["fill"]}" style="background-color: {cell["fill"]}"'
    inner = inline(cell["text"])
    if cell["sub"] is not None:
        inner = f"<p>{inner}</p><ul>" + "".join(f"<li>{inline(s)}</li>" for s in cell["sub"]) + "</ul>"
    return f"<{tag}{attrs}>{inner}</{tag}>"


def to_html(mod):
    landscape = getattr(mod, "LANDSCAPE", False)
    table_px = 950 if landscape else 620
    page = "29.7cm 21cm; margin: 2cm" if landscape else "21cm 29.7cm; margin: 2cm 2cm 2cm 2.5cm"
    lang = {"nb": "nb-NO", "nn": "nn-NO"}[mod.LANG]
    body = []
    pending_break = False
    for block in mod.DOC:
        tag = block[0]
        if tag == "case":
            continue
        pb_style = ' style="page-break-before: always"' if pending_break else ""
        if tag == "br":
            pending_break = True
            continue
        if tag == "h":
            _, text, level, pb = block
            if pb:
                pb_style = ' style="page-break-before: always"'
            body.append(f"<h{level}{pb_style}>{inline(text)}</h{level}>")
        elif tag == "p":
            body.append(f"<p{pb_style}>{inline(block[1])}</p>")
        elif tag == "ol":
            body.append(html_list("ol", block[1], block[2]))
        elif tag == "ul":
            body.append(html_list("ul", block[1]))
        elif tag == "table":
            _, header, rows, widths, rowspans, align = block
            t = [f'<table width="{table_px}" border="1" cellspacing="0" cellpadding="3">']
            if widths:
                total = sum(widths)
                t.append("".join(f'<col width="{round(table_px * w / total)}">' for w in widths))
            t.append("<thead><tr>" + "".join(f"<th>{inline(h)}</th>" for h in header) + "</tr></thead>")
            t.append("<tbody>")
            for r, row in enumerate(rows):
                cells = []
                for c, cell in enumerate(row):
                    span = rowspans.get((r, c))
                    extra = f' rowspan="{span}"' if span else ""
                    if c < len(align) and align[c]:
                        extra += f' align="{align[c]}"'
                    cells.append(html_cell(cell, extra=extra))
                t.append("<tr>" + "".join(cells) + "</tr>")
            t.append("</tbody></table>")
            body.append("".join(t))
        pending_break = False
    head = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(mod.TITLE)}</title>"
        f"<style>@page {{ size: {page}; }}"
        " body { font-family: 'DejaVu Sans'; font-size: 10pt; }"
        " h1, h2, h3 { font-family: 'DejaVu Sans'; } h1 { font-size: 14pt; } h2 { font-size: 12pt; } h3 { font-size: 11pt; }"
        " th { text-align: left; }</style></head><body>"
    )
    header = getattr(mod, "HEADER", None)
    if header:
        # LibreOffice reads these divs as the page header and footer (its own HTML export writes
        # them the same way); the footer carries PAGE and NUMPAGES fields.
        body.insert(0, f'<div title="header"><p>{inline(header)}</p></div>')
        body.append(
            '<div title="footer"><p align="right">Side <sdfield type=PAGE subtype=RANDOM format=PAGE>1'
            "</sdfield> av <sdfield type=DOCSTAT subtype=PAGE format=PAGE>1</sdfield></p></div>"
        )
    return head + "\n" + "\n".join(body) + "\n</body></html>\n"


# ---------------------------------------------------------------------------------------------


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem.replace("-", "_"), path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make"] = sys.modules[__name__]
    spec.loader.exec_module(mod)
    return mod


def main():
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    (out / "src").mkdir(parents=True, exist_ok=True)
    for path in sorted((HERE / "content").glob("*.py")):
        mod = load(path)
        # A sample may ask for another encoding/newline for its text form (as exported by a case
        # system); the DOCX and PDF are unaffected.
        txt = to_txt(mod).replace("\n", getattr(mod, "TXT_NEWLINE", "\n"))
        (out / f"{mod.NAME}.txt").write_bytes(txt.encode(getattr(mod, "TXT_ENCODING", "utf-8")))
        (out / "src" / f"{mod.NAME}.html").write_text(to_html(mod), encoding="utf-8")
        (out / "expected").mkdir(exist_ok=True)
        gold = json.dumps(expected(mod), ensure_ascii=False, indent=1) + "\n"
        (out / "expected" / f"{mod.NAME}.json").write_text(gold, encoding="utf-8")
        print(mod.NAME)


if __name__ == "__main__":
    main()
