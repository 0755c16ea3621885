#!/usr/bin/env python3
"""Scale benchmark: wall time, CPU (user+sys) and peak memory of `ingest` and every document
command at N papers (docs/performance.md, "Scale").

    cargo build --release
    python3 tools/scale/bench.py target/release/saksflyt 2000 20000 [200000] [--work DIR] [--reuse]

For each N: writes N distinct papers (tools/scale/gen.py) into DIR/papers-N (kept between runs),
ingests them into a new store DIR/store-N.db, then runs each command once against that store
and prints one row per command. With --reuse, a store DIR/store-N.db that is already there is
used as it is (no ingest row: the 200,000-paper store takes minutes to build). Each command runs as a child process; its peak resident memory
and CPU come from wait4's rusage (the child's own, not this script's).
"""
import os
import shutil
import subprocess
import sys
import time

args = [a for a in sys.argv[1:] if not a.startswith("--")]
reuse = "--reuse" in sys.argv
work = "/tmp/saksflyt-scale"
if "--work" in sys.argv:
    work = sys.argv[sys.argv.index("--work") + 1]
    args.remove(work)
binary = os.path.abspath(args[0])
sizes = [int(n) for n in args[1:]] or [2000, 20000]
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(work, exist_ok=True)


def timed(cmd):
    """Run `cmd`; (wall s, cpu s, peak MB, exit code)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def commands(db, out, year):
    return [
        ("status-report", ["status-report", "--db", db, "--empty", "--out", f"{out}/status.docx"]),
        ("status-report --committee FSU-BARN",
         ["status-report", "--db", db, "--committee", "FSU-BARN", "--empty", "--out", f"{out}/status-barn.docx"]),
        ("decision-log --open", ["decision-log", "--db", db, "--open", "--out", f"{out}/vedtak-open.docx"]),
        ("decision-log --committee SSU",
         ["decision-log", "--db", db, "--committee", "SSU", "--out", f"{out}/vedtak-ssu.docx"]),
        # the whole log as one Word file: past 64 MB of output it is refused (exit 1)
        ("decision-log (all)", ["decision-log", "--db", db, "--out", f"{out}/vedtak.docx"]),
        (f"annual-report --year {year}",
         ["annual-report", "--db", db, "--year", str(year), "--out", f"{out}/arsrapport.docx"]),
        (f"evaluation --year {year}", ["evaluation", "--db", db, "--year", str(year), "--out", f"{out}/eval"]),
        ("dashboard", ["dashboard", "--db", db, "--out", f"{out}/dash"]),
        ("log --open --json", ["log", "--db", db, "--open", "--json"]),
        ("log --committee SSU --json", ["log", "--db", db, "--committee", "SSU", "--json"]),
        ("log --json (the whole log)", ["log", "--db", db, "--json"]),
        ("log (the whole log as a table)", ["log", "--db", db]),
    ]


print(f"binary: {binary}")
print("| papers | command | wall s | CPU s | peak MB | exit |")
print("|---:|---|---:|---:|---:|---:|")
for n in sizes:
    papers = os.path.join(work, f"papers-{n}")
    if not os.path.isdir(papers):
        subprocess.run([sys.executable, os.path.join(here, "gen.py"), str(n), papers], check=True,
                       stdout=subprocess.DEVNULL)
    db = os.path.join(work, f"store-{n}.db")
    if not (reuse and os.path.exists(db)):
        for suffix in ["", "-wal", "-shm"]:
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        wall, cpu, mb, code = timed([binary, "-q", "ingest", papers, "--db", db])
        print(f"| {n} | ingest | {wall:.2f} | {cpu:.2f} | {mb:.0f} | {code} |", flush=True)
    out = os.path.join(work, f"out-{n}")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    # the newest full year of the generated papers (gen.py: about max(2,000, N/80) papers a
    # year from 2016, the last year partly filled)
    per_year = max(2000, -(-n // 80)) + 38
    year = 2016 + max(0, n // per_year - 1)
    for name, cmd in commands(db, out, year):
        wall, cpu, mb, code = timed([binary, "-q"] + cmd)
        print(f"| {n} | {name} | {wall:.2f} | {cpu:.2f} | {mb:.0f} | {code} |", flush=True)
    size = os.path.getsize(os.path.join(out, "dash", "dashboard.html")) if os.path.exists(
        os.path.join(out, "dash", "dashboard.html")) else 0
    print(f"| {n} | (dashboard.html size) | | | {size / 1e6:.1f} MB file | |", flush=True)
