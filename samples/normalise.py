#!/usr/bin/env python3
"""Make LibreOffice output reproducible: rewrite DOCX zips with fixed entry timestamps and a fixed
entry order, and overwrite the dates and document IDs in PDFs in place (same byte length, so the
xref offsets stay valid)."""

import re
import sys
import zipfile

FIXED = (2025, 1, 1, 0, 0, 0)


def docx(path):
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    # [Content_Types].xml first, as Word writes it; the rest in the order LibreOffice wrote them.
    entries.sort(key=lambda e: e[0] != "[Content_Types].xml")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)


def pdf(path):
    with open(path, "rb") as f:
        data = f.read()

    def date(m):
        s = m.group(1)
        fixed = b"D:20250101000000"
        return b"(" + (fixed + s[len(fixed):] if len(s) >= len(fixed) else s) + b")"

    data = re.sub(rb"\((D:[0-9]{14}[^)]*)\)", lambda m: date(m), data)
    data = re.sub(rb"<[0-9A-Fa-f]{32}>", lambda m: b"<" + b"0" * 32 + b">", data)
    data = re.sub(rb"/DocChecksum /[0-9A-Fa-f]{32}", b"/DocChecksum /" + b"0" * 32, data)
    with open(path, "wb") as f:
        f.write(data)


def main():
    for p in sys.argv[1:]:
        if p.endswith(".docx"):
            docx(p)
        elif p.endswith(".pdf"):
            pdf(p)


if __name__ == "__main__":
    main()
