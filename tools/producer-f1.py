#!/usr/bin/env python3
"""Score every producer's PDF of every sample against the sample DOCX's record.

usage: python3 tools/producer-f1.py [BIN] [--producer NAME]... [--verbose] [--shared DIR]

BIN defaults to target/debug/saksflyt. For each sample `samples/NAME.docx` the gold is
`BIN extract NAME.docx` reduced to what `score.py` compares: the committee as `code name`, each
table as its header texts and row count, each plan item's measure as `plan_measures`, every
amount (`nok`) as `amounts`; the cases' votes are dropped (the record's votes are strings,
score.py compares vote objects). Each PDF (`samples/NAME.pdf` for LibreOffice,
`tests/fixtures/pdf-producers/PRODUCER/NAME.pdf` for the others; the scan is left out, it holds
one page only) is extracted and scored with `python3 SHARED/tools/score.py GOLD GOT`
(SHARED defaults to ../shared beside the repository).

Prints one line per producer: mean F1, worst F1, how many records equal the DOCX's (positions
aside), and the files below 0.97. `--verbose` adds score.py's reasons for every file below 1.
Exit 1 when a file scores below 0.97. Last, the scanned page (`scan/`, read with OCR when
tesseract is installed) is scored the same way, for information (it is not held to the bar).
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BAR = 0.97


def gold_of(record):
    """The record reduced to what score.py compares (see the module doc)."""
    d = json.loads(json.dumps(record))
    c = d.get("committee") or {}
    d["committee"] = " ".join(str(c.get(k) or "") for k in ("code", "name")) if isinstance(c, dict) else c
    tables, seen = [], set()
    for t in d.get("tables") or []:
        header = [h.get("text") if isinstance(h, dict) else h for h in (t.get("header") or [])]
        if tuple(header) not in seen:
            seen.add(tuple(header))
            tables.append({"header": header, "rows": len(t.get("rows") or [])})
    d["tables"] = tables
    measures = [i.get("measure") for p in d.get("plans") or [] for i in p.get("items") or [] if i.get("measure")]
    if measures:
        d["plan_measures"] = measures
    amounts = sorted({o["nok"] for o in walk(record) if isinstance(o, dict) and isinstance(o.get("nok"), int)})
    if amounts:
        d["amounts"] = amounts
    for case in d.get("cases") or []:
        case.pop("votes", None)
    return d


def walk(o):
    yield o
    if isinstance(o, dict):
        for v in o.values():
            yield from walk(v)
    elif isinstance(o, list):
        for v in o:
            yield from walk(v)


def without_positions(v):
    if isinstance(v, dict):
        return {k: without_positions(x) for k, x in v.items() if k not in ("at", "source")}
    if isinstance(v, list):
        return [without_positions(x) for x in v]
    return v


def extract(binary, path, ocr="off"):
    out = subprocess.run([binary, "extract", "--ocr", ocr, path], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    got = json.loads(out.stdout)
    return got[0] if isinstance(got, list) and len(got) == 1 else got


def main():
    args = sys.argv[1:]
    verbose = "--verbose" in args
    only, shared, rest = [], os.path.join(os.path.dirname(ROOT), "shared"), []
    i = 0
    while i < len(args):
        if args[i] == "--producer" and i + 1 < len(args):
            only.append(args[i + 1])
            i += 2
        elif args[i] == "--shared" and i + 1 < len(args):
            shared = args[i + 1]
            i += 2
        elif args[i] == "--verbose":
            i += 1
        elif args[i] in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            rest.append(args[i])
            i += 1
    binary = os.path.abspath(rest[0]) if rest else os.path.join(ROOT, "target/debug/saksflyt")
    score = os.path.join(shared, "tools/score.py")
    if not os.path.isfile(score):
        print(f"producer-f1: {score} not found (pass --shared DIR)", file=sys.stderr)
        return 2
    samples = os.path.join(ROOT, "samples")
    matrix = os.path.join(ROOT, "tests/fixtures/pdf-producers")
    names = sorted(f[:-5] for f in os.listdir(samples) if f.endswith(".docx"))
    producers = ["libreoffice"] + sorted(
        p for p in os.listdir(matrix) if os.path.isdir(os.path.join(matrix, p)) and p != "scan"
    )
    if only:
        producers = [p for p in producers if p in only]
    failed = False
    with tempfile.TemporaryDirectory(prefix="producer-f1-") as tmp:
        golds = {}
        for name in names:
            record = extract(binary, os.path.join(samples, name + ".docx"))
            if record is None:
                continue
            path = os.path.join(tmp, name + ".gold.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(gold_of(record), f, ensure_ascii=False)
            golds[name] = (path, without_positions(record))
        print(f"{'producer':22} {'mean':>6} {'worst':>6} {'equal':>6}  below {BAR}")
        for producer in producers:
            scores, equal, low, notes = [], 0, [], []
            for name, (gold, want) in golds.items():
                folder = samples if producer == "libreoffice" else os.path.join(matrix, producer)
                pdf = os.path.join(folder, name + ".pdf")
                if not os.path.isfile(pdf):
                    continue
                got = extract(binary, pdf)
                got_path = os.path.join(tmp, f"{name}.{producer}.json")
                with open(got_path, "w", encoding="utf-8") as f:
                    json.dump(got if got is not None else {}, f, ensure_ascii=False)
                out = subprocess.run(
                    [sys.executable, score, gold, got_path, "--verbose"], capture_output=True, text=True
                ).stdout
                last = [l for l in out.splitlines() if l.startswith("score:")]
                f1 = float(last[-1].split("F1=")[1].split()[0]) if last else 0.0
                scores.append(f1)
                equal += int(got is not None and without_positions(got) == want)
                if f1 < BAR:
                    low.append(f"{name}={f1:.3f}")
                if verbose and f1 < 1.0:
                    reasons = [l for l in out.splitlines() if l.startswith("  ")]
                    notes.append(f"  {name} F1={f1:.3f}\n" + "\n".join(reasons))
            if not scores:
                continue
            failed |= bool(low)
            mean = sum(scores) / len(scores)
            print(f"{producer:22} {mean:6.3f} {min(scores):6.3f} {equal:>3}/{len(scores):<2}  {' '.join(low)}")
            for n in notes:
                print(n)
        scans = sorted(f for f in os.listdir(os.path.join(matrix, "scan")) if f.endswith(".pdf"))
        for f in scans if not only or "scan" in only else []:
            name = f[:-4]
            if name not in golds:
                continue
            got = extract(binary, os.path.join(matrix, "scan", f), ocr="auto")
            got_path = os.path.join(tmp, f"{name}.scan.json")
            with open(got_path, "w", encoding="utf-8") as fh:
                json.dump(got if got is not None else {}, fh, ensure_ascii=False)
            out = subprocess.run(
                [sys.executable, score, golds[name][0], got_path, "--verbose"], capture_output=True, text=True
            ).stdout
            last = [l for l in out.splitlines() if l.startswith("score:")]
            f1 = float(last[-1].split("F1=")[1].split()[0]) if last else 0.0
            print(f"{'scan (OCR)':22} {f1:6.3f} {f1:6.3f}    {name}")
            if verbose:
                print("\n".join(l for l in out.splitlines() if l.startswith("  ")))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
