#!/usr/bin/env bash
# Byte-identical check of every document a saksflyt binary writes from a set of corpora.
# usage: tools/scale/golden.sh BINARY OUTDIR [CORPUS...]
# Writes OUTDIR/<corpus>/... ; compare two OUTDIRs with `diff -r` (the store itself is left out).
set -u
bin=$(readlink -f "$1"); out=$2; shift 2
corpora=("$@")
[ ${#corpora[@]} -eq 0 ] && corpora=(samples)
rm -rf "$out"; mkdir -p "$out"
for c in "${corpora[@]}"; do
  name=$(echo "$c" | tr '/.' '__')
  d="$out/$name"; mkdir -p "$d"
  "$bin" run "$c" --out "$d/run" >"$d/run.stdout" 2>"$d/run.stderr"; echo "run $?" >>"$d/codes"
  db="$d/run/saksflyt.db"
  "$bin" run "$c" --out "$d/run" --lang nn >/dev/null 2>&1 || true
  mkdir -p "$d/nn"; cp "$d/run/"*.docx "$d/run/dashboard.html" "$d/nn/" 2>/dev/null
  "$bin" run "$c" --out "$d/run" >/dev/null 2>&1 || true
  "$bin" log --db "$db" --json >"$d/log.json" 2>&1; echo "log $?" >>"$d/codes"
  "$bin" log --db "$db" --open --json >"$d/log-open.json" 2>&1
  "$bin" log --db "$db" >"$d/log.txt" 2>&1
  "$bin" export --db "$db" --jsonl "$d/export.jsonl" >/dev/null 2>&1
  for cm in FSU-BARN SSU ASU LSU-MOLDE psyk; do
    "$bin" log --db "$db" --committee "$cm" --json >"$d/log-$cm.json" 2>&1
    "$bin" status-report --db "$db" --committee "$cm" --empty --out "$d/status-$cm.docx" >/dev/null 2>&1; echo "status $cm $?" >>"$d/codes"
    "$bin" decision-log --db "$db" --committee "$cm" --out "$d/dlog-$cm.docx" >/dev/null 2>&1; echo "dlog $cm $?" >>"$d/codes"
  done
  "$bin" status-report --db "$db" --out "$d/status.docx" >"$d/status.out" 2>&1
  "$bin" decision-log --db "$db" --open --out "$d/dlog-open.docx" >/dev/null 2>&1
  "$bin" decision-log --db "$db" --out "$d/dlog.docx" >/dev/null 2>&1
  for y in 2023 2024 2025 2026; do
    "$bin" annual-report --db "$db" --year $y --out "$d/annual-$y.docx" >"$d/annual-$y.out" 2>&1; echo "annual $y $?" >>"$d/codes"
    "$bin" evaluation --db "$db" --year $y --out "$d/eval-$y" >"$d/eval-$y.out" 2>&1; echo "eval $y $?" >>"$d/codes"
    "$bin" evaluation --db "$db" --year $y --empty --out "$d/evalE-$y" >/dev/null 2>&1
  done
  "$bin" dashboard --db "$db" --out "$d/dash" >/dev/null 2>&1; echo "dash $?" >>"$d/codes"
  "$bin" dashboard --db "$db" --lang nn --out "$d/dash-nn" >/dev/null 2>&1
  "$bin" dashboard --records "$d/run/records.jsonl" --out "$d/dash-rec" >/dev/null 2>&1
  "$bin" status-report --records "$d/run/records.jsonl" --out "$d/status-rec.docx" >/dev/null 2>&1
  for k in evaluation status-report decision-log annual-report; do
    "$bin" templates context --doc $k --db "$db" >"$d/ctx-$k.json" 2>&1
  done
  # the store path differs per output folder: normalise it in captured text
  sed -i -e "s#$out#OUT#g" -e "s# in [0-9.]* s# in N s#g" "$d"/*.out "$d"/*.stdout "$d"/*.stderr "$d"/*.txt 2>/dev/null
  rm -f "$db" "$db"-wal "$db"-shm
done
