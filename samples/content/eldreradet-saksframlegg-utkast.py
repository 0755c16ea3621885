"""A draft case paper that a secretariat receives before it is numbered: a SAKSFRAMLEGG with a
`Saksgang` table to a body outside the partnership's register (Eldrerådet), no case number yet.
saksflyt reads it, and the review list names what is missing (no case number; the committee is
not in the register)."""
from make import *  # noqa: F401,F403

NAME = "eldreradet-saksframlegg-utkast"
TITLE = "Saksframlegg Eldrerådet – utkast"
LANG = "nb"

DOC = [
    H("Saksframlegg", 1),
    T(
        ["Saksgang", "Møtedato", "Saksnr."],
        [["Eldrerådet i Fjordvik", "", ""], ["Kommunestyret i Fjordvik", "", ""]],
        widths=[50, 25, 25],
    ),
    F("Arkivsak", "2025/2210"),
    F("Saksbehandler", "Ingrid Solheim"),
    CASE(None, "Trygghetsalarmer og velferdsteknologi – innspill fra Eldrerådet", None,
         officers=["Ingrid Solheim"]),
    P("Trygghetsalarmer og velferdsteknologi – innspill fra Eldrerådet"),
    H("Kommunedirektørens forslag til vedtak", 3),
    PROPOSAL(
        "Eldrerådet tar orienteringen om overgang til digitale trygghetsalarmer til orientering.",
        "Eldrerådet ber om at brukere og pårørende får opplæring før de gamle alarmene slås av.",
    ),
    H("Saksopplysninger", 3),
    P("Kommunen skal bytte ut de analoge trygghetsalarmene innen utgangen av 2026. Eldrerådet er bedt "
      "om innspill til hvordan overgangen kan skje trygt for brukerne."),
]

GOLD = {
    "kind": "case_paper",
    "committee": "re:(?i)eldrerådet",
    "not_case_numbers": [{"seq": 2025, "year": 2210}],
}
