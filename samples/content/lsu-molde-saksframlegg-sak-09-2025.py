"""LSU Molde single-case paper in nynorsk: Saksframlegg, case number form `Sak 09-2025`,
Framlegg til vedtak with a./b. sub-points and a placeholder, Sakshandsamar."""
from make import *  # noqa: F401,F403

NAME = "lsu-molde-saksframlegg-sak-09-2025"
TITLE = "Saksframlegg LSU Molde sak 09-2025"
HEADER = "LSU Molde – sak 09-2025"
LANG = "nn"

DOC = [
    P("Helsefellesskap Møre og Romsdal – Lokalt samarbeidsutval Molde"),
    H("Saksframlegg", 1),
    T(
        ["Utval", "Møtedato", "Saksnr."],
        [["LSU Molde", "24.09.2025", "09-2025"]],
        widths=[50, 25, 25],
    ),
    F("Sakshandsamar", "Gunnhild Rørvik Stavik"),
    F("Saksansvarleg", "Oddbjørn Malmedal og Kristin Bugge Tennfjord"),
    F("Arkivsak", "2025/1187"),
    CASE("09-2025", "Utskrivingsklare pasientar – felles rutine for Romsdal", "24.09.2025",
         owners=["Oddbjørn Malmedal", "Kristin Bugge Tennfjord"], officers=["Gunnhild Rørvik Stavik"],
         refs=["04-2025", "16/25"]),
    H("Sak 09-2025 Utskrivingsklare pasientar – felles rutine for Romsdal", 2),
    H("Framlegg til vedtak", 3),
    PROPOSAL(
        "LSU Molde sluttar seg til utkast til felles rutine for utskrivingsklare pasientar i Romsdal.",
        ("LSU Molde ber kommunane og Molde sjukehus om å:", UL(
            "ta rutinen i bruk frå 01.11.2025",
            "utpeike ein kontaktperson kvar for oppfølging av rutinen innan 15.10.2025",
            "melde avvik frå rutinen som samhandlingsavvik",
        )),
        "Rutinen skal evaluerast i møte 11.03.2026.",
        ("LSU Molde ber om at følgjande vert teke med i evalueringa:", PH),
    ),
    H("Vedlegg", 3),
    ATTACH(
        "Utkast til felles rutine for utskrivingsklare pasientar i Romsdal",
        "Oversikt over liggjedøgn for utskrivingsklare pasientar 2024–2025",
    ),
    H("Bakgrunn", 3),
    P("Viser til sak 04-2025, der LSU Molde bad arbeidsgruppa for pasientflyt om å lage ei felles rutine "
      "for kommunane i Romsdal og Molde sjukehus. Strategisk samarbeidsutval handsama avvik ved "
      "utskriving i sak 16/25 og bad dei lokale samarbeidsutvala følgje opp læringspunkta."),
    P("Talet på liggjedøgn for utskrivingsklare pasientar har auka med 18 prosent frå 2024. Auken er "
      "størst i helgene, når kommunane har færre tilsette på vakt og meldingar blir liggjande ulesne."),
    H("Vurdering", 3),
    P("Arbeidsgruppa meiner ei felles rutine vil gje meir føreseielege utskrivingar. Rutinen set krav til "
      "at sjukehuset varslar kommunen før klokka 12.00 dagen før planlagd utskriving, og at kommunen "
      "svarar same dag. Kommunedirektøren i Molde og klinikksjefen for medisinsk klinikk har gitt si "
      "tilslutning til utkastet."),
    P("Ei evaluering etter fire månader vil vise om rutinen fungerer etter føremålet. Evalueringa bør "
      "byggje på tal for liggjedøgn, samhandlingsavvik og tilbakemeldingar frå tenestene."),
]

GOLD = {
    "kind": "case_paper",
    "committee": "re:(?i)molde",
    "not_case_numbers": [{"seq": 2025, "year": 1187}, {"seq": 2024, "year": 2025}],
}
