#!/usr/bin/env bash
# Peak resident memory of `formats zip` streaming GIB gibibytes (default 8) from standard input to /dev/null.
# Needs GNU time (Debian package: time). Usage: bench/rss.sh [GIB] [METHOD]
set -euo pipefail
cd "$(dirname "$0")/.."
gib=${1:-8}
method=${2:-stored}
dotnet build -c Release src/Formats.Cli -v q -nologo >/dev/null
head -c $((gib << 30)) /dev/zero \
  | /usr/bin/time -f "formats zip --method $method: ${gib} GiB from stdin, peak RSS %M KiB, %e s" \
      src/Formats.Cli/bin/Release/net10.0/formats zip --method "$method" --stdin-name zeros.bin - >/dev/null
