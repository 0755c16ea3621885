"""Action plan for FSU Barn og unge 2025–2027 with a traffic-light status table (bokmål)."""
from make import *  # noqa: F401,F403

NAME = "fsu-barn-unge-handlingsplan-2025"
TITLE = "Handlingsplan for FSU Barn og unge 2025–2027"
HEADER = "Helsefellesskap Møre og Romsdal – FSU Barn og unge"
LANDSCAPE = True
LANG = "nb"
MD_HEADINGS = True

STATUS_TABLE = T(
    ["Mål", "Delmål", "Tiltak", "Ansvar", "Frist", "Status"],
    [
        ["1. Barn og unge med sammensatte behov får koordinerte tjenester",
         "1.1 Felles forløp for barn med kronisk sykdom",
         "Utarbeide felles forløpsbeskrivelse for barn med diabetes type 1",
         "Barneavdelingen Ålesund / Ålesund kommune", "01.06.2025", S("grønn")],
        [None, "1.2 Koordinator i alle kommuner",
         "Kartlegge hvilke kommuner som mangler fast koordinator for barn med habiliteringsbehov",
         "Sekretariatet", "31.10.2025", S("gul")],
        [None, "1.3 Digital plan for samarbeid",
         "Prøve ut digital individuell plan i to kommuner",
         "FSU IKT og FSU Barn og unge", "31.12.2025", S("rød")],
        ["2. Tidlig innsats for barn i familier med psykisk sykdom eller rus",
         "2.1 Barneansvarlig personell",
         "Felles opplæring for barneansvarlige i sykehus og kommuner",
         "BUP Molde, Molde kommune, Hustadvika kommune", "15.03.2026", S("grønn")],
        [None, "2.2 Oppfølging etter innleggelse",
         "Rutine for varsling av helsestasjon når en forelder innlegges",
         "Klinikk for psykisk helse og rus", "01.09.2025", S("gul")],
        ["3. Trygg overgang fra barne- til voksentjenester",
         "3.1 Transisjon",
         "Innføre transisjonsprogram for ungdom 16–18 år ved alle sykehusene",
         "Helse Møre og Romsdal HF", "31.12.2026", S("gul")],
        [None, "3.2 Brukermedvirkning",
         "Etablere ungdomsråd som gir innspill til utvalgets arbeid",
         "Leder FSU Barn og unge", "01.02.2026", S("rød")],
    ],
    widths=[22, 18, 26, 16, 9, 9],
    rowspans={(0, 0): 3, (3, 0): 2, (5, 0): 2},
)


DOC = [
    H("Handlingsplan for FSU Barn og unge 2025–2027", 1),
    F("Utvalg", "FSU Barn og unge, Helsefellesskap Møre og Romsdal"),
    F("Vedtatt", "FSU Barn og unge 04.03.2025, sak 04/25"),
    F("Statusrapport per", "29.08.2025"),
    F("Kontaktperson", "Solfrid Hoem Aarflot, leder FSU Barn og unge"),
    H("Formål", 2),
    P("Handlingsplanen beskriver hvordan FSU Barn og unge vil bidra til at barn og unge med behov for "
      "tjenester fra både kommune og sykehus får sammenhengende og trygge forløp. Planen følger "
      "målene i felles handlingsplan for helsefellesskapet og revideres hvert år."),
    H("Fargekoder for status", 2),
    UL(
        "**grønn** – gjennomført eller i rute",
        "**gul** – forsinket eller delvis gjennomført",
        "**rød** – ikke startet eller stoppet opp",
    ),
    H("Mål, tiltak og status", 2),
    STATUS_TABLE,
    H("Kommentarer til status", 2),
    P("Tiltak 1.3 er satt på vent til FSU IKT har avklart hvilken løsning for digital plan som skal brukes "
      "i fylket. Tiltak 3.2 mangler fortsatt en ansvarlig koordinator; saken meldes til SSU."),
    P("Oppfølging sak 04/25: utvalget rapporterer neste gang i møte 12.11.2025."),
]

GOLD = {
    "kind": "action_plan",
    "committee": "re:(?i)barn og unge|FSU-BARN",
    "plan_measures": [item["measure"] for item in plan(STATUS_TABLE)],
    "plan_items": plan(STATUS_TABLE),
    "tables": [table_gold(STATUS_TABLE)],
    "not_case_numbers": [{"seq": 2025, "year": 2027}],
}
