#!/usr/bin/env python3
"""Wrap one JPEG page image into an image-only PDF (no text layer), as a scanner writes it.
usage: scan-to-pdf.py PAGE.jpg DPI OUT.pdf"""
import struct
import sys

jpg, dpi, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(jpg, "rb").read()
i = 2
while i + 9 < len(data):
    marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
    if marker in (0xC0, 0xC1, 0xC2):
        h, w = struct.unpack(">HH", data[i + 5 : i + 9])
        comps = data[i + 9]
        break
    i += 2 + length
else:
    sys.exit("no JPEG frame header")
space = "/DeviceGray" if comps == 1 else "/DeviceRGB"
pw, ph = w * 72 / dpi, h * 72 / dpi
content = f"q {pw:.2f} 0 0 {ph:.2f} 0 0 cm /Im0 Do Q".encode()
objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw:.2f} {ph:.2f}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>".encode(),
    f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream",
    f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
]
pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
offsets = []
for i, o in enumerate(objs, 1):
    offsets.append(len(pdf))
    pdf += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
xref = len(pdf)
pdf += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
for off in offsets:
    pdf += f"{off:010d} 00000 n \n".encode()
pdf += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
open(out, "wb").write(pdf)
