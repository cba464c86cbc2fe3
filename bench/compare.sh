#!/usr/bin/env bash
# Whole processes against the native tools that are installed, on the same data: each pair alternated ROUNDS times
# (default 5), median wall time of each side, ratio = formats / native (below 1: formats is faster).
#
#   bench/compare.sh [GIB] [ROUNDS]
#
# GIB (default 1) of random files, 16 of them, made once in $COMPARE_DIR (default /tmp/formats-compare) and read once
# so they are in the page cache. formats is the NativeAOT build (artifacts/native/formats, published here if missing),
# as users get it. Every command writes either into a file in the same folder (the tools that cannot write to a pipe,
# and the seekable case) or into the same pipe (| cat > /dev/null). Prints a Markdown table; nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
gib=${1:-1}
rounds=${2:-5}
dir=${COMPARE_DIR:-/tmp/formats-compare}
data="$dir/data"
out="$dir/out"

formats=artifacts/native/formats
if [[ ! -x $formats ]]; then
  dotnet publish src/Formats.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/native -v q -nologo >/dev/null
fi

if [[ ! -f "$data/.done-$gib" ]]; then
  rm -rf "$data" && mkdir -p "$data"
  for i in $(seq -w 1 16); do head -c $(((gib << 30) / 16)) /dev/urandom > "$data/file-$i.bin"; done
  touch "$data/.done-$gib"
fi
mkdir -p "$out"
cat "$data"/*.bin > /dev/null

# Runs a command line (bash -c) and prints its wall time in milliseconds.
time_ms() {
  local start end
  start=$(date +%s%N)
  bash -c "$1" > /dev/null 2>&1 || { echo "failed: $1" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

rows=()
# compare LABEL NATIVE-TOOL FORMATS-COMMAND NATIVE-COMMAND
compare() {
  local label=$1 tool=$2 ours=$3 theirs=$4 a=() b=()
  if ! command -v "$tool" >/dev/null; then
    rows+=("| $label | $tool not installed | | |")
    return
  fi
  for _ in $(seq "$rounds"); do
    rm -f "$out"/*
    a+=("$(time_ms "$ours")")
    rm -f "$out"/*
    b+=("$(time_ms "$theirs")")
  done
  local ma mb
  ma=$(printf '%s\n' "${a[@]}" | median)
  mb=$(printf '%s\n' "${b[@]}" | median)
  rows+=("| $label | $ma ms | $mb ms | $(awk -v x="$ma" -v y="$mb" 'BEGIN {printf "%.2f", x / y}') |")
}

cd "$data"
f="$OLDPWD/$formats"
compare "stored zip to a file vs \`7zz a -tzip -mx0\`" 7zz "$f zip --quiet --method stored -o $out/a.zip file-*.bin" "7zz a -tzip -mx0 -bd -bso0 $out/b.zip file-*.bin"
compare "stored zip to a pipe vs GNU \`tar cf -\`" tar "$f zip --quiet --method stored file-*.bin | cat > /dev/null" "tar cf - file-*.bin | cat > /dev/null"
compare "tar to a pipe vs GNU \`tar cf -\`" tar "$f tar --quiet file-*.bin | cat > /dev/null" "tar cf - file-*.bin | cat > /dev/null"
compare "tar to a pipe vs \`bsdtar cf -\`" bsdtar "$f tar --quiet file-*.bin | cat > /dev/null" "bsdtar cf - file-*.bin | cat > /dev/null"
compare "deflate fastest to a file vs \`7zz -tzip -mx1 -mmt2\`" 7zz "$f zip --quiet --level fastest -o $out/a.zip file-*.bin" "7zz a -tzip -mx1 -mmt2 -bd -bso0 $out/b.zip file-*.bin"
compare "deflate fastest to a pipe vs \`zip -1\`" zip "$f zip --quiet --level fastest file-*.bin | cat > /dev/null" "zip -q -1 -r - file-*.bin | cat > /dev/null"

echo "| pair ($gib GiB in 16 files, median of $rounds alternated runs) | formats | native | ratio |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
