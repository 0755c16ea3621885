"""FSU Rehabilitering minutes (nynorsk): Handsaming, Vedtak, Samrøystes, a follow-up case
(Oppfølging sak 06/25, Vedtak til sak 06/25) and deadlines."""
from make import *  # noqa: F401,F403

NAME = "fsu-rehabilitering-protokoll-2025-10-02"
TITLE = "Møteprotokoll FSU Rehabilitering 02.10.2025"
HEADER = "Helsefellesskap Møre og Romsdal – FSU Rehabilitering"
LANG = "nn"

DOC = [
    H("MØTEPROTOKOLL", 1),
    F("Utval", "FSU Rehabilitering"),
    F("Møtestad", "Teams"),
    F("Møtedato", "02.10.2025 kl. 12.00 – 15.00"),
    F("Til stades", "Liv Oterhals (leiar), Gaute Myklebust, Ragnhild Skeide, Per Arne Sylte, "
      "Tove Hareide Fiskerstrand, Jorunn Kleive (brukarrepresentant)"),
    F("Forfall", "Ola Midtbø"),
    F("Referent", "Ingebjørg Vatne, sekretariatet"),
    # ------------------------------------------------------------------ 10/25
    CASE("10/25", "Godkjenning av innkalling og saksliste", "02.10.2025", refs=[]),
    H("Sak 10/25 Godkjenning av innkalling og saksliste", 2),
    H("Vedtak", 3),
    DECISION("Innkalling og saksliste vert godkjend."),
    P("Samrøystes."),
    # ------------------------------------------------------------------ 11/25
    CASE("11/25", "Oppfølging sak 06/25 – kartlegging av rehabiliteringstilbodet i kommunane", "02.10.2025", refs=['06/25']),
    H("Sak 11/25 Oppfølging sak 06/25 – kartlegging av rehabiliteringstilbodet i kommunane", 2),
    P("Vedtak til sak 06/25 (FSU Rehabilitering 05.06.2025):"),
    OL(
        "*FSU Rehabilitering ber sekretariatet kartleggje rehabiliteringstilbodet i alle kommunane.*",
        "*Kartlegginga vert lagd fram i møte 02.10.2025.*",
    ),
    H("Handsaming", 3),
    P("Ingebjørg Vatne presenterte kartlegginga. 22 av 26 kommunar har svart. Få kommunar har eige "
      "team for kvardagsrehabilitering, og ventetida på institusjonsrehabilitering varierer mykje."),
    H("Vedtak", 3),
    DECISION(
        "FSU Rehabilitering tek kartlegginga til vitande.",
        ("FSU Rehabilitering ber sekretariatet:", A(
            "purre på svar frå dei fire kommunane som ikkje har svart, innan 15.10.2025",
            ("lage ei oppsummering til LSU-ane med tilrådingar om:", ROMAN(
                "kvardagsrehabilitering",
                "koordinerande eining og tildeling av plass",
            )),
        )),
        "Utvalet tek stilling til vidare tiltak i møte 12.11.2025.",
    ),
    P("Samrøystes."),
    # ------------------------------------------------------------------ 12/25
    CASE("12/25", "Innspel til felles handlingsplan 2026", "02.10.2025", refs=[]),
    H("Sak 12/25 Innspel til felles handlingsplan 2026", 2),
    H("Handsaming", 3),
    P("Utvalet drøfta kva for tiltak som skal meldast inn til felles handlingsplan. Gaute Myklebust "
      "gjorde framlegg om å ta inn eit tiltak om digital heimeoppfølging etter hjerneslag."),
    H("Vedtak", 3),
    DECISION(
        ("FSU Rehabilitering melder inn følgjande tiltak til felles handlingsplan 2026:", UL(
            "felles forløp for rehabilitering etter hjerneslag",
            "digital heimeoppfølging etter utskriving",
            "hospitering mellom kommunale terapeutar og sjukehuset",
        )),
        "Leiar sender innspelet til sekretariatet for SSU innan 15.10.2025.",
    ),
    P("Samrøystes vedteke."),
    # ------------------------------------------------------------------ 13/25
    CASE("13/25", "Eventuelt", "02.10.2025", refs=[]),
    H("Sak 13/25 Eventuelt", 2),
    P("Ingen saker."),
]

GOLD = {
    "kind": "minutes",
    "committee": "re:(?i)rehabilitering|FSU-REHAB",
    "meeting": {"date": "2025-10-02", "start": "12:00", "end": "15:00"},
    "not_case_numbers": [],
}
