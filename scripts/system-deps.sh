#!/usr/bin/env bash
# Installs the Debian packages that PDF checks, browser tests and the DOCX test (LibreOffice opens
# report.docx as an official would, with the metric-compatible Times New Roman) use, only when
# missing.
set -euo pipefail
need=()
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v chromium >/dev/null || need+=(chromium)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
# Liberation Serif 2 (full Vietnamese) is what LibreOffice draws Times New Roman with here.
[ -d /usr/share/fonts/truetype/liberation2 ] || need+=(fonts-liberation2)
# Pango for WeasyPrint: present on the base image, checked anyway.
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
    echo "Thiếu gói Debian: ${need[*]}. Hãy chạy: sudo apt-get install ${need[*]}" >&2
    exit 1
fi
echo "Cài gói Debian: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
