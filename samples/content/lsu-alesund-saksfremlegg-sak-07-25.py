"""LSU Ålesund single-case paper in bokmål with `Innstilling` and case number form `sak 07.25`."""
from make import *  # noqa: F401,F403

NAME = "lsu-alesund-saksfremlegg-sak-07-25"
TITLE = "Saksfremlegg LSU Ålesund sak 07.25"
LANG = "nb"

DOC = [
    H("Saksfremlegg", 1),
    F("Utvalg", "Lokalt samarbeidsutvalg Ålesund"),
    F("Møtedato", "17.09.2025"),
    F("Saksnr.", "07.25"),
    F("Saksbehandler", "Tor Helge Brunstad"),
    F("Saksansvarlig", "Anita Blindheim Sulebak, leder LSU Ålesund"),
    CASE("07.25", "Felles legevaktsamarbeid for kommunene på Nordre Sunnmøre", "17.09.2025",
         owners=["Anita Blindheim Sulebak"], officers=["Tor Helge Brunstad"], refs=["03.25"],
         attachments=["Notat om legevaktordningene på Nordre Sunnmøre, datert 28.08.2025"]),
    H("Sak 07.25 Felles legevaktsamarbeid for kommunene på Nordre Sunnmøre", 2),
    H("Innstilling", 3),
    P("Arbeidsutvalget legger fram følgende innstilling:"),
    PROPOSAL(
        "LSU Ålesund anbefaler at kommunene Ålesund, Giske, Sula og Haram vurderer en felles legevakt "
        "lokalisert ved Ålesund sjukehus.",
        ("En arbeidsgruppe skal utrede:", UL(
            "økonomiske konsekvenser for hver kommune",
            "reisetid og tilgjengelighet for innbyggerne",
            "samarbeid med akuttmottaket om felles triage",
        )),
        "Arbeidsgruppen legger fram sin rapport for LSU Ålesund innen 01.12.2025.",
        "Saken sendes FSU Akuttmedisinsk kjede til orientering.",
    ),
    H("Saksopplysninger", 3),
    P("Viser til sak 03.25, der LSU Ålesund drøftet rekrutteringsutfordringer i legevakt. Tre av "
      "kommunene har i dag egen legevakt på kveld og helg, og flere av dem har hatt ubesatte vakter "
      "gjennom sommeren."),
    P("Erfaringer fra andre deler av fylket viser at samlokalisering med sykehuset gir kortere ventetid "
      "og bedre tilgang på bildediagnostikk og laboratorium."),
    H("Vurdering", 3),
    P("Arbeidsutvalget mener en felles legevakt kan gi mer robuste vaktordninger, men at konsekvensene "
      "for innbyggere med lang reisevei må utredes grundig før det tas stilling."),
    F("Vedlegg", "Notat om legevaktordningene på Nordre Sunnmøre, datert 28.08.2025"),
]

GOLD = {
    "kind": "case_paper",
    "committee": "re:(?i)[åa]lesund",
    "not_case_numbers": [],
}
