"""Partnerskapsmøtet case paper in nynorsk with `Innstilling frå SSU` and the SSU decision it builds
on (Vedtak i SSU sak 23/25)."""
from make import *  # noqa: F401,F403

NAME = "partnerskapsmotet-saksframlegg-sak-05-25"
TITLE = "Saksframlegg Partnerskapsmøtet sak 05/25"
HEADER = "Helsefellesskap Møre og Romsdal – Partnerskapsmøtet 05.12.2025"
LANG = "nn"

DOC = [
    CASE("05/25", "Felles handlingsplan 2026 for Helsefellesskap Møre og Romsdal", "05.12.2025",
         owners=["Ingvild Sætre"], officers=["Hanne Moldstad Ravn"], refs=["23/25"]),
    H("SAKSFRAMLEGG", 1),
    P("Sak: 05/25 **Felles handlingsplan 2026 for Helsefellesskap Møre og Romsdal**"),
    F("Utval", "Partnerskapsmøtet"),
    F("Dato", "05.12.2025"),
    F("Saksansvarleg", "Ingvild Sætre, leiar i Strategisk samarbeidsutval"),
    F("Sakshandsamar", "Hanne Moldstad Ravn"),
    H("Innstilling frå Strategisk samarbeidsutval", 2),
    PROPOSAL(
        "Partnerskapsmøtet godkjenner felles handlingsplan 2026 for Helsefellesskap Møre og Romsdal.",
        ("Partnerskapsmøtet ber partane om å:", A(
            "setje av ressursar til dei tiltaka dei har ansvar for",
            "rapportere status til SSU to gonger i året, innan 15.05.2026 og 15.11.2026",
        )),
        "Partnerskapsmøtet ber om ei samla evaluering av handlingsplanen i møte 04.12.2026.",
    ),
    H("Vedlegg", 2),
    ATTACH(
        "Felles handlingsplan 2026 (utkast)",
        "Protokoll frå SSU 12.11.2025",
    ),
    H("Bakgrunn", 2),
    P("Strategisk samarbeidsutval handsama status for felles handlingsplan 12.11.2025. Vedtak i SSU sak "
      "23/25:"),
    OL(
        "*SSU tar status for felles handlingsplan til orientering.*",
        ("*SSU ber FSU Helseberedskap og FSU IKT om å:*", A(
            "*levere revidert handlingsplan innen 15.12.2025*",
            "*beskrive hvilke tiltak som er avhengige av regionale IKT-prosjekter*",
        )),
        "*SSU ber sekretariatet legge fram forslag til felles handlingsplan for 2026 i møte 11.02.2026.*",
    ),
    P("Partnerskapsmøtet er det øvste organet i helsefellesskapet, med politisk leiing frå kommunane, "
      "leiinga i Helse Møre og Romsdal HF og representantar for brukarar og fastlegar. Møtet skal "
      "godkjenne den felles handlingsplanen kvart år."),
    H("Vurdering", 2),
    P("Handlingsplanen for 2026 har færre og meir konkrete tiltak enn tidlegare planar. Kvart tiltak har "
      "ein ansvarleg part og ein frist, og status vert rapportert med fargekodar (grønn, gul, raud). "
      "SSU meiner planen gjev eit godt grunnlag for å følgje opp arbeidet i dei faglege "
      "samarbeidsutvala."),
]

GOLD = {
    "kind": "case_paper",
    "committee": "re:(?i)partnerskapsmøte|\\bPM\\b",
    "not_case_numbers": [],
}
