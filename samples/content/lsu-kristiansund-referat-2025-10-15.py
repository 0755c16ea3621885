"""LSU Kristiansund minutes (bokmål) whose text form is Windows-1252 with CRLF line ends, as
exported from a municipal case system: en dashes, «» and ’ test the decoding."""
from make import *  # noqa: F401,F403

NAME = "lsu-kristiansund-referat-2025-10-15"
TITLE = "Referat LSU Kristiansund 15.10.2025"
HEADER = "Lokalt samarbeidsutvalg Kristiansund – referat 15.10.2025"
LANG = "nb"
TXT_ENCODING = "cp1252"
TXT_NEWLINE = "\r\n"

DATO = "15.10.2025"

DOC = [
    H("Referat", 1),
    F("Utvalg", "Lokalt samarbeidsutvalg Kristiansund"),
    F("Møtested", "Kristiansund sjukehus, møterom «Grip»"),
    F("Møtedato", "15.10.2025 kl. 12.30 – 15.00"),
    F("Til stede", "Ragnar Kvalvik (leder), Birgit Aune Sæther, Håvard Nordvik, Torill Heggem, "
      "Magne Halse"),
    F("Referent", "Line Ørsal Strand"),
    # ------------------------------------------------------------------ 12/25
    CASE("12/25", "Oppfølging sak 08/25 – ø-hjelp døgnplasser på Nordmøre", DATO, refs=["08/25"]),
    H("Sak 12/25 Oppfølging sak 08/25 – ø-hjelp døgnplasser på Nordmøre", 2),
    P("Torill Heggem orienterte om bruken av kommunale akutte døgnplasser (KAD) etter at "
      "LSU i sak 08/25 ba om en gjennomgang. Beleggsprosenten har vært 41 % i 2025, og flere "
      "kommuner sier de ’ikke får brukt plassene som tenkt’."),
    H("Vedtak:", 3),
    DECISION(
        "LSU Kristiansund tar orienteringen til etterretning.",
        ("Kommunene og Kristiansund sjukehus skal innen 01.12.2025:", A(
            "gjennomgå kriteriene for innleggelse på KAD",
            "lage en felles oversikt over ledige plasser som oppdateres daglig",
        )),
        "Saken følges opp i møte 11.02.2026.",
    ),
    P("Enstemmig."),
    # ------------------------------------------------------------------ 13/25
    CASE("13/25", "Høring – revidert samarbeidsavtale", DATO),
    H("Sak 13/25 Høring – revidert samarbeidsavtale", 2),
    P("Utvalget drøftet høringsutkastet. Det kom innspill om at avtalen bør si tydeligere hvem som har "
      "ansvar for «pasienter som faller mellom to stoler»."),
    H("Vedtak:", 3),
    DECISION(
        ("LSU Kristiansund gir følgende innspill til høringen:", UL(
            "ansvaret for koordinator må beskrives konkret",
            "avtalen må omtale digital samhandling – ikke bare telefon og papir",
        )),
        "Leder sender innspillet til sekretariatet innen 01.11.2025.",
    ),
    P("Enstemmig."),
    # ------------------------------------------------------------------ 14/25
    CASE("14/25", "Eventuelt", DATO),
    H("Sak 14/25 Eventuelt", 2),
    P("Ingen saker."),
]

GOLD = {
    "kind": "minutes",
    "committee": "re:(?i)kristiansund",
    "meeting": {"date": "2025-10-15", "start": "12:30", "end": "15:00"},
    "not_case_numbers": [],
}
