"""FSU Barn og unge meeting invitation 08.10.2025 in nynorsk: agenda table (Ansvarleg) and
SAKSFRAMLEGG blocks with Framlegg til vedtak, Saksansvarleg, Sakshandsamar."""
from make import *  # noqa: F401,F403

NAME = "fsu-barn-unge-innkalling-2025-10-08"
TITLE = "Møteinnkalling FSU Barn og unge 08.10.2025"
HEADER = "Helsefellesskap Møre og Romsdal – FSU Barn og unge"
LANG = "nn"

UTVAL = "FSU Barn og unge"
DATO = "08.10.2025"
ANSV = "Solfrid Hoem Aarflot"
SH = "Ingebjørg Vatne/Kåre Longva"


def head(nr, title, refs=()):
    return [
        CASE(nr, title, DATO, [ANSV], SH.split("/"), refs),
        H("SAKSFRAMLEGG", 1, pagebreak=True),
        P(f"Sak: {nr} **{title}**"),
        F("Utval", UTVAL),
        F("Dato", DATO),
        F("Saksansvarleg", ANSV),
        F("Sakshandsamar", SH),
    ]


AGENDA = T(
    ["Kl.", "Saksnr.", "Saker", "Ansvarleg", "Tid"],
    [
        ["10.00-10.10", "18/25", "Godkjenning av innkalling og saksliste", "Solfrid Hoem Aarflot", "10"],
        ["10.10-10.50", "19/25", C("Status handlingsplan 2025–2027", [
            "Tiltak med raud status", "Revidert plan til SSU"]),
         "Solfrid Hoem Aarflot/ Kåre Longva", "40"],
        ["10.50-11.30", "20/25", C("Oppfølging sak 12/25 – transisjon frå barne- til vaksenavdeling", [
            "Erfaringar frå Ålesund sjukehus", "Innspel frå ungdomsrådet"]),
         "Marit Hjelmeland, Oddvar Standal og Synnøve Bakke", "40"],
        ["11.30-12.00", "", "Lunsj", "", "30"],
        ["12.00-12.45", "21/25", C("Søknad om samhandlingstilskot – ambulant team", [
            "Presentasjon av søknaden"]),
         "Ålesund kommune v/ Therese Lied og Ålesund sjukehus v/ Arne Vågen", "45"],
        ["12.45-13.00", "", "Pause", "", "15"],
        ["13.00-13.45", "22/25", "Barn som pårørande – felles rutine", "Klinikk for psykisk helse og rus",
         "45"],
        ["13.45-14.00", "23/25", C("Eventuelt", []), "Solfrid Hoem Aarflot", "15"],
    ],
    widths=[12, 10, 42, 26, 6],
)


DOC = [
    H("MØTEINNKALLING", 1),
    F("Utval", UTVAL),
    F("Møtestad", "Volda sjukehus, møterom Rotsethornet, og Teams"),
    F("Møtedato", "08.10.2025 kl. 10.00 – 14.00"),
    P("Meld forfall til sekretariatet så snart som mogleg."),
    AGENDA,
    # ---------------------------------------------------------------- 18/25
    *head("18/25", "Godkjenning av innkalling og saksliste"),
    H("Framlegg til vedtak", 2),
    PROPOSAL(
        "Innkalling og saksliste vert godkjend.",
        ("Saker til eventuelt:", PH),
    ),
    # ---------------------------------------------------------------- 19/25
    *head("19/25", "Status handlingsplan 2025–2027", refs=["15/25"]),
    H("Framlegg til vedtak", 2),
    PROPOSAL(
        "FSU Barn og unge tek statusrapporten til vitande.",
        ("Utvalet vedtek følgjande endringar i handlingsplanen:", A(
            "tiltak 1.1 vert avslutta som gjennomført",
            "fristen for tiltak 1.3 vert flytta til 30.06.2026",
            "tiltak 3.2 får leiar av utvalet som ansvarleg",
        )),
        "Revidert handlingsplan vert send SSU innan 15.10.2025.",
    ),
    H("Vedlegg", 2),
    ATTACH("Handlingsplan for FSU Barn og unge 2025–2027 med status per 29.08.2025"),
    H("Bakgrunn", 2),
    P("Viser til sak 15/25 i SSU 10.09.2025, der leiarane i FSU-ane vart bedne om å leggje fram ein "
      "revidert plan for tiltak med raud status innan 15.10.2025."),
    # ---------------------------------------------------------------- 20/25
    *head("20/25", "Oppfølging sak 12/25 – transisjon frå barne- til vaksenavdeling", refs=["12/25"]),
    H("Framlegg til vedtak", 2),
    PROPOSAL(
        "FSU Barn og unge tek orienteringa til vitande.",
        ("Utvalet tilrår at transisjonsprogrammet:", UL(
            "vert teke i bruk ved alle fire sjukehusa innan 31.12.2026",
            "omfattar ein felles samtale med fastlegen før overføring",
        )),
        ("Utvalet ber ungdomsrådet kome med innspel til:", PH),
    ),
    H("Bakgrunn", 2),
    P("I møtet 04.06.2025, sak 12/25, bad utvalet om ei orientering om erfaringane med "
      "transisjonsprogrammet ved Ålesund sjukehus. Programmet følgjer ungdom med kronisk sjukdom frå "
      "16 års alder og fram til overføring til vaksenavdeling."),
    # ---------------------------------------------------------------- 21/25
    *head("21/25", "Søknad om samhandlingstilskot – ambulant team", refs=["17/25"]),
    H("Framlegg til vedtak:", 2),
    P("FSU Barn og unge støttar søknaden frå Ålesund kommune, Sula kommune og Ålesund sjukehus om "
      "samhandlingstilskot til eit ambulant team for barn og unge med samansette behov.",
      role="proposal"),
    P("Utvalet ber om å få rapport frå prosjektet i møte 10.06.2026.", role="proposal"),
    H("Bakgrunn", 2),
    P("SSU tildelte 1,5 mill. kr til tiltaket i sak 17/25. Teamet skal vere sett saman av personell frå "
      "barneavdelinga, BUP og dei kommunale tenestene."),
    # ---------------------------------------------------------------- 22/25
    *head("22/25", "Barn som pårørande – felles rutine"),
    H("Framlegg til vedtak", 2),
    PROPOSAL(
        "FSU Barn og unge sluttar seg til utkast til felles rutine for barn som pårørande.",
        ("Rutinen vert send på høyring til:", UL(
            "dei lokale samarbeidsutvala",
            "brukarutvalet i Helse Møre og Romsdal HF",
            "ungdomsrådet",
        )),
        "Høyringsfristen er 01.12.2025.",
    ),
    H("Vedlegg", 2),
    ATTACH("Utkast til felles rutine for barn som pårørande"),
    # ---------------------------------------------------------------- 23/25
    *head("23/25", "Eventuelt"),
    P("Saker til eventuelt vert melde ved møtestart."),
]

GOLD = {
    "kind": "meeting_invitation",
    "committee": "re:(?i)barn og unge|FSU-BARN",
    "meeting": {"date": "2025-10-08", "start": "10:00", "end": "14:00"},
    "agenda": agenda(AGENDA, responsible={
        4: ["Therese Lied", "Arne Vågen"],
        6: ["Klinikk for psykisk helse og rus"],
    }),
    "not_case_numbers": [{"seq": 2025, "year": 2027}],
}
