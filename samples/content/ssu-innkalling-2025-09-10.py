"""SSU meeting invitation 10.09.2025 with agenda table and case papers 14/25–21/25 (bokmål)."""
from make import *  # noqa: F401,F403

NAME = "ssu-innkalling-2025-09-10"
TITLE = "Møteinnkalling Strategisk samarbeidsutvalg 10.09.2025"
HEADER = "Strategisk samarbeidsutvalg – møte 10.09.2025"
LANG = "nb"

UTVALG = "Strategisk samarbeidsutvalg"
DATO = "10.09.2025"
ANSV = "Ingvild Sætre/Torbjørn Eide Lassen"
BEH = "Hanne Moldstad Ravn/Petter Aasen Grytten/Marte Ulvestad"


def head(nr, title, bold=True, refs=()):
    t = f"**{title}**" if bold else title
    return [
        CASE(nr, title, DATO, ANSV.split("/"), BEH.split("/"), refs),
        H("SAKSFREMLEGG", 1, pagebreak=True),
        P(f"Sak: {nr} {t}"),
        F("Utvalg", UTVALG),
        F("Dato", DATO),
        F("Saksansvarlig", ANSV),
        F("Saksbehandler", BEH),
    ]


AGENDA = T(
    ["Kl.", "Saksnr.", "Saker", "Ansvarlig", "Tid"],
    [
        ["09.00-09.10", "14/25", C("Godkjenning av innkalling og sakliste", [
            "Saker til eventuelt", "Godkjenning av protokoll fra møtet 11.06.2025"]),
         "Ingvild Sætre", "10"],
        ["09.10-09.50", "15/25", C("Felles handlingsplan 2025–2027 – status fra FSU-ene", [
            "Trafikklysrapportering", "Tiltak som foreslås avsluttet"]),
         "Torbjørn Eide Lassen/ Hanne Moldstad Ravn", "40"],
        ["09.50-10.30", "16/25", C("Oppfølging sak 3/25 – avvik ved utskrivning av pasienter", [
            "Status fra kommunene og sykehuset"]),
         "Silje Vatne Holm, Arnfinn Tøsse og Live Brekken Øye", "40"],
        ["10.30-10.45", "", "Pause", "", "15"],
        ["10.45-11.30", "17/25", C("Rekrutterings- og samhandlingstilskudd 2025 – tildeling", [
            "Innstilling fra arbeidsgruppen", "Kriterier for neste utlysning"]),
         "Petter Aasen Grytten/Marte Ulvestad", "45"],
        ["11.30-12.00", "18/25", "Kombinerte stillinger i svangerskaps-, fødsels- og barselomsorgen",
         "Randi Kvalsund", "30"],
        ["12.00-12.45", "", "Lunsj", "", "45"],
        ["12.45-13.30", "19/25", C("Digital samhandling", [
            "Erfaringer med elektronisk meldingsutveksling",
            "Pasientens legemiddelliste – innføring i Romsdal"]),
         "Eirik Hjelle og Sondre Havik, Helse Møre og Romsdal", "45"],
        ["13.30 – 14.00", "20/25", "Møteplan og årshjul 2026", "Hanne Moldstad Ravn", "30"],
        ["14.00-14.20", "21/25", C("Eventuelt", []), "Ingvild Sætre", "20"],
        ["14.20-14.30", "", "Oppsummering og avslutning av møtet", "", "10"],
    ],
    widths=[12, 10, 42, 26, 6],
)


