#!/bin/sh
# Regenerate the PDF producer matrix: every sample (NAME.docx and its LibreOffice HTML) printed by
# the PDF producers a secretariat meets. Output: ../tests/fixtures/pdf-producers/PRODUCER/NAME.pdf
# (outside samples/, so `saksflyt run samples` does not ingest 13 copies of each paper).
# tests/read_pdf.rs reads each and compares its record with the DOCX's record.
#
# Producers (Debian packages in brackets):
#   libreoffice-carlito, libreoffice-nimbus  the DOCX with its font swapped to Carlito (Calibri's
#                        metric twin) / Nimbus Sans (Arial's), printed by LibreOffice [libreoffice-writer-nogui,
#                        fonts-crosextra-carlito, fonts-urw-base35]
#   chromium, chromium-hf  the DOCX saved as HTML by LibreOffice, printed by headless Chromium
#                        without / with the browser's own header and footer (date, title, URL, n/N) [chromium]
#   wkhtmltopdf          the same HTML [wkhtmltopdf]
#   xelatex              pandoc DOCX -> LaTeX -> XeLaTeX (booktabs tables) [pandoc, texlive-xetex]
#   typst                pandoc 3 DOCX -> typst -> typst (both from PyPI: pypandoc-binary, typst;
#                        Debian's pandoc 2.17 has no typst writer and Debian has no typst)
#   gs, gs-pdfa          the LibreOffice PDF re-distilled by Ghostscript pdfwrite / PDF/A-2b [ghostscript]
#   pdftocairo           the LibreOffice PDF redrawn by poppler's cairo backend [poppler-utils]
#   qpdf                 the LibreOffice PDF rewritten with object streams [qpdf]
#   mutool               the LibreOffice PDF rewritten by MuPDF (`mutool clean`; `mutool convert`
#                        redraws it without usable text, pdftotext reads nothing either) [mupdf-tools]
#   scan                 page 1 of one sample rasterised (200 dpi gray JPEG) into an image-only PDF
#                        (scan-to-pdf.py) [poppler-utils]
#
# Install the fonts only to regenerate: with Carlito installed LibreOffice substitutes it for
# Calibri, which changes the page counts tests/render.rs expects (remove them afterwards).
#
# Volatile bits (dates, IDs) are normalised by ../normalise.py where it can; the files are
# committed, so CI only needs the readers.
set -eu
cd "$(dirname "$0")"
samples=$(pwd)
out=../tests/fixtures/pdf-producers
mkdir -p "$out"
cd "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" /tmp/saksflyt-producers-html' EXIT INT TERM
lo() { soffice -env:UserInstallation="file://$tmp/profile" --headless "$@" >/dev/null 2>&1; }
# pandoc 3 and typst from PyPI (set PYT to a folder where `pip install --target` put them)
PYT=${PYT:-/tmp/pyt}

names=""
for d in "$samples"/*.docx; do names="$names $(basename "$d" .docx)"; done

mkdir -p libreoffice-carlito libreoffice-nimbus chromium chromium-hf wkhtmltopdf xelatex typst gs gs-pdfa \
  pdftocairo qpdf mutool scan

# --- fonts swapped in the DOCX (LibreOffice keeps the Word layout) ---
for font in carlito nimbus; do
  case $font in carlito) face="Carlito" ;; nimbus) face="Nimbus Sans" ;; esac
  mkdir -p "$tmp/$font"
  for n in $names; do
    mkdir -p "$tmp/$font/$n" && (cd "$tmp/$font/$n" && unzip -q "$samples/$n.docx")
    for x in "$tmp/$font/$n"/word/*.xml; do sed -i "s/DejaVu Sans/$face/g; s/Liberation Serif/$face/g; s/Liberation Sans/$face/g" "$x"; done
    (cd "$tmp/$font/$n" && zip -q -X -r "$tmp/$font/$n.docx" .)
  done
  lo --convert-to pdf --outdir "libreoffice-$font" "$tmp/$font"/*.docx
done

# --- HTML from LibreOffice, printed by browsers (a fixed folder: Chromium prints its URL) ---
html=/tmp/saksflyt-producers-html
rm -rf "$html" && mkdir -p "$html"
lo --convert-to html --outdir "$html" "$samples"/*.docx
for n in $names; do
  chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
    --print-to-pdf="chromium/$n.pdf" "file://$html/$n.html" >/dev/null 2>&1
  chromium --headless --no-sandbox --disable-gpu \
    --print-to-pdf="chromium-hf/$n.pdf" "file://$html/$n.html" >/dev/null 2>&1
  wkhtmltopdf -q --enable-local-file-access "$html/$n.html" "wkhtmltopdf/$n.pdf" >/dev/null 2>&1 || true
done

# --- pandoc: XeLaTeX and typst ---
for n in $names; do
  pandoc -f docx -t latex -s "$samples/$n.docx" -o "$tmp/$n.tex" -V mainfont="DejaVu Sans" -V geometry:margin=2cm
  (cd "$tmp" && xelatex -interaction=nonstopmode "$n.tex" >/dev/null 2>&1 && xelatex -interaction=nonstopmode "$n.tex" >/dev/null 2>&1) || true
  cp "$tmp/$n.pdf" "xelatex/$n.pdf"
  if [ -x "$PYT/pypandoc/files/pandoc" ]; then
    "$PYT/pypandoc/files/pandoc" -f docx -t typst -s "$samples/$n.docx" -o "$tmp/$n.typ"
    PYTHONPATH="$PYT" python3 -c "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2])" "$tmp/$n.typ" "typst/$n.pdf"
  fi
done

# --- the LibreOffice PDF rewritten or redrawn ---
for n in $names; do
  gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -o "gs/$n.pdf" "$samples/$n.pdf"
  gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -dPDFA=2 -dPDFACompatibilityPolicy=1 \
    -sColorConversionStrategy=RGB -o "gs-pdfa/$n.pdf" "$samples/$n.pdf"
  pdftocairo -pdf "$samples/$n.pdf" "pdftocairo/$n.pdf"
  qpdf --object-streams=generate --deterministic-id "$samples/$n.pdf" "qpdf/$n.pdf"
  mutool clean -ggg -z "$samples/$n.pdf" "mutool/$n.pdf" >/dev/null 2>&1
done

# --- one scanned page: page 1 of the Molde paper as a 200 dpi gray image, no text layer ---
n=lsu-molde-saksframlegg-sak-09-2025
pdftoppm -r 200 -gray -f 1 -l 1 -singlefile -jpeg -jpegopt quality=70 "$samples/$n.pdf" "$tmp/scan"
python3 "$samples/scan-to-pdf.py" "$tmp/scan.jpg" 200 "scan/$n.pdf"

python3 "$samples/normalise.py" ./*/*.pdf 2>/dev/null || true
du -sh .
