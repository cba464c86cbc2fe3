#!/usr/bin/env bash
# formats gateway against nginx + mod_zip on the same app, the same files and the same machine (issue 25).
#
#   bench/gateway-compare.sh
#
# One plain nginx on 127.0.0.1 serves MEMBERS generated files of MEMBER_MIB MiB (read once, so in the page cache), one
# file of their total size (whole.bin), and two manifests as static files with 'X-Archive-Files: zip': with CRC-32s
# (/manifest/crc.txt) and without ('-', /manifest/nocrc.txt). In front of it, each on its own port: nginx with mod_zip
# (built here from MOD_ZIP_SRC as a dynamic module against Debian's nginx, which needs nginx-dev) proxying to it, and
# `formats gateway --upstream` (Release build). A Go client (bench/gateway-client, golang-go) makes N downloads at
# once, each read to the end and thrown away, and reports wall time, time to first byte and aborted downloads.
#
# For each N in CLIENTS and each manifest, ROUNDS rounds alternate gateway, mod_zip (and, with the CRC-32 manifest,
# the gateway proxying whole.bin: YARP alone, the limit); the table gives medians over rounds. CPU is utime + stime of
# each server's processes (nginx: master and workers) from /proc/PID/stat over the round, per GiB the client received;
# peak RSS is VmHWM (nginx: summed over its processes), reset (clear_refs 5) before each N and manifest.
#
# Environment (defaults in brackets):
#   MEMBERS [16]  MEMBER_MIB [64]  CLIENTS ["1 16 64"]  ROUNDS [3]  MANIFESTS ["crc nocrc"]  YARP [1]
#   MOD_ZIP_SRC [../shared/anchors/mod_zip from the repository]
#   MODZIP_BUFFERS ["4 64k": proxy_buffers, proxy_buffer_size the second; "default": nginx's own]
#   GATEWAY_BUILD [aot: the NativeAOT executable, what the linux-x64 tool package installs (needs clang, zlib1g-dev);
#                  jit: the framework-dependent Release build]
#   GATEWAY_BIN [published here from src/Formats.Cli as GATEWAY_BUILD says]  GATEWAY_ARGS [none]
#   GATEWAY_BIN_B [unset; another gateway build that takes mod_zip's place and columns: A/B of a change]
#   BENCH_DIR [/tmp/formats-gateway-compare]  BASE_PORT [18480: plain, +1 mod_zip, +2 gateway]
#   PERF_OUT [unset; a path: the gateway runs with DOTNET_PerfMapEnabled=1 under `perf record -g` for the measured rounds]
# A smoke run: MEMBERS=2 MEMBER_MIB=1 CLIENTS="1 4" ROUNDS=1 bench/gateway-compare.sh
# Everything listens on 127.0.0.1 only; every process started here is stopped on exit. Nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
members=${MEMBERS:-16}
member_mib=${MEMBER_MIB:-64}
clients_list=${CLIENTS:-"1 16 64"}
rounds=${ROUNDS:-3}
manifests=${MANIFESTS:-"crc nocrc"}
yarp=${YARP:-1}
mod_zip_src=${MOD_ZIP_SRC:-$repo/../shared/anchors/mod_zip}
modzip_buffers=${MODZIP_BUFFERS:-"4 64k"}
dir=${BENCH_DIR:-/tmp/formats-gateway-compare}
base_port=${BASE_PORT:-18480}
plain_port=$base_port modzip_port=$((base_port + 1)) gateway_port=$((base_port + 2))
mkdir -p "$dir"/{www/files,www/manifest,tmp,logs}
dir=$(cd "$dir" && pwd)

