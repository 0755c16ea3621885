"""Action plan for FSU Psykisk helse og rus 2025–2027 in nynorsk, with a status table whose Status
cells are shaded (grønn/gul/raud) and a comment column."""
from make import *  # noqa: F401,F403

NAME = "fsu-psykisk-helse-rus-handlingsplan-2025"
TITLE = "Handlingsplan for FSU Psykisk helse og rus 2025–2027"
HEADER = "Helsefellesskap Møre og Romsdal – FSU Psykisk helse og rus"
LANDSCAPE = True
LANG = "nn"

STATUS_TABLE = T(
    ["Mål", "Delmål", "Tiltak", "Ansvar", "Frist", "Status", "Kommentar"],
    [
        ["1. Samanhengande tenester ved overgangar",
         "1.1 Felles utskrivingssamtale",
         "Innføre samtale med kommunen før utskriving frå døgnpost",
         "Klinikk for psykisk helse og rus / kommunane", "01.06.2025", S("grønn"),
         "Innført ved alle døgnpostar"],
        ["1. Samanhengande tenester ved overgangar",
         "1.2 Pakkeforløp",
         "Felles opplæring i pakkeforløp for psykisk helse og rus",
         "Kompetansesenteret, Ålesund kommune og Volda kommune", "31.12.2025", S("gul"),
         "To av fire samlingar haldne"],
        ["2. Betre tilbod til personar med samtidig rus og psykisk liding",
         "2.1 ROP-team",
         "Utgreie felles ROP-team for Nordmøre",
         "LSU Kristiansund", "01.03.2026", S("raud"),
         "Manglar finansiering"],
        ["2. Betre tilbod til personar med samtidig rus og psykisk liding",
         "2.2 FACT",
         "Vidareføre FACT-team i Molde og Ålesund",
         "Helse Møre og Romsdal HF og vertskommunane", "31.12.2027", S("grønn"),
         ""],
        ["3. Brukarmedverknad",
         "3.1 Erfaringskonsulentar",
         "Tilsetje erfaringskonsulent i kvar LSU-region",
         "Kommunane", "31.12.2026", S("gul"),
         "Tilsett i Molde og Kristiansund"],
    ],
    widths=[18, 17, 21, 16, 9, 7, 12],
)


DOC = [
    H("Handlingsplan for FSU Psykisk helse og rus 2025–2027", 1),
    F("Utval", "FSU Psykisk helse og rus"),
    F("Vedteken", "FSU Psykisk helse og rus 19.02.2025, sak 03/25"),
    F("Status per", "01.09.2025"),
    F("Leiar", "Håkon Vike Strand"),
    H("Føremål", 2),
    P("Planen skal sikre at personar med psykiske lidingar og rusproblem får heilskaplege og "
      "samanhengande tenester, og at kommunane og Helse Møre og Romsdal HF arbeider etter felles mål."),
    P("Statuskolonna er farga etter trafikklysmodellen: **grønn** = gjennomført eller i rute, "
      "**gul** = forseinka eller delvis gjennomført, **raud** = ikkje starta eller stoppa opp."),
    H("Mål, tiltak og status", 2),
    STATUS_TABLE,
    H("Vidare arbeid", 2),
    OL(
        "Utvalet følgjer opp tiltak 2.1 i møte 22.10.2025.",
        "Revidert plan vert send SSU innan 15.10.2025, jf. vedtak i SSU sak 15/25.",
    ),
]

GOLD = {
    "kind": "action_plan",
    "committee": "re:(?i)psykisk helse|FSU-PSYK",
    "plan_measures": [item["measure"] for item in plan(STATUS_TABLE)],
    "plan_items": plan(STATUS_TABLE),
    "tables": [table_gold(STATUS_TABLE)],
    "not_case_numbers": [{"seq": 2025, "year": 2027}],
}
