#!/usr/bin/env bash
# Measures Articula scaled out: 1 and then 3 instances of the binary on one PostgreSQL database,
# behind nginx (round robin, keep-alive), on this machine. For each: reads per second and latency
# (statistics and the map, answered from memory), writes per second and latency (initiatives
# registered, each acknowledged once its instance's read models have it), how long another
# instance takes to show a write (`min_position`), and each instance's memory. Figures go to
# docs/scaling.md.
#
#   cargo build --release -p gateway
#   ops/bench/scaling.sh [--binary target/release/articula] [--server postgres://postgres@127.0.0.1:5432]
#                        [--reads 20000] [--writes 2000] [--concurrency 32]
#
# Needs nginx, ab (Debian's apache2-utils), psql and curl. Works in a scratch database
# (articula_bench_scaling_<pid>) that is dropped at the end; everything listens on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."

binary=target/release/articula
server=postgres://postgres@127.0.0.1:5432
reads=20000
writes=2000
concurrency=32
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --server) server="${2%/}"; shift 2 ;;
    --reads) reads="$2"; shift 2 ;;
    --writes) writes="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
for tool in nginx ab psql curl; do
  command -v "$tool" >/dev/null || { echo "scaling.sh: $tool is needed" >&2; exit 1; }
done
[ -x "$binary" ] || { echo "scaling.sh: no binary at $binary (cargo build --release -p gateway)" >&2; exit 1; }

db="articula_bench_scaling_$$"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$server/postgres" -XqAc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
psql "$server/postgres" -XqAc "CREATE DATABASE $db" >/dev/null
export DATABASE_URL="$server/$db"
export ARTICULA_WRITES_PER_ACCOUNT_PER_MINUTE=100000000
export ARTICULA_TRUSTED_PROXIES=127.0.0.1
export RUST_LOG=warn
"$binary" migrate >/dev/null
"$binary" seed >/dev/null 2>&1

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() {
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$1/ready" >/dev/null && return 0
    sleep 0.1
  done
  echo "scaling.sh: the instance on port $1 never became ready" >&2
  exit 1
}
# ab's summary: requests per second, then the 50th and 99th percentile in ms.
ab_figures() {
  local out="$1"
  if grep -q '^Non-2xx responses' "$out"; then
    echo "scaling.sh: some requests failed:" >&2
    cat "$out" >&2
    exit 1
  fi
  printf '%s %s %s\n' \
    "$(awk '/^Requests per second/ {printf "%.0f", $4}' "$out")" \
    "$(awk '$1 == "50%" {print $2}' "$out")" \
    "$(awk '$1 == "99%" {print $2}' "$out")"
}


echo "| instances | stats reads/s (p50, p99 ms) | map reads/s (p50, p99 ms) | writes/s (p50, p99 ms) | another instance shows a write (median, max ms) | memory per instance (MiB) |"
echo "|---|---|---|---|---|---|"
token=""
for n in 1 3; do
  ports=()
  for _ in $(seq 1 "$n"); do
    port="$(free_port)"
    "$binary" serve --port "$port" 2>>"$work/articula.log" &
    pids+=("$!")
    ports+=("$port")
  done
  for port in "${ports[@]}"; do wait_ready "$port"; done
  if [ -z "$token" ]; then
    body='{"email":"bench@example.org","display_name":"Bench","password":"correct horse battery staple"}'
    curl -fsS -o /dev/null -H 'content-type: application/json' -d "$body" "http://127.0.0.1:${ports[0]}/v1/accounts"
    # The address is confirmed with the account and secret of the confirmation mail, read
    # from the outbox (the benchmark stands in for the inbox).
    mail=""
    for _ in $(seq 1 100); do
      mail="$(psql "$DATABASE_URL" -XqAtc "SELECT body_text FROM notifications WHERE kind = 'confirm_address' ORDER BY created_at DESC LIMIT 1")"
      [ -n "$mail" ] && break
      sleep 0.1
    done
    account="$(sed -n 's/^account_id: //p' <<<"$mail")"
    secret="$(sed -n 's/^secret: //p' <<<"$mail")"
    curl -fsS -o /dev/null -H 'content-type: application/json' \
      -d "{\"account_id\":\"$account\",\"secret\":\"$secret\",\"password\":\"correct horse battery staple\"}" \
      "http://127.0.0.1:${ports[0]}/v1/accounts/confirmation"
    token="$(curl -fsS -H 'content-type: application/json' \
      -d '{"email":"bench@example.org","password":"correct horse battery staple"}' \
      "http://127.0.0.1:${ports[0]}/v1/sessions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
  fi

  proxy="$(free_port)"
  upstreams=""
  for port in "${ports[@]}"; do upstreams+="server 127.0.0.1:$port; "; done
  mkdir -p "$work/nginx-$n"
  cat >"$work/nginx-$n/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $work/nginx-$n/pid; error_log $work/nginx-$n/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-$n/body; proxy_temp_path $work/nginx-$n/proxy;
  fastcgi_temp_path $work/nginx-$n/f; uwsgi_temp_path $work/nginx-$n/u; scgi_temp_path $work/nginx-$n/s;
  upstream articula { $upstreams keepalive 64; }
  server {
    listen 127.0.0.1:$proxy;
    location / {
      proxy_pass http://articula; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
CONF
  nginx -p "$work/nginx-$n/" -c "$work/nginx-$n/nginx.conf" &
  nginx_pid=$!
  pids+=("$nginx_pid")
  wait_ready "$proxy"

  base="http://127.0.0.1:$proxy"
  ab -k -q -n "$reads" -c "$concurrency" "$base/v1/stats" >"$work/stats.txt"
  ab -k -q -n "$reads" -c "$concurrency" "$base/v1/map" >"$work/map.txt"
  ab -k -q -n "$writes" -c "$concurrency" -p ops/bench/initiative.json -T application/json \
    -H "Authorization: Bearer $token" "$base/v1/initiatives" >"$work/writes.txt"

  # A write on the first instance, then a read on the last one that waits for it.
  samples=()
  for _ in $(seq 1 20); do
    position="$(curl -fsS -H "authorization: Bearer $token" -H 'content-type: application/json' \
      -d @ops/bench/initiative.json "http://127.0.0.1:${ports[0]}/v1/initiatives" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["position"])')"
    samples+=("$(curl -fsS -o /dev/null -w '%{time_total}' \
      "http://127.0.0.1:${ports[$((n - 1))]}/v1/stats?min_position=$position")")
  done
  visible="$(printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1*1000} END {printf "%.1f, %.1f", a[int((NR+1)/2)], a[NR]}')"

  memory=""
  for pid in "${pids[@]:0:$n}"; do
    memory+="$(( $(ps -o rss= -p "$pid") / 1024 )) "
  done

  read -r s_rps s_p50 s_p99 <<<"$(ab_figures "$work/stats.txt")"
  read -r m_rps m_p50 m_p99 <<<"$(ab_figures "$work/map.txt")"
  read -r w_rps w_p50 w_p99 <<<"$(ab_figures "$work/writes.txt")"
  echo "| $n | $s_rps ($s_p50, $s_p99) | $m_rps ($m_p50, $m_p99) | $w_rps ($w_p50, $w_p99) | $visible | ${memory% } |"

  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
done
