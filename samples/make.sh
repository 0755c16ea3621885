#!/bin/sh
# Regenerate every sample: content/*.py -> NAME.txt + src/NAME.html (make.py),
# src/NAME.html -> NAME.docx (LibreOffice Writer, "MS Word 2007 XML" filter),
# NAME.docx -> NAME.pdf (LibreOffice Writer PDF export), then normalise.py strips the
# volatile bits (zip timestamps, PDF dates and IDs) so reruns give identical files.
# Needs: python3, soffice (LibreOffice), and for the checks pandoc and pdftotext.
set -eu
cd "$(dirname "$0")"
profile="/tmp/lo-samples-$$"
trap 'rm -rf "$profile"' EXIT INT TERM
lo() { soffice -env:UserInstallation="file://$profile" --headless "$@" >/dev/null 2>&1; }

python3 make.py
lo --convert-to "docx:MS Word 2007 XML" --outdir . src/*.html
lo --convert-to pdf --outdir . ./*.docx
python3 normalise.py ./*.docx ./*.pdf

# checks: every DOCX reads in pandoc, every PDF in pdftotext
if command -v pandoc >/dev/null 2>&1; then
  for f in ./*.docx; do pandoc -f docx -t plain "$f" >/dev/null || { echo "pandoc failed: $f"; exit 1; }; done
fi
if command -v pdftotext >/dev/null 2>&1; then
  for f in ./*.pdf; do pdftotext "$f" - >/dev/null || { echo "pdftotext failed: $f"; exit 1; }; done
fi
command -v pdftotext >/dev/null 2>&1 && python3 check.py
du -sh .
