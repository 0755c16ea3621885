#!/usr/bin/env python3
"""Writes N distinct committee papers for the scale benchmark (docs/performance.md, "Scale").

    python3 tools/scale/gen.py N OUTDIR

Invented wording (word lists below, combined at random; no sentence of a real paper), fixed seed:
the same N gives the same files. Committees of the built-in register, years 2016 onwards (about
2,000 papers a year; more a year past 160,000 papers, so every date is before 2100), per
committee and year meetings in date order:
- minutes (text; every 20th as DOCX) with 3-4 numbered cases, decision points with deadlines
  (`innen 15.03.2021`), some cases following up an earlier case (`Oppfølging av sak 4/21`),
  now and then one of another committee (`jf. vedtak i SSU sak 12/21`);
- case papers (saksframlegg) with a proposal;
- one action plan per FSU and year (a tab table with status colours and a `Status per` date).
"""
import datetime
import os
import random
import sys
import zipfile
from xml.sax.saxutils import escape

N = int(sys.argv[1])
OUT = sys.argv[2]
random.seed(20261207)

COMMITTEES = [
    ("SSU", "Strategisk samarbeidsutvalg"),
    ("LSU-KRISTIANSUND", "LSU Kristiansund"),
    ("LSU-MOLDE", "LSU Molde"),
    ("LSU-ALESUND", "LSU Ålesund"),
    ("LSU-VOLDA", "LSU Volda"),
    ("FSU-BARN", "FSU Barn og unge"),
    ("FSU-MULTISYKE", "FSU Multisyke, stormottaker og palliasjon"),
    ("FSU-AKUTT", "FSU Akuttmedisinsk kjede"),
    ("FSU-REHAB", "FSU Rehabilitering"),
    ("FSU-BEHANDLER", "FSU Behandlersamarbeid"),
    ("FSU-BEREDSKAP", "FSU Helseberedskap"),
    ("FSU-PSYK", "FSU Psykisk helse og rus"),
    ("FSU-IKT", "FSU IKT"),
    ("FSU-FODSEL", "FSU Svangerskap, fødsel og barselomsorg"),
    ("FSU-VAKSENHAB", "FSU Vaksenhabilitering"),
    ("FSU-KUNNSKAP", "FSU Kunnskap, forskning, utdanning"),
    ("FSU-FOREBYGGING", "FSU Helsefremming og forebygging"),
    ("ASU", "Administrativt samarbeidsutvalg"),
]
FSUS = [c for c in COMMITTEES if c[0].startswith("FSU")]

SUBJECTS = ("utvalget sekretariatet arbeidsgruppen kommunene helseforetaket klinikken "
            "koordinatoren fagrådet prosjektgruppen leder").split()
VERBS = ("utreder lager oppdaterer vurderer sender kartlegger beskriver evaluerer "
         "forbereder samordner").split()
OBJECTS = ("en felles rutine for utskriving|en plan for opplæring av ansatte|et forslag til "
           "samarbeidsavtale|en oversikt over ventetider|et notat om digital oppfølging|en "
           "rapport om avvik|et opplegg for hospitering|en veileder for koordinerende enhet|"
           "en status for pasientforløpet|et budsjett for neste år|en vurdering av "
           "legevaktsamarbeidet|et forslag om felles kompetansetiltak").split("|")
TOPICS = ("utskrivingsklare pasienter|legevakt og akuttberedskap|digital hjemmeoppfølging|"
          "kompetanseplan|avviksmeldinger|pakkeforløp|ventetider i poliklinikk|"
          "koordinerende enhet|hospitering|brukermedvirkning|tverrfaglige team|"
          "samhandlingsavvik|felles journal|rehabiliteringstilbudet|jordmortjenesten|"
          "beredskapsøvelse|fastlegeordningen|ernæring hos eldre|barnekoordinator|"
          "rusomsorg").split("|")
PLACES = ["Teams", "Molde rådhus", "Ålesund sjukehus", "Kristiansund kulturhus", "Volda kommunehus"]
FIRST = "Anne Bjørn Cecilie Dag Eli Frode Gunn Hans Ingrid Jon Kari Lars Marit Nils Oddny Per Randi Siv Tor Unni".split()
LAST = "Aasen Berg Dahl Eide Fjørtoft Gjerde Hoel Ivarsen Lien Myklebust Nakken Opsal Rønning Sætre Tangen Vik".split()


def person():
    return f"{random.choice(FIRST)} {random.choice(LAST)}"


def sentence():
    return f"{random.choice(SUBJECTS).capitalize()} {random.choice(VERBS)} {random.choice(OBJECTS)}"


def dmy(y, m, d):
    return f"{d:02}.{m:02}.{y}"


def docx(path, lines):
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' for line in lines
    )
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body>{body}</w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", doc)


written = 0


