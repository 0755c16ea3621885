"""Attachment to SSU case 17/25: grant table with amounts in kr and a total row (bokmål)."""
from make import *  # noqa: F401,F403

NAME = "vedlegg-tilskudd-sak-17-25"
TITLE = "Vedlegg til sak 17/25 – rekrutterings- og samhandlingstilskudd 2025"
LANG = "nb"

GRANTS = T(
    ["Tiltak", "Søker", "Beløp"],
    [
        ["Kombinert sykepleierstilling mellom medisinsk avdeling og korttidsavdeling",
         "Kristiansund kommune og Kristiansund sjukehus", "kr 250 000"],
        ["Felles team for utskrivning av skrøpelige eldre i Romsdal",
         "Molde kommune, Hustadvika kommune og Molde sjukehus", "1 200 000 kr"],
        ["Ambulant team for barn og unge med sammensatte behov",
         "Ålesund kommune, Sula kommune og Ålesund sjukehus", "1,5 mill. kr"],
        ["Hospitering for helsesykepleiere i barneavdelingen",
         "Volda kommune og Ørsta kommune", "kr 180\u00a0000"],
        ["Felles kompetanseprogram i palliasjon på Søre Sunnmøre",
         "Ulstein kommune og Volda sjukehus", "kr 320 000,-"],
        ["**Sum**", "", "**3 450 000 kr**"],
    ],
    widths=[48, 36, 16],
    align=[None, None, "right"],
)


DOC = [
    P("**Vedlegg til sak 17/25**"),
    H("Rekrutterings- og samhandlingstilskudd 2025 – oversikt over søknader og innstilling", 1),
    F("Utvalg", "Strategisk samarbeidsutvalg"),
    F("Møtedato", "10.09.2025"),
    F("Utarbeidet av", "Arbeidsgruppen for tilskudd ved Petter Aasen Grytten"),
    H("Tiltak som innstilles", 2),
    P("Arbeidsgruppen innstiller på at følgende tiltak får tilskudd for 2025:"),
    GRANTS,
    H("Søknader som ikke innstilles", 2),
    T(
        ["Tiltak", "Søker", "Beløp"],
        [
            ["Velferdsteknologi i hjemmetjenesten", "Aure kommune", "kr 900 000"],
            ["Rekrutteringskampanje for legevakt", "Smøla kommune og Aure kommune", "kr 650 000"],
            ["Kurs i traumebevisst omsorg", "Sunndal kommune", "kr 450 000"],
            ["Ny stilling som forløpskoordinator", "Stranda kommune", "kr 700 000"],
            ["Sum", "", "2 700 000 kr"],
        ],
        widths=[48, 36, 16],
        align=[None, None, "right"],
    ),
    H("Begrunnelse", 2),
    P("Søknadene som ikke innstilles gjelder i hovedsak drift i én kommune, uten et forpliktende "
      "samarbeid med sykehuset. Arbeidsgruppen anbefaler at søkerne oppfordres til å søke på nytt i "
      "2026 sammen med en samarbeidspart."),
    P("Samlet søknadsbeløp var 6 150 000 kr. Disponibel ramme for 2025 er 3,6 mill. kr, og restbeløpet "
      "på kr 150 000 foreslås overført til utlysningen i 2026."),
]

GOLD = {
    "kind": "attachment",
    "committee": "re:(?i)strategisk samarbeidsutval|\\bSSU\\b",
    "amounts": [250000, 1200000, 1500000, 180000, 320000, 3450000,
                900000, 650000, 450000, 700000, 2700000],
    "tables": [table_gold(GRANTS)],
}