pids=()
perf_pid=
stop_all() {
  [[ -n $perf_pid ]] && kill -INT "$perf_pid" 2>/dev/null && wait "$perf_pid" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap stop_all EXIT INT TERM

# --- builds: mod_zip, the client, the gateway ------------------------------------------------------------------------
[[ -f $mod_zip_src/config ]] || { echo "mod_zip not found at $mod_zip_src (set MOD_ZIP_SRC)" >&2; exit 1; }
[[ -d /usr/share/nginx/src ]] || { echo "needs nginx-dev (/usr/share/nginx/src) and nginx-light or nginx" >&2; exit 1; }
so=$dir/build/ngx_http_zip_module.so
if [[ ! -f $so || $mod_zip_src/ngx_http_zip_module.c -nt $so ]]; then
  echo "building mod_zip from $mod_zip_src" >&2
  rm -rf "$dir/build" && mkdir -p "$dir/build" && cp -r /usr/share/nginx/src "$dir/build/nginx"
  (cd "$dir/build/nginx" && . ./conf_flags && ./configure --with-compat "${NGX_CONF_FLAGS[@]}" \
    --add-dynamic-module="$(cd "$mod_zip_src" && pwd)" > ../configure.log 2>&1 &&
    make -f objs/Makefile modules > ../make.log 2>&1) || { echo "mod_zip build failed: $dir/build/*.log" >&2; exit 1; }
  cp "$dir/build/nginx/objs/ngx_http_zip_module.so" "$so"
fi

client=$dir/gateway-client
if [[ ! -x $client || bench/gateway-client/main.go -nt $client ]]; then
  HOME=${HOME:-$dir} GOCACHE=${GOCACHE:-$dir/gocache} go build -o "$client" bench/gateway-client/main.go
fi

gateway=${GATEWAY_BIN:-}
if [[ -z $gateway ]]; then
  build=${GATEWAY_BUILD:-aot}
  echo "publishing formats (Release, $build)" >&2
  publish=(-c Release -o "$dir/gateway-$build" -v q -nologo)
  [[ $build == aot ]] && publish+=(-r linux-x64 -p:PublishAot=true)
  dotnet publish src/Formats.Cli "${publish[@]}" > "$dir/logs/publish.log" 2>&1 || { cat "$dir/logs/publish.log" >&2; exit 1; }
  gateway=$dir/gateway-$build/formats
fi

# --- data: members, one file of their total size, the two manifests --------------------------------------------------
stamp=$dir/www/.done-$members-$member_mib
if [[ ! -f $stamp ]]; then
  echo "writing $members files of $member_mib MiB" >&2
  rm -rf "$dir/www/files" "$dir/www/whole.bin" "$dir/www"/.done-* && mkdir -p "$dir/www/files"
  for i in $(seq -w 1 "$members"); do head -c $((member_mib << 20)) /dev/urandom > "$dir/www/files/m$i.bin"; done
  cat "$dir/www/files"/*.bin > "$dir/www/whole.bin"
  /usr/bin/python3 - "$dir/www" <<'PY'
import os, sys, zlib
www = sys.argv[1]
names = sorted(os.listdir(os.path.join(www, "files")))
with open(os.path.join(www, "manifest/crc.txt"), "w") as crc, open(os.path.join(www, "manifest/nocrc.txt"), "w") as nocrc:
    for name in names:
        path, value = os.path.join(www, "files", name), 0
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                value = zlib.crc32(chunk, value)
        size = os.path.getsize(path)
        crc.write(f"{value:08x} {size} /files/{name} {name}\n")
        nocrc.write(f"- {size} /files/{name} {name}\n")
PY
  touch "$stamp"
fi
cat "$dir/www/files"/*.bin "$dir/www/whole.bin" > /dev/null
chmod -R a+rX "$dir/www"

# --- servers ----------------------------------------------------------------------------------------------------------
common="worker_processes auto; daemon off; pid PIDFILE; events { worker_connections 4096; }"
http_common="access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000; types { } default_type application/octet-stream;
  client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy; fastcgi_temp_path $dir/tmp/fcgi;
  uwsgi_temp_path $dir/tmp/uwsgi; scgi_temp_path $dir/tmp/scgi;"
user_line=""
[[ $(id -u) == 0 ]] && user_line="user nobody nogroup;"

cat > "$dir/plain.conf" <<EOF
$user_line ${common/PIDFILE/$dir/tmp/plain.pid}
http { $http_common
  server { listen 127.0.0.1:$plain_port; root $dir/www;
    location /manifest/ { add_header X-Archive-Files zip; } } }
EOF

buffers=""
if [[ $modzip_buffers != default ]]; then
  buffers="proxy_buffers $modzip_buffers; proxy_buffer_size ${modzip_buffers#* };"
fi
cat > "$dir/modzip.conf" <<EOF
load_module $so;
$user_line ${common/PIDFILE/$dir/tmp/modzip.pid}
http { $http_common
  upstream plain { server 127.0.0.1:$plain_port; keepalive 256; }
  server { listen 127.0.0.1:$modzip_port;
    location / { proxy_pass http://plain; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_max_temp_file_size 0; $buffers } } }
EOF

start_nginx() { # NAME
  nginx -p "$dir/tmp" -e "$dir/logs/$1-error.log" -c "$dir/$1.conf" &
  pids+=($!)
}
start_nginx plain
start_nginx modzip
plain_pid=${pids[0]} modzip_pid=${pids[1]}

# JIT code is mapped twice (write xor execute) unless told otherwise, and perf then cannot name it.
if [[ -n ${PERF_OUT:-} ]]; then export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0; fi
# shellcheck disable=SC2086
"$gateway" gateway --upstream "http://127.0.0.1:$plain_port" --urls "http://127.0.0.1:$gateway_port" ${GATEWAY_ARGS:-} \
  > "$dir/logs/gateway.log" 2> "$dir/logs/gateway-error.log" &
gateway_pid=$!
pids+=("$gateway_pid")

if [[ -n ${GATEWAY_BIN_B:-} ]]; then # a second build in mod_zip's place: the before and after of a change, alternated
  modzip_port=$((base_port + 3))
  # shellcheck disable=SC2086
  "$GATEWAY_BIN_B" gateway --upstream "http://127.0.0.1:$plain_port" --urls "http://127.0.0.1:$modzip_port" ${GATEWAY_ARGS:-} \
    > "$dir/logs/gateway-b.log" 2> "$dir/logs/gateway-b-error.log" &
  modzip_pid=$!
  pids+=("$modzip_pid")
fi

for port in "$plain_port" "$modzip_port" "$gateway_port"; do
  for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  curl -s -o /dev/null "http://127.0.0.1:$port/" || { echo "nothing answers on port $port (see $dir/logs)" >&2; exit 1; }
done

# --- measuring --------------------------------------------------------------------------------------------------------
tick=$(getconf CLK_TCK)
procs() { echo "$1"; pgrep -P "$1" || true; } # a server's processes: itself and its children (nginx's workers)
cpu_ticks() { local t=0 p; for p in $(procs "$1"); do t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}'))); done; echo $t; }
reset_peak() { local p; for p in $(procs "$1"); do echo 5 > "/proc/$p/clear_refs" 2>/dev/null || true; done; }
peak_kib() { local t=0 p; for p in $(procs "$1"); do t=$((t + $(awk '/VmHWM/ {print $2}' "/proc/$p/status"))); done; echo $t; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }

declare -A wall ttfb cpu aborted
# round SIDE PID URL N: one round; appends its figures to the side's lists
round() {
  local side=$1 pid=$2 url=$3 n=$4 before after line bytes
  before=$(cpu_ticks "$pid")
  line=$("$client" "$url" "$n")
  after=$(cpu_ticks "$pid")
  bytes=$(field bytes <<< "$line")
  wall[$side]+="$(field wall_ms <<< "$line") "
  ttfb[$side]+="$(field ttfb_median_ms <<< "$line") "
  aborted[$side]=$((${aborted[$side]:-0} + $(field aborted <<< "$line")))
  cpu[$side]+="$(awk -v t=$((after - before)) -v k="$tick" -v b="$bytes" 'BEGIN {printf "%.3f", b ? t / k / (b / 1073741824) : 0}') "
}
med() { tr ' ' '\n' | grep . | median; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN {printf "%.2f", y ? x / y : 0}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }

gw_url="http://127.0.0.1:$gateway_port" mz_url="http://127.0.0.1:$modzip_port"
echo "warming up" >&2 # the gateway's JIT (tiered: hot methods are compiled again after about 30 calls), nginx's connections
for _ in 1 2 3; do
  for m in $manifests; do
    "$client" "$gw_url/manifest/$m.txt" 4 > /dev/null
    "$client" "$mz_url/manifest/$m.txt" 4 > /dev/null
  done
  if [[ $yarp == 1 ]]; then "$client" "$gw_url/whole.bin" 4 > /dev/null; fi
done
if [[ -n ${PERF_OUT:-} ]]; then # after the warm-up: the profile is of the measured rounds
  perf record -g -F 499 -p "$gateway_pid" -o "$PERF_OUT" > "$dir/logs/perf.log" 2>&1 &
  perf_pid=$!
fi

rows=() yarp_rows=()
total_gib=$(awk -v m="$members" -v s="$member_mib" 'BEGIN {printf "%.2f", m * s / 1024}')
for n in $clients_list; do
  for m in $manifests; do
    wall=() ttfb=() cpu=() aborted=()
    reset_peak "$gateway_pid"; reset_peak "$modzip_pid"
    with_yarp=0; [[ $yarp == 1 && $m == crc ]] && with_yarp=1
    for r in $(seq "$rounds"); do
      echo "clients $n, manifest $m, round $r of $rounds" >&2
      round gateway "$gateway_pid" "$gw_url/manifest/$m.txt" "$n"
      round modzip "$modzip_pid" "$mz_url/manifest/$m.txt" "$n"
      if [[ $with_yarp == 1 ]]; then round yarp "$gateway_pid" "$gw_url/whole.bin" "$n"; fi
    done
    gw_peak=$(peak_kib "$gateway_pid") mz_peak=$(peak_kib "$modzip_pid")
    gw_wall=$(med <<< "${wall[gateway]}") mz_wall=$(med <<< "${wall[modzip]}")
    gw_cpu=$(med <<< "${cpu[gateway]}") mz_cpu=$(med <<< "${cpu[modzip]}")
    label="with CRC-32s"; [[ $m == nocrc ]] && label="without CRC-32s"
    rows+=("| $n | $label | $gw_wall | $mz_wall | $(ratio "$gw_wall" "$mz_wall") | $gw_cpu | $mz_cpu | $(ratio "$gw_cpu" "$mz_cpu") | $(med <<< "${ttfb[gateway]}") / $(med <<< "${ttfb[modzip]}") | $(mb "$gw_peak") / $(mb "$mz_peak") | ${aborted[gateway]:-0} / ${aborted[modzip]:-0} |")
    if [[ $with_yarp == 1 ]]; then
      y_wall=$(med <<< "${wall[yarp]}")
      yarp_rows+=("| $n | $y_wall | $gw_wall | $(ratio "$y_wall" "$gw_wall")x | $(med <<< "${cpu[yarp]}") | $gw_cpu | ${aborted[yarp]:-0} |")
    fi
  done
done

echo
echo "$members members of $member_mib MiB ($total_gib GiB per download), medians of $rounds alternated rounds; mod_zip proxy_buffers: $modzip_buffers"
echo
echo "| clients | manifest | gateway wall ms | mod_zip wall ms | wall gateway / mod_zip | gateway CPU s/GiB | mod_zip CPU s/GiB | CPU gateway / mod_zip | TTFB ms gateway / mod_zip | peak RSS MB gateway / mod_zip | aborted gateway / mod_zip |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
if ((${#yarp_rows[@]})); then
  echo
  echo "| clients | YARP alone, one file of $total_gib GiB, wall ms | gateway zip with CRC-32s, wall ms | gateway throughput vs YARP | YARP CPU s/GiB | gateway CPU s/GiB | aborted (YARP) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${yarp_rows[@]}"
fi