def write(name, lines, as_docx=False):
    global written
    if written >= N:
        return
    d = os.path.join(OUT, name.split("/")[0])
    os.makedirs(d, exist_ok=True)
    path = os.path.join(OUT, name)
    if as_docx:
        docx(path + ".docx", [l for l in lines if l])
    else:
        with open(path + ".txt", "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    written += 1


def minutes(code, name, y, m, d, cases, as_docx):
    lines = ["MØTEPROTOKOLL", "", f"Utvalg: {name}", "", f"Møtested: {random.choice(PLACES)}", "",
             f"Møtedato: {dmy(y, m, d)} kl. 09.00 – 12.00", "",
             f"Til stede: {', '.join(person() for _ in range(5))}", "", f"Referent: {person()}", ""]
    for seq, title, points, _ in cases:
        lines += [f"Sak {seq}/{y % 100:02} {title}", "", "Vedtak", ""]
        lines += [f"{i + 1}. {p}" for i, p in enumerate(points)]
        lines += ["", "Enstemmig.", ""]
    write(f"{code.lower()}/{y}-{m:02}-{d:02}-protokoll", lines, as_docx)


def case_paper(code, name, y, m, d, seq, title, points):
    lines = ["SAKSFRAMLEGG", "", f"Utvalg: {name}", "", f"Møtedato: {dmy(y, m, d)}", "",
             f"Saksbehandler: {person()}", "", f"Sak {seq}/{y % 100:02} {title}", "", "Bakgrunn", "",
             f"{sentence()} for {random.choice(TOPICS)}. {sentence()}.", "", "Forslag til vedtak", ""]
    lines += [f"{i + 1}. {p}" for i, p in enumerate(points)]
    write(f"{code.lower()}/{y}-{m:02}-{d:02}-sak-{seq:02}", lines)


STATUS = ["grønn", "gul", "rød"]


def plan(code, name, y):
    lines = [f"Handlingsplan for {name} {y}", "", f"Utvalg: {name}", "",
             f"Status per: {dmy(y, 9, random.randint(1, 28))}", "", "Mål, tiltak og status", "",
             "Mål\tTiltak\tAnsvar\tFrist\tStatus\tKommentar"]
    for g in range(1, 4):
        goal = f"{g}. {random.choice(TOPICS).capitalize()}"
        for k in range(random.randint(2, 4)):
            lines.append("\t".join([goal, f"{sentence()} ({code} {y}-{g}.{k})", person(),
                                    dmy(y + 1, random.randint(1, 12), random.randint(1, 28)),
                                    random.choice(STATUS), random.choice(["", "Arbeid pågår", "Avventer midler"])]))
    write(f"{code.lower()}/{y}-handlingsplan", lines)


ROUTINE = ["Innkalling og saksliste godkjennes.", "Protokoll fra forrige møte godkjennes."]
NOTED = ["Saken tas til orientering.", "Utvalget tar orienteringen til etterretning."]
RESOLVED = ["Utvalget slutter seg til forslaget om {}.", "Utvalget støtter arbeidet med {}.",
            "Midlene til {} fordeles som foreslått."]


def main():
    y = 2016
    pending = {code: [] for code, _ in COMMITTEES}  # action cases not yet followed up
    while written < N:
        for code, name in FSUS:
            plan(code, name, y)
        # meetings a year per committee: about 2,000 papers a year, more when N needs more than
        # 80 years (dates and two-digit case years stay before 2100)
        per_year = max(2000, -(-N // 80))
        per_committee = max(1, (per_year - len(FSUS)) // (len(COMMITTEES) * 5 // 4))
        for code, name in COMMITTEES:
            seq = 0
            days = sorted(random.sample(range(10, 350), per_committee))
            for day in days:
                date = datetime.date(y, 1, 1) + datetime.timedelta(days=day)
                m, d = date.month, date.day
                seq += 1
                cases = [(seq, "Godkjenning av innkalling, saksliste og protokoll", ROUTINE, None)]
                # follow-ups of earlier action cases (most are followed up at a later meeting)
                for prev in list(pending[code][:2]):
                    pending[code].remove(prev)
                    if random.random() < 0.9:
                        seq += 1
                        pseq, pyear = prev
                        title = f"Oppfølging av sak {pseq}/{pyear % 100:02} – {random.choice(TOPICS)}"
                        cases.append((seq, title, [random.choice(NOTED)], None))
                for _ in range(random.randint(1, 3)):
                    seq += 1
                    kind = random.random()
                    topic = random.choice(TOPICS)
                    if kind < 0.3:
                        cases.append((seq, f"Orientering om {topic}", [random.choice(NOTED)], None))
                    elif kind < 0.55:
                        cases.append((seq, f"{topic.capitalize()}", [random.choice(RESOLVED).format(topic)], None))
                    else:
                        points = []
                        for _ in range(random.randint(1, 3)):
                            dl = date + datetime.timedelta(days=random.randint(20, 150))
                            points.append(f"{sentence()} innen {dmy(dl.year, dl.month, dl.day)}.")
                        if random.random() < 0.05:
                            other = random.choice(COMMITTEES)[0].split("-")[0]
                            points.append(
                                f"Saken ses i sammenheng med vedtak i {other} sak {random.randint(1, 30)}/{y % 100:02}.")
                        cases.append((seq, f"{topic.capitalize()} – {random.choice(OBJECTS)}", points, None))
                        pending[code].append((seq, y))
                # every fourth meeting's last case also as a case paper (a paper of its own)
                if random.random() < 0.25:
                    c = cases[-1]
                    case_paper(code, name, y, m, d, c[0], c[1], c[2])
                minutes(code, name, y, m, d, cases, random.random() < 0.05)
        y += 1
    print(f"{written} papers in {OUT}")


main()
