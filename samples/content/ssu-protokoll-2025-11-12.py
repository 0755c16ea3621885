"""SSU minutes 12.11.2025 (bokmål): adopted decisions (Vedtak) with votes, follow-up of cases from
10.09.2025 (Oppfølging sak 15/25, Vedtak til sak 17/25) and deadlines."""
from make import *  # noqa: F401,F403

NAME = "ssu-protokoll-2025-11-12"
TITLE = "Møteprotokoll Strategisk samarbeidsutvalg 12.11.2025"
HEADER = "Helsefellesskap Møre og Romsdal – protokoll SSU 12.11.2025"
LANG = "nb"

DOC = [
    H("MØTEPROTOKOLL", 1),
    F("Utvalg", "Strategisk samarbeidsutvalg"),
    F("Møtested", "Ålesund sjukehus, auditoriet / Teams"),
    F("Møtedato", "12.11.2025 kl. 09.00 – 13.00"),
    F("Til stede", "Ingvild Sætre (leder), Torbjørn Eide Lassen (nestleder), Silje Vatne Holm, "
      "Arnfinn Tøsse, Live Brekken Øye, Randi Kvalsund, Sondre Havik, Kjellaug Ørstavik, Bård Ulstein"),
    F("Forfall", "Eirik Hjelle, Marte Ulvestad"),
    F("Fra sekretariatet", "Hanne Moldstad Ravn, Petter Aasen Grytten"),
    F("Protokollfører", "Hanne Moldstad Ravn"),
    # ------------------------------------------------------------------ 22/25
    CASE("22/25", "Godkjenning av innkalling og sakliste", "12.11.2025", refs=[]),
    H("Sak: 22/25 Godkjenning av innkalling og sakliste", 2),
    H("Behandling", 3),
    P("Leder meldte én sak til eventuelt: orientering om nasjonal helse- og samhandlingsplan."),
    H("Vedtak:", 3),
    DECISION(
        "Innkallingen og saklisten godkjennes.",
        "Protokoll fra møtet 10.09.2025 godkjennes.",
    ),
    P("Enstemmig vedtatt."),
    # ------------------------------------------------------------------ 23/25
    CASE("23/25", "Oppfølging sak 15/25 – status felles handlingsplan", "12.11.2025", refs=['15/25']),
    H("Sak: 23/25 Oppfølging sak 15/25 – status felles handlingsplan", 2),
    P("Vedtak til sak 15/25 (SSU 10.09.2025):"),
    OL(
        "*SSU tar statusrapportene fra de faglige samarbeidsutvalgene til orientering.*",
        ("*SSU ber lederne i FSU-ene om å:*", A(
            "*avslutte tiltak med grønn status og melde dem som gjennomført i handlingsplanen*",
            "*legge fram en revidert plan for tiltak med rød status innen 15.10.2025*",
        )),
        "*SSU ber sekretariatet samle oppdatert status for alle FSU-er og legge den fram i møte "
        "12.11.2025.*",
    ),
    H("Behandling", 3),
    P("Torbjørn Eide Lassen orienterte om samlet status. Ti av tolv FSU-er har levert revidert plan. "
      "FSU Helseberedskap og FSU IKT har fått utsatt frist. I drøftingen ble det pekt på at mange "
      "tiltak med rød status gjelder digitale løsninger som FSU-ene ikke selv rår over."),
    H("Vedtak:", 3),
    DECISION(
        "SSU tar status for felles handlingsplan til orientering.",
        ("SSU ber FSU Helseberedskap og FSU IKT om å:", A(
            "levere revidert handlingsplan innen 15.12.2025",
            "beskrive hvilke tiltak som er avhengige av regionale IKT-prosjekter",
        )),
        "SSU ber sekretariatet legge fram forslag til felles handlingsplan for 2026 i møte 11.02.2026.",
    ),
    P("Enstemmig vedtatt."),
    # ------------------------------------------------------------------ 24/25
    CASE("24/25", "Oppfølging sak 17/25 – kriterier for rekrutterings- og samhandlingstilskudd 2026", "12.11.2025", refs=['17/25']),
    H("Sak: 24/25 Oppfølging sak 17/25 – kriterier for rekrutterings- og samhandlingstilskudd 2026", 2),
    P("Viser til sak 17/25, vedtakspunkt 4, der arbeidsgruppen ble bedt om å legge fram forslag til "
      "kriterier for utlysningen i 2026."),
    H("Forslag til vedtak", 3),
    PROPOSAL(
        ("SSU vedtar følgende kriterier for tildeling av tilskudd i 2026:", A(
            "tiltaket er forankret i ledelsen hos både kommune og sykehus",
            "tiltaket gjelder en av de prioriterte pasientgruppene",
            "søkerne beskriver hvordan tiltaket skal videreføres etter tilskuddsperioden",
        )),
        "Søknadsfristen settes til 01.04.2026.",
    ),
    H("Behandling", 3),
    P("Sondre Havik fremmet følgende tilleggsforslag som nytt punkt 3: «Tiltak som omfatter flere "
      "kommuner skal prioriteres.»"),
    P("Forslag til vedtak punkt 1 og 2 ble enstemmig vedtatt. Tilleggsforslaget ble vedtatt med 7 mot "
      "2 stemmer."),
    H("Vedtak:", 3),
    DECISION(
        ("SSU vedtar følgende kriterier for tildeling av tilskudd i 2026:", A(
            "tiltaket er forankret i ledelsen hos både kommune og sykehus",
            "tiltaket gjelder en av de prioriterte pasientgruppene",
            "søkerne beskriver hvordan tiltaket skal videreføres etter tilskuddsperioden",
        )),
        "Søknadsfristen settes til 01.04.2026.",
        "Tiltak som omfatter flere kommuner skal prioriteres.",
    ),
    # ------------------------------------------------------------------ 25/25
    CASE("25/25", "Budsjett for sekretariatet 2026", "12.11.2025", refs=[]),
    H("Sak: 25/25 Budsjett for sekretariatet 2026", 2),
    H("Behandling", 3),
    P("Petter Aasen Grytten la fram forslag til budsjett med en ramme på 2,4 mill. kr, fordelt med 50 "
      "prosent på Helse Møre og Romsdal HF og 50 prosent på kommunene etter innbyggertall."),
    H("Vedtak:", 3),
    DECISION(
        "SSU godkjenner budsjett for sekretariatet 2026 med en ramme på 2 400 000 kr.",
        ("Kostnadene fordeles slik:", UL(
            "Helse Møre og Romsdal HF: 1 200 000 kr",
            "kommunene samlet: 1 200 000 kr, etter innbyggertall per 01.01.2026",
        )),
        "Sekretariatet legger fram regnskap for 2025 i møte 22.04.2026.",
    ),
    P("Enstemmig vedtatt."),
    # ------------------------------------------------------------------ 26/25
    CASE("26/25", "Eventuelt", "12.11.2025", refs=[]),
    H("Sak: 26/25 Eventuelt", 2),
    H("Behandling", 3),
    P("Ingvild Sætre orienterte kort om arbeidet med ny nasjonal helse- og samhandlingsplan. Saken "
      "settes opp som egen sak i neste møte."),
    P("Ingen vedtak."),
    P("Protokollen er godkjent elektronisk av leder og nestleder 14.11.2025."),
]

GOLD = {
    "kind": "minutes",
    "committee": "re:(?i)strategisk samarbeidsutval|\\bSSU\\b",
    "meeting": {"date": "2025-11-12", "start": "09:00", "end": "13:00"},
    "not_case_numbers": [],
}