DOC = [
    H("MØTEINNKALLING", 1),
    F("Utvalg", UTVALG),
    F("Møtested", "Molde sjukehus, møterom Hjelset / Teams"),
    F("Møtedato", "10.09.2025 kl. 09.00 – 14.30"),
    P("Forfall meldes til sekretariatet på e-post innen 03.09.2025. Vararepresentant kalles inn av "
      "den enkelte part."),
    AGENDA,
    # ---------------------------------------------------------------- 14/25
    *head("14/25", "Godkjenning av innkalling og sakliste"),
    H("Forslag til vedtak", 2),
    PROPOSAL(
        "Innkallingen og saklisten godkjennes.",
        "Protokoll fra møtet 11.06.2025 godkjennes.",
        ("Følgende saker meldes til eventuelt:", PH),
    ),
    # ---------------------------------------------------------------- 15/25
    *head("15/25", "Felles handlingsplan 2025–2027 – status fra FSU-ene", refs=["11/25"]),
    H("Forslag til vedtak", 2),
    PROPOSAL(
        "SSU tar statusrapportene fra de faglige samarbeidsutvalgene til orientering.",
        ("SSU ber lederne i FSU-ene om å:", A(
            "avslutte tiltak med grønn status og melde dem som gjennomført i handlingsplanen",
            "legge fram en revidert plan for tiltak med rød status innen 15.10.2025",
        )),
        "SSU ber sekretariatet samle oppdatert status for alle FSU-er og legge den fram i møte 12.11.2025.",
    ),
    H("Vedlegg", 2),
    ATTACH(
        "Handlingsplan for FSU Barn og unge 2025–2027 med status",
        "Handlingsplan for FSU Psykisk helse og rus 2025–2027 med status",
    ),
    H("Bakgrunn og saksopplysninger", 2),
    P("Viser til sak 11/25, der SSU vedtok at hvert faglig samarbeidsutvalg skal rapportere status på "
      "sine tiltak to ganger i året. Rapporteringen skjer med fargekoder i statuskolonnen:"),
    UL(
        "**grønn** = tiltaket er gjennomført eller går som planlagt",
        "**gul** = tiltaket er forsinket eller bare delvis gjennomført",
        "**rød** = tiltaket er ikke startet eller har stoppet opp",
    ),
    P("Sekretariatet har mottatt rapporter fra sju av tolv FSU-er. To av rapportene er lagt ved som "
      "eksempler på hvordan malen brukes."),
    H("Vurdering", 2),
    P("Rapportene viser at de fleste tiltak som handler om rutiner og opplæring har kommet godt i gang. "
      "Tiltak som krever nye digitale løsninger eller endret finansiering er oftere forsinket. "
      "Sekretariatet anbefaler at utvalgene prioriterer færre tiltak og beskriver dem etter "
      "SMART-prinsippet, slik at status blir lettere å vurdere."),
    # ---------------------------------------------------------------- 16/25
    *head("16/25", "Oppfølging sak 3/25 – avvik ved utskrivning av pasienter", refs=["3/25"]),
    H("Forslag til vedtak", 2),
    PROPOSAL(
        "SSU tar saken til orientering.",
        ("SSU ber de lokale samarbeidsutvalgene følge opp læringspunktene i sitt område, særlig:", UL(
            "at epikrise sendes samme dag som pasienten skrives ut",
            "at oppdatert legemiddelliste følger pasienten",
            "at kommunen får varsel om utskrivningsklar pasient før kl. 12.00",
        )),
        ("SSU anbefaler at forbedringsgruppen prioriterer følgende tiltak det neste året:", PH),
    ),
    H("Bakgrunn og saksopplysninger", 2),
    P("I møtet 12.02.2025, sak 3/25, fattet SSU følgende vedtak:"),
    OL(
        "*SSU tar forbedringsgruppens årsrapport for 2024 til orientering.*",
        "*SSU ber forbedringsgruppen om en statusrapport til møtet 10.09.2025.*",
        "*SSU ber partene gjøre læringspunktene kjent i egen organisasjon.*",
    ),
    P("Forbedringsgruppen har siden februar gått gjennom 212 meldte samhandlingsavvik. Flest avvik gjelder "
      "manglende eller sen epikrise og ufullstendige legemiddellister. Fra kommunene meldes det også om "
      "pasienter som skrives ut sent på ettermiddagen uten forvarsel."),
    H("Vurdering", 2),
    P("Arbeidsutvalget mener læringspunktene må forankres lokalt, og at LSU-ene er rett arena for dette. "
      "Forbedringsgruppen bør få et tydelig oppdrag om hvilke tiltak som skal prioriteres."),
    # ---------------------------------------------------------------- 17/25
    *head("17/25", "Rekrutterings- og samhandlingstilskudd 2025 – tildeling", refs=["11/25"]),
    H("Forslag til vedtak", 2),
    PROPOSAL(
        "SSU slutter seg til arbeidsgruppens innstilling og tildeler rekrutterings- og "
        "samhandlingstilskudd på til sammen 3 450 000 kr til fem tiltak, jf. vedlegg.",
        ("Tilskuddet utbetales når:", A(
            "det foreligger en signert samarbeidsavtale mellom søkerne",
            "prosjektplan med milepæler er sendt til sekretariatet",
        )),
        "Tiltakene rapporterer på bruk av midlene og oppnådde resultater innen 15.10.2026.",
        "SSU ber arbeidsgruppen legge fram forslag til kriterier for utlysningen i 2026 i møte 12.11.2025.",
    ),
    H("Vedlegg", 2),
    ATTACH("Vedlegg til sak 17/25: Oversikt over søknader og innstilling"),
    H("Bakgrunn og saksopplysninger", 2),
    P("Helsefellesskapet fikk i 2025 tildelt 3,6 mill. kr i rekrutterings- og samhandlingstilskudd. "
      "Tilskuddet skal stimulere kommuner og sykehus til å utvikle tjenestene sammen. Det kom inn "
      "ni søknader med et samlet søknadsbeløp på 6 150 000 kr."),
    P("Arbeidsgruppen har vurdert søknadene etter kriteriene SSU vedtok i sak 11/25: forankring hos begge "
      "parter, relevans for de prioriterte pasientgruppene, overføringsverdi og realistisk finansiering "
      "etter prosjektperioden."),
    H("Vurdering", 2),
    P("Arbeidsgruppen innstiller på fem tiltak. Restbeløpet på 150 000 kr foreslås overført til "
      "utlysningen i 2026."),
    # ---------------------------------------------------------------- 18/25
    *head("18/25", "Kombinerte stillinger i svangerskaps-, fødsels- og barselomsorgen", bold=False),
    H("Forslag til vedtak", 2),
    PROPOSAL(
        "SSU tar orienteringen til etterretning.",
        "SSU ber FSU Svangerskap, fødsel og barselomsorg utrede en modell for kombinerte "
        "jordmorstillinger mellom Kristiansund sjukehus og kommunene på Nordmøre innen 01.12.2025.",
    ),
    H("Bakgrunn og saksopplysninger", 2),
    P("Flere kommuner har vansker med å rekruttere jordmødre i små stillingsbrøker. En kombinert stilling, "
      "der jordmoren arbeider både i føde-/barselavdelingen og i kommunens svangerskapsomsorg, kan gi "
      "hele stillinger og bedre kontinuitet for de gravide."),
    # ---------------------------------------------------------------- 19/25
    *head("19/25", "Digital samhandling", refs=["16/25"]),
    H("Forslag til vedtak", 2),
    PROPOSAL(
        "SSU tar orienteringen om erfaringer med elektronisk meldingsutveksling til orientering.",
        ("SSU anbefaler at kommunene og Helse Møre og Romsdal HF:", A(
            "tar i bruk pasientens legemiddelliste etter felles plan for Romsdal i 2026",
            ("sikrer at meldinger om utskrivningsklare pasienter:", ROMAN(
                "sendes elektronisk og ikke per telefon",
                "leses og kvitteres samme dag",
            )),
            "melder behov for opplæring til FSU IKT",
        )),
        "Viser til sak 16/25. SSU ber FSU IKT se de to sakene i sammenheng.",
    ),
    H("Bakgrunn og saksopplysninger", 2),
    P("Pasientens legemiddelliste skal gi helsepersonell i kommuner og sykehus tilgang til den samme "
      "oppdaterte listen over pasientens legemidler. Molde kommune og Aukra kommune har deltatt i en "
      "utprøving våren 2025."),
    # ---------------------------------------------------------------- 20/25
    *head("20/25", "Møteplan og årshjul 2026"),
    H("Forslag til vedtak", 2),
    PROPOSAL(
        ("SSU vedtar følgende møteplan for 2026:", UL(
            "onsdag 11.02.2026",
            "onsdag 22.04.2026",
            "onsdag 10.06.2026",
            "onsdag 16.09.2026",
            "onsdag 25.11.2026",
        )),
        "Årshjulet for helsefellesskapet godkjennes med de endringer som kom fram i møtet.",
    ),
    H("Vedlegg", 2),
    ATTACH("Årshjul for Helsefellesskap Møre og Romsdal 2026", "Møteplan for LSU og FSU 2026"),
    # ---------------------------------------------------------------- 21/25
    *head("21/25", "Eventuelt", bold=False),
    P("Saker til eventuelt meldes ved møtestart."),
]

GOLD = {
    "kind": "meeting_invitation",
    "committee": "re:(?i)strategisk samarbeidsutval|\\bSSU\\b",
    "meeting": {"date": "2025-09-10", "start": "09:00", "end": "14:30"},
    "agenda": agenda(AGENDA, responsible={7: ["Eirik Hjelle", "Sondre Havik"]}),
    "not_case_numbers": [{"seq": 2025, "year": 2027}],
}
