#!/usr/bin/env python3
"""Writes a synthetic store of 20,000 minutes (18 committees, 2016-2025, meetings in date order with
3 cases of 3 points each, deadlines 1-6 months ahead, 90 % of points following up a case of an
earlier meeting) plus a plan and an evaluation form per FSU and year, as
records JSON Lines, for the dashboard size/speed check (docs/dashboard.md):
    python3 tools/dashboard_scale.py OUT.jsonl && saksflyt dashboard --records OUT.jsonl --out DIR
Invented data; fixed seed, so the same file every time."""
import datetime, json, random, sys
random.seed(7)
comms = [("SSU","Strategisk samarbeidsutvalg"),("PM","Partnerskapsmøtet")] + \
  [(c,c) for c in ["LSU-KRISTIANSUND","LSU-MOLDE","LSU-ALESUND","LSU-VOLDA"]] + \
  [(c,c) for c in ["FSU-BARN","FSU-MULTISYKE","FSU-AKUTT","FSU-REHAB","FSU-BEHANDLER","FSU-BEREDSKAP","FSU-PSYK","FSU-IKT","FSU-FODSEL","FSU-VAKSENHAB","FSU-KUNNSKAP","FSU-FOREBYGGING"]]
words = "tiltak rutine samarbeid kommune sykehus pasient forløp plan oppfølging koordinator opplæring rapport evaluering tjeneste behandling".split()
out = open(sys.argv[1],"w")
n = 0
def src(path): return {"path": path, "format": "docx", "sha256": "%064x" % random.getrandbits(256)}
years = list(range(2016, 2026))
per_year = -(-20000 // (len(comms) * len(years)))  # meetings per committee and year
def add_months(y, m, k):
    m += k
    return y + (m - 1) // 12, (m - 1) % 12 + 1
for code, name in comms:
    for y in years:
        # meetings in date order; case numbers grow with the date, as a secretariat numbers them
        days = sorted(random.sample(range(1, 360), per_year))
        seq = 0
        for day in days:
            if n >= 20000: break
            dt = datetime.date(y, 1, 1) + datetime.timedelta(days=day)
            m = dt.month
            date = dt.isoformat()
            first = seq + 1
            cases = []
            for k in range(3):
                seq += 1
                pts = []
                for p in range(3):
                    dy, dm = add_months(y, m, random.randint(1, 6))
                    dl = f"{dy}-{dm:02}-{random.randint(1, 28):02}"
                    text = " ".join(random.choice(words) for _ in range(8)) + f" innan {dl}"
                    pt = {"label": f"{p+1}.", "text": text, "placeholder": False, "children": [], "deadline": dl,
                          "at": {"block": 10 + p}}
                    if first > 3 and random.random() < 0.9:
                        prev = random.randint(max(1, first - 9), first - 1)  # a case of an earlier meeting
                        pt["follows_up"] = [{"case": {"seq": prev, "year": y, "as_written": f"sak {prev}/{y%100:02}"},
                                             "context": f"Oppfølging av sak {prev}/{y%100:02}"}]
                    pts.append(pt)
                cases.append({"number": {"seq": seq, "year": y, "as_written": f"Sak {seq}/{y%100:02}"},
                              "title": " ".join(random.choice(words) for _ in range(5)), "committee": {"code": code, "name": name},
                              "date": date, "owners": [], "officers": [], "proposal": [], "decision": pts,
                              "references": [], "attachments": [], "sections": []})
            rec = {"schema_version": 2, "source": src(f"papers/{code.lower()}/{date}-{n}.docx"), "kind": "minutes",
                   "language": "nb", "committee": {"code": code, "name": name},
                   "meeting": {"date": date, "start": None, "end": None, "place": None},
                   "agenda": [], "cases": cases, "plans": [], "tables": [], "warnings": [], "attachment_of": None}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n"); n += 1
# plans: one version per FSU per year with a status date, plus a form each autumn
st = ["green", "yellow", "red"]
for code, name in comms:
    if not code.startswith("FSU"): continue
    for y in years:
        items = [{"goal": f"{g+1}. Mål {g+1}", "measure": f"Tiltak {g+1}.{i+1} for {code.lower()} " + words[(g*3+i) % len(words)],
                  "status": random.choice(st), "status_text": None, "responsible": "Sekretariatet", "deadline": f"{y}-12-31",
                  "at": {"block": 12}} for g in range(3) for i in range(4)]
        plan = {"title": f"Handlingsplan {code}", "period": {"from": y, "to": y + 2}, "owner": None, "items": items, "status_date": f"{y}-03-01"}
        rec = {"schema_version": 2, "source": src(f"papers/{code.lower()}/plan-{y}.docx"), "kind": "action_plan", "language": "nb",
               "committee": {"code": code, "name": name}, "meeting": None, "agenda": [], "cases": [], "plans": [plan],
               "tables": [], "warnings": [], "attachment_of": None}
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        form_items = [{"goal": it["goal"], "measure": it["measure"], "status": random.choice(st), "status_text": None,
                       "responsible": None, "deadline": None} for it in items]
        form = {"title": f"Evaluering {code} {y}", "period": None, "owner": None, "items": form_items, "status_date": f"{y}-11-15",
                "form": {"meeting_date": f"{y}-11-15", "case": None}}
        rec = {"schema_version": 2, "source": src(f"papers/{code.lower()}/evaluering-{y}.docx"), "kind": "other", "language": "nb",
               "committee": {"code": code, "name": name}, "meeting": None, "agenda": [], "cases": [], "plans": [form],
               "tables": [], "warnings": [], "attachment_of": None}
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
