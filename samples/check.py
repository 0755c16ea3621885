#!/usr/bin/env python3
"""Check that the three forms of every sample agree (run by make.sh after conversion).

For each content module: the DOCX body text has exactly the words of the text form (markup
stripped), list paragraphs carry Word numbering (`w:numPr`, one per list item in the content),
each shaded status cell has its `w:shd w:fill`, and every word of the text form is found in the
PDF's text (pdftotext), unbroken; and every text the expected record (`expected/NAME.json`)
quotes stands in the text form; and (when ../shared/seeds is there) that no run of seven words is
shared with a seed paper. Exit status 1 on any mismatch.
"""

import collections
import html
import pathlib
import re
import subprocess
import sys
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True
import make  # noqa: E402

LIST_MARK = re.compile(r"^\s*(?:-\s+)?(?:(?:\d+|[a-z]|[ivx]+)\.\s+)?")


def txt_words(text):
    words = []
    for line in text.splitlines():
        line = re.sub(r"</?(ul|li)>", " ", line)
        line = line.replace("**", "")
        line = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", line)
        in_table = "\t" in line
        for cell in line.split("\t"):
            cell = cell.strip() if in_table else LIST_MARK.sub("", cell.strip())
            cell = re.sub(r"^#+\s+", "", cell)
            if cell == "-":
                continue
            words.extend(cell.split())
    return words


def docx_words(xml):
    words = []
    for para in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
        text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", para))
        words.extend(html.unescape(text).split())
    return words


def count_items(doc):
    n = 0

    def walk(items):
        nonlocal n
        for item in items:
            n += 1
            if item != make.PH and not isinstance(item, str):
                sub = item[1]
                if sub == make.PH:
                    n += 1
                else:
                    walk(sub[1])

    for block in doc:
        if block[0] in ("ol", "ul"):
            walk(block[1])
        elif block[0] == "table":
            for row in block[2]:
                for cell in row:
                    if isinstance(cell, dict) and cell["sub"]:
                        n += len(cell["sub"])
    return n


def fills(doc):
    out = collections.Counter()
    for block in doc:
        if block[0] == "table":
            for row in block[2]:
                for cell in row:
                    if isinstance(cell, dict) and cell["fill"]:
                        out[cell["fill"].lstrip("#").upper()] += 1
    return out


# The seed papers: `../shared/seeds` beside the repository (a worktree one level deeper looks one
# folder further up). Skipped when absent.
SEEDS = next((p for p in (HERE.parent.parent / "shared" / "seeds", HERE.parent.parent.parent / "shared" / "seeds")
              if p.is_dir()), None)


def grams(text, n=7):
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def main():
    failures = []
    # The samples must be our own words: no run of seven words in common with a seed paper.
    seed_grams = set()
    for seed in sorted(SEEDS.glob("*.txt")) if SEEDS else []:
        seed_grams |= grams(seed.read_text(encoding="utf-8"))
    names = []
    for path in sorted((HERE / "content").glob("*.py")):
        mod = make.load(path)
        names.append(mod.NAME)
        problems = []
        raw = (HERE / f"{mod.NAME}.txt").read_bytes()
        txt = raw.decode(getattr(mod, "TXT_ENCODING", "utf-8"))
        if getattr(mod, "TXT_NEWLINE", "\n") == "\r\n" and raw.count(b"\r\n") != raw.count(b"\n"):
            problems.append("text form should have CRLF line ends only")
        txt = txt.replace("\r\n", "\n")
        with zipfile.ZipFile(HERE / f"{mod.NAME}.docx") as z:
            xml = z.read("word/document.xml").decode("utf-8")
            has_numbering = "word/numbering.xml" in z.namelist()
        tw, dw = txt_words(txt), docx_words(xml)
        if collections.Counter(tw) != collections.Counter(dw):
            only_t = collections.Counter(tw) - collections.Counter(dw)
            only_d = collections.Counter(dw) - collections.Counter(tw)
            problems.append(f"txt/docx words differ: txt only {dict(only_t)}, docx only {dict(only_d)}")
        items = count_items(mod.DOC)
        numpr = len(re.findall(r"<w:numPr>", xml))
        if items and not has_numbering:
            problems.append("no word/numbering.xml")
        if numpr != items:
            problems.append(f"{numpr} numbered paragraphs in docx, {items} list items in content")
        got = collections.Counter(f.upper() for f in re.findall(r'<w:shd [^>]*w:fill="([0-9A-Fa-f]{6})"', xml))
        for colour, n in fills(mod.DOC).items():
            if got[colour] != n:
                problems.append(f"fill {colour}: {got[colour]} in docx, {n} in content")
        pdf = ""
        for mode in ([], ["-layout"]):  # the default mode joins "barne-" + "til"; -layout does not
            pdf += subprocess.run(["pdftotext", *mode, str(HERE / f"{mod.NAME}.pdf"), "-"],
                                  capture_output=True, text=True, check=True).stdout
        # Table cells wrap and pdftotext interleaves the lines of a row's cells, so compare word
        # characters only: every alphanumeric run of the text form must be a run in the PDF
        # (a word broken inside, as in a too narrow column, is reported).
        pdf_runs = set(re.findall(r"\w+", pdf))
        missing = [w for w in re.findall(r"\w+", " ".join(tw)) if w not in pdf_runs]
        if missing:
            problems.append(f"words missing from pdf: {missing[:10]}")
        # the expected record quotes the text form: every point, title and name must be in it
        flat_txt = " ".join(make.strip_md(txt).split())
        gold = make.expected(mod)
        quoted = []

        def points(ps):
            for pt in ps:
                if "text" in pt:
                    quoted.append(pt["text"])
                points(pt.get("children", []))

        for c in gold.get("cases", []):
            points(c.get("proposal", []))
            points(c.get("decision", []))
            quoted.extend([c["title"], *c.get("owners", []), *c.get("officers", []), *c["attachments"]])
        for a in gold.get("agenda", []):
            quoted.extend([a["title"], *a.get("sub_items", []), *a.get("responsible", [])])
        quoted.extend(gold.get("plan_measures", []))
        for q in quoted:
            if " ".join(q.split()) not in flat_txt:
                problems.append(f"expected record quotes text not in the sample: {q!r}")
        copied = sorted(grams(txt) & seed_grams)
        if copied:
            problems.append(f"seven-word runs shared with a seed paper: {copied[:5]}")
        for p in problems:
            failures.append(f"{mod.NAME}: {p}")
    for f in failures:
        print(f)
    print(f"checked {len(names)} samples, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
