#!/bin/sh
# Renders the first page of each document `saksflyt run samples` writes (and the pages named
# below) to PNG under docs/, as a new user sees them: LibreOffice → PDF → pdftoppm.
# Usage: sh docs/render-pages.sh   (from the repository root; needs soffice and poppler-utils)
set -eu
out=$(mktemp -d)
cargo run --quiet -- run samples --out "$out/run" --quiet
soffice -env:UserInstallation=file://"$out"/lo --headless --convert-to pdf --outdir "$out/pdf" "$out"/run/*.docx >/dev/null
page() { # page PDF FIRST NAME
    pdftoppm -r 60 -png -f "$2" -l "$2" -singlefile "$out/pdf/$1.pdf" "docs/$3"
}
# the page of a PDF that holds a text
find_page() {
    n=$(pdfinfo "$out/pdf/$1.pdf" | sed -n 's/^Pages: *//p')
    i=1
    while [ "$i" -le "$n" ]; do
        if pdftotext -f "$i" -l "$i" "$out/pdf/$1.pdf" - | grep -q "$2"; then echo "$i"; return; fi
        i=$((i + 1))
    done
    echo 1
}
page statusrapport 1 statusrapport-1
page statusrapport "$(find_page statusrapport 'Manglar finansiering')" statusrapport-plan
page vedtakslogg 1 vedtakslogg-1
page arsrapport-2025 1 arsrapport-2025-1
page arsrapport-2025 "$(find_page arsrapport-2025 'Sum tilskudd')" arsrapport-2025-tilskudd
page evaluering-2025-fsu-psyk 1 evaluering-2025-fsu-psyk-1
page evaluering-2025-fsu-psyk "$(find_page evaluering-2025-fsu-psyk 'Ny status')" evaluering-2025-fsu-psyk-skjema
rm -rf "$out"
ls -l docs/*.png
