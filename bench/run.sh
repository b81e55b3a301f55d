#!/usr/bin/env bash
# Switchboard benchmark harness: the same chat completion POST, driven by wrk, against
#   direct  - a static nginx upstream answering a fixed chat.completion JSON,
#   proxy   - an nginx reverse proxy (keepalive upstream) in front of that upstream,
#   gateway - Switchboard, with a public model "bench" routed to that upstream (native passthrough),
#   translated - the same OpenAI request to Switchboard's "bench-anthropic", served by an
#             Anthropic-format static upstream: the cost of translating both ways (latency only).
# It measures saturation throughput and latency at concurrency 1, repeats that in ROUNDS
# rounds, and prints medians. See bench/README.md for the knobs and how to read the output.
# Everything listens on 127.0.0.1, lives in a private temp dir and is stopped on exit.
set -euo pipefail

ROUNDS="${ROUNDS:-3}"               # measurement rounds; medians are taken over them
DURATION="${DURATION:-10}"          # seconds per wrk run
WARMUP="${WARMUP:-40}"              # seconds of saturation load on the gateway before measuring (JIT)
CONNECTIONS="${CONNECTIONS:-64}"    # wrk connections for the saturation runs
THREADS="${THREADS:-2}"             # wrk threads for the saturation runs
NGINX_WORKERS="${NGINX_WORKERS:-auto}"  # worker_processes of both nginx instances
STATIC_PORT="${STATIC_PORT:-18081}"
PROXY_PORT="${PROXY_PORT:-18082}"
GATEWAY_PORT="${GATEWAY_PORT:-18083}"
BENCH_KEY="${BENCH_KEY:-bench-master-key-0123456789abcdef-0123456789}"
GOVERNED_KEY="bench-governed-key-0123456789abcdef-0123456789"

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$bench_dir/.." && pwd)"
lua="$bench_dir/post.lua"

BENCH_TAG=bench
# shellcheck source=bench/common.sh
. "$bench_dir/common.sh"

positive ROUNDS DURATION WARMUP CONNECTIONS THREADS STATIC_PORT PROXY_PORT GATEWAY_PORT
[ "$CONNECTIONS" -ge "$THREADS" ] || die "CONNECTIONS ($CONNECTIONS) must be >= THREADS ($THREADS)"

# ---------------------------------------------------------------------------- tools
PATH="$PATH:/usr/sbin"   # nginx lives in /usr/sbin, which is not on every user's PATH
need_pkgs=()
command -v nginx >/dev/null 2>&1 || need_pkgs+=(nginx-light)
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing ${need_pkgs[*]}; run as root or install them first"
  log "installing ${need_pkgs[*]} from Debian packages"
  # Debian's nginx package starts the system service on port 80 unless policy-rc.d forbids it;
  # this harness never uses that service, so stop it from starting while we install.
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
  fi
  apt_rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null; } || apt_rc=$?
  [ "$own_policy" -eq 0 ] || rm -f "$policy"
  [ "$apt_rc" -eq 0 ] || die "apt-get failed (exit $apt_rc)"
fi
command -v nginx >/dev/null 2>&1 || die "nginx not found after install"

# The launcher finds a JDK 21+ and (re)builds target/switchboard.jar when needed.
log "building the gateway jar if needed"
if ! build_out="$("$repo/switchboard" version 2>&1)"; then
  printf '%s\n' "$build_out" >&2
  die "'./switchboard version' failed"
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$STATIC_PORT" "$PROXY_PORT" "$GATEWAY_PORT"; do
  ! port_in_use "$p" || die "port $p on 127.0.0.1 is already in use (set STATIC_PORT/PROXY_PORT/GATEWAY_PORT)"
done

# ---------------------------------------------------------------------------- workspace and cleanup
tmp="$(mktemp -d -t switchboard-bench.XXXXXX)"
chmod 755 "$tmp"   # nginx workers drop to an unprivileged user when started as root
pids=()
wrk_pid=""      # set while a wrk run is going
sampler_pid=""  # set while the CPU sampler of a wrk run is going

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  # A wrk run still going (the script was interrupted): timeout passes the TERM on to wrk.
  if [ -n "$wrk_pid" ]; then kill -TERM "$wrk_pid" 2>/dev/null || true; wait "$wrk_pid" 2>/dev/null || true; fi
  if [ -n "$sampler_pid" ]; then kill -TERM "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; fi
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Give each process a few seconds to exit cleanly, then force it.
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
results_dir="$bench_dir/results"
mkdir -p "$results_dir"
summary_file="$results_dir/$stamp.txt"
raw_log="$results_dir/$stamp.log"   # every wrk output and the server logs, for digging
: >"$raw_log"

# ---------------------------------------------------------------------------- static upstream
# A fixed chat.completion (440 bytes, with usage). It must not contain ' or $ (nginx quoting).
reply='{"id":"chatcmpl-bench-000000000000000000000","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","system_fingerprint":"fp_bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! This is the fixed reply of the Switchboard benchmark upstream, about as long as a short answer.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":24,"total_tokens":33}}'

# The same answer in Anthropic's Messages format, for the translated target.
anthropic_reply='{"id":"msg_bench_000000000000000000000000","type":"message","role":"assistant","model":"claude-bench","content":[{"type":"text","text":"Hello! This is the fixed reply of the Switchboard benchmark upstream, about as long as a short answer."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":9,"output_tokens":24}}'

# Settings shared by both nginx instances. keepalive_requests is raised from its default
# (1000) so neither wrk nor the gateway has to reconnect during a run; access logs are off
# because the gateway logs nothing per request at LOG_LEVEL=warn either.
nginx_common() {
  local prefix="$1"
  cat <<EOF
worker_processes $NGINX_WORKERS;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events { worker_connections 4096; }
EOF
}
nginx_http_common() {
  local prefix="$1"
  cat <<EOF
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  client_body_temp_path $prefix/client_body;
  proxy_temp_path $prefix/proxy_temp;
EOF
}

start_nginx() {
  local name="$1" prefix="$tmp/nginx-$1"
  # -e sets the early error log so nginx never touches /var/log/nginx; -p keeps all
  # relative paths inside the prefix; daemon off keeps it a child we can stop by pid.
  nginx -e "$prefix/error.log" -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;' \
    >"$prefix/stdout.log" 2>&1 &
  pids+=("$!")
  log "started nginx ($name) pid $!"
}

mkdir -p "$tmp/nginx-static" "$tmp/nginx-proxy"
{
  nginx_common "$tmp/nginx-static"
  echo "http {"
  nginx_http_common "$tmp/nginx-static"
  cat <<EOF
  server {
    listen 127.0.0.1:$STATIC_PORT;
    location = /v1/chat/completions {
      default_type application/json;
      return 200 '$reply';
    }
    location = /v1/messages {
      default_type application/json;
      return 200 '$anthropic_reply';
    }
    location / { return 404; }
  }
}
EOF
} >"$tmp/nginx-static/nginx.conf"

# ---------------------------------------------------------------------------- reference hop
{
  nginx_common "$tmp/nginx-proxy"
  echo "http {"
  nginx_http_common "$tmp/nginx-proxy"
  cat <<EOF
  upstream static_upstream {
    server 127.0.0.1:$STATIC_PORT;
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    location / {
      proxy_pass http://static_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
} >"$tmp/nginx-proxy/nginx.conf"

nginx -t -q -e "$tmp/nginx-static/error.log" -p "$tmp/nginx-static" -c "$tmp/nginx-static/nginx.conf" \
  || die "static nginx config is invalid"
nginx -t -q -e "$tmp/nginx-proxy/error.log" -p "$tmp/nginx-proxy" -c "$tmp/nginx-proxy/nginx.conf" \
  || die "proxy nginx config is invalid"
start_nginx static
start_nginx proxy

# ---------------------------------------------------------------------------- gateway
cat >"$tmp/gateway.yaml" <<EOF
models:
  bench:
    - provider: openai-compatible
      upstreamModel: gpt-4o-mini
      baseUrl: http://127.0.0.1:$STATIC_PORT/v1
      pricing: { inputPerMTokens: 0.15, outputPerMTokens: 0.60 }
  bench-anthropic:
    - provider: anthropic
      upstreamModel: claude-bench
      baseUrl: http://127.0.0.1:$STATIC_PORT
      credentials: { apiKey: bench-upstream-key }
keys:
  # the governed target: limits and a budget that never refuse, so every check, reservation and
  # settlement runs on every request
  - name: bench-governed
    key: $GOVERNED_KEY
    limits: { rpm: 1000000000, tpm: 1000000000000, maxConcurrent: 1000000 }
    budget: { maxUsd: 1000000000, period: monthly }
EOF
mkdir -p "$tmp/gateway-data"
# The launcher execs java, so $! is the JVM's pid.
# A short shutdown grace keeps the cleanup quick; nothing is in flight by then.
HOST=127.0.0.1 PORT="$GATEWAY_PORT" MASTER_KEY="$BENCH_KEY" LOG_LEVEL=warn LOG_FORMAT=text SHUTDOWN_GRACE_SECONDS=2 \
  SWITCHBOARD_CONFIG="$tmp/gateway.yaml" SWITCHBOARD_DATA_DIR="$tmp/gateway-data" \
  "$repo/switchboard" >"$tmp/gateway.log" 2>&1 &
gateway_pid=$!
pids+=("$gateway_pid")
log "started gateway pid $gateway_pid"

wait_http() {   # wait_http URL SECONDS: until GET URL answers 200
  local url="$1" limit="$2" i
  for ((i = 0; i < limit * 10; i++)); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null)" = 200 ]; then return 0; fi
    sleep 0.1
  done
  return 1
}
post() {   # post URL [MODEL] [KEY]: the benchmark request once; prints "status<TAB>body"
  curl -s --max-time 5 -w '\t%{http_code}\t%{content_type}' -H 'content-type: application/json' \
    -H "authorization: Bearer ${3:-$BENCH_KEY}" -d '{"model":"'"${2:-bench}"'","messages":[{"role":"user","content":"Hello"}]}' "$1"
}
model_of() {   # model_of TARGET: the public model the benchmark request names
  if [ "$1" = translated ]; then echo bench-anthropic; else echo bench; fi
}
key_of() {   # key_of TARGET: the key the benchmark request sends (governed: a virtual key with limits and a budget)
  if [ "$1" = governed ]; then echo "$GOVERNED_KEY"; else echo "$BENCH_KEY"; fi
}

dump_logs() {
  {
    echo "==== gateway log"; cat "$tmp/gateway.log" 2>/dev/null || true
    echo "==== nginx static error.log"; cat "$tmp/nginx-static/error.log" 2>/dev/null || true
    echo "==== nginx proxy error.log"; cat "$tmp/nginx-proxy/error.log" 2>/dev/null || true
  } >>"$raw_log"
}

for t in "static:$STATIC_PORT" "proxy:$PROXY_PORT"; do
  for ((i = 0; i < 50; i++)); do port_in_use "${t#*:}" && break; sleep 0.1; done
  port_in_use "${t#*:}" || { dump_logs; die "nginx (${t%%:*}) did not start; see $raw_log"; }
done
if ! wait_http "http://127.0.0.1:$GATEWAY_PORT/health/ready" 60; then
  dump_logs; die "gateway not ready after 60 s; see $raw_log"
fi
java_bin="$(readlink -f "/proc/$gateway_pid/exe" 2>/dev/null || echo java)"
jdk_version="$("$java_bin" -version 2>&1 | head -1)"

# ---------------------------------------------------------------------------- sanity check
# Each target must answer the benchmark request with 200 and JSON; the gateway must have
# rewritten the model. Otherwise the numbers below would measure error paths.
declare -A url=(
  [direct]="http://127.0.0.1:$STATIC_PORT/v1/chat/completions"
  [proxy]="http://127.0.0.1:$PROXY_PORT/v1/chat/completions"
  [gateway]="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
  [translated]="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
  [governed]="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
)
for t in direct proxy gateway translated governed; do
  out="$(post "${url[$t]}" "$(model_of "$t")" "$(key_of "$t")")" || { dump_logs; die "$t: request failed"; }
  body="${out%%$'\t'*}"; rest="${out#*$'\t'}"; code="${rest%%$'\t'*}"; ctype="${rest#*$'\t'}"
  printf '==== sanity %s: %s %s %d bytes\n%s\n' "$t" "$code" "$ctype" "${#body}" "$body" >>"$raw_log"
  [ "$code" = 200 ] || { dump_logs; die "$t answered $code: $body"; }
  [[ "$ctype" == application/json* ]] || die "$t answered content-type '$ctype'"
  [[ "$body" == *'"usage"'* ]] || die "$t answer has no usage: $body"
  if [ "$t" = gateway ] || [ "$t" = translated ] || [ "$t" = governed ]; then
    [[ "$body" == *"\"model\":\"$(model_of "$t")\""* ]] || die "$t: the gateway did not answer with the public model: $body"
    [[ "$body" == *'"object":"chat.completion"'* ]] || die "$t: not an OpenAI answer: $body"
  fi
  log "sanity $t: $code, ${#body} bytes"
done

# ---------------------------------------------------------------------------- load
raw_tsv="$tmp/results.tsv"
printf 'round\tkind\ttarget\trps\tp50_us\tp99_us\tnon2xx\tsocket_errors\tother_cpu_pct\tsteal_pct\n' >"$raw_tsv"

# How much CPU did processes other than ours use during a run? On a shared machine that is
# the noise: it is printed per run so a disturbed run can be recognised. It is the growth of
# utime+stime of every process except ours (this script and its children, the two nginx
# instances and their workers, the JVM, wrk) and the kernel's ksoftirqd threads (which run
# loopback TCP work under load). Processes come and go (build tools fork JVMs), so a sampler
# snapshots /proc every second during the run; a process first seen after the start counts
# from zero. Neither /proc/stat (tick-sampled, it disagrees with per-process times for this
# ping-pong load) nor cutime (a reaped child's whole life at once) would be accurate.
clk_tck="$(getconf CLK_TCK)"
ncpu="$(nproc)"
cpu_snapshot() {   # cpu_snapshot TAG [MORE_OWN_PIDS...]: "TAG pid ticks" per process not ours
  # cat, not awk on the glob: processes that exit meanwhile must not stop the read.
  # A process that exits between the glob and the read makes cat fail: that must not end the run.
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v tag="$1" -v own=" $$ ${pids[*]} ${*:2} " '{
      if ($0 ~ /^[0-9]+ \(ksoftirqd\//) next
      pid = $1; sub(/^.*\) /, "")   # comm may hold spaces; fields restart after ") ", $2 = ppid
      if (index(own, " " pid " ") || index(own, " " $2 " ")) next
      print tag, pid, $12 + $13
    }'
}
# The hypervisor's share: time the VM's cores were ready to run but not given the CPU ("steal" in
# /proc/stat). A neighbour on the host shows here and nowhere else; it slows every target of a run.
cpu_steal() {   # cpu_steal: "steal total" jiffies of all cores so far
  awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print $9, t }' /proc/stat
}
steal_pct() {   # steal_pct BEFORE AFTER: the steal share between two cpu_steal readings
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); d = y[2] - x[2]
    printf "%.0f", (d > 0 ? 100 * (y[1] - x[1]) / d : 0) }'
}
other_cpu_pct() {   # other_cpu_pct SNAPSHOTS NANOSECONDS
  awk -v ns="$2" -v hz="$clk_tck" -v n="$ncpu" '
      { if (!($2 in base)) base[$2] = ($1 == "start") ? $3 : 0; last[$2] = $3 }
      END { for (p in last) sum += last[p] - base[p]; printf "%.0f", 100 * sum / (ns / 1e9 * hz * n) }' "$1"
}

# run_wrk ROUND KIND TARGET THREADS CONNS SECONDS: one wrk run, recorded in raw_tsv (ROUND 0 = warm-up).
run_wrk() {
  local round="$1" kind="$2" target="$3" threads="$4" conns="$5" secs="$6" out line
  local t0 t1 other steal0 steal
  cpu_snapshot start >"$tmp/cpu"; t0="$(date +%s%N)"; steal0="$(cpu_steal)"
  # timeout is only a safety net: wrk stops by itself after -d. It runs in the background and
  # is waited for, so that a signal to this script is handled at once, not after the run.
  BENCH_KEY="$(key_of "$target")" BENCH_MODEL="$(model_of "$target")" timeout --signal=INT --kill-after=10 "$((secs + 30))" \
    wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 5s --latency -s "$lua" "${url[$target]}" \
    >"$tmp/wrk.out" 2>&1 &
  wrk_pid=$!
  (while sleep 1; do cpu_snapshot run "$wrk_pid" "$BASHPID" >>"$tmp/cpu"; done) &
  sampler_pid=$!
  wait "$wrk_pid" || true
  wrk_pid=""
  kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=""
  t1="$(date +%s%N)"; cpu_snapshot end >>"$tmp/cpu"
  other="$(other_cpu_pct "$tmp/cpu" "$((t1 - t0))")"
  steal="$(steal_pct "$steal0" "$(cpu_steal)")"
  out="$(cat "$tmp/wrk.out")"
  printf '==== round %s %s %s (wrk -t%s -c%s -d%ss), other processes %s%% CPU, steal %s%%\n%s\n' \
    "$round" "$kind" "$target" "$threads" "$conns" "$secs" "$other" "$steal" "$out" >>"$raw_log"
  line="$(grep '^BENCH_RESULT ' <<<"$out" | tail -1)" || { dump_logs; die "wrk gave no result for $target; see $raw_log"; }
  # Turn "key=value" pairs into one TSV row.
  awk -v round="$round" -v kind="$kind" -v target="$target" -v other="$other" -v steal="$steal" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", round, kind, target, v["rps"], v["p50_us"], v["p99_us"],
        v["non2xx"], v["connect"] + v["read"] + v["write"] + v["timeout"], other, steal
    }' <<<"$line" >>"$raw_tsv"
  log "$(tail -1 "$raw_tsv" | awk -F'\t' '{printf "round %s %-3s %-7s %9.0f req/s  p50 %6.0f us  p99 %6.0f us  non2xx %d  sockerr %d  other CPU %s%%  steal %s%%", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}')"
}

log "warm-up: ${WARMUP}s on the gateway, 2s on each nginx target"
run_wrk 0 sat direct "$THREADS" "$CONNECTIONS" 2
run_wrk 0 sat proxy "$THREADS" "$CONNECTIONS" 2
run_wrk 0 sat gateway "$THREADS" "$CONNECTIONS" "$WARMUP"
run_wrk 0 sat translated "$THREADS" "$CONNECTIONS" "$(((WARMUP + 1) / 2))"
run_wrk 0 sat governed "$THREADS" "$CONNECTIONS" "$(((WARMUP + 1) / 2))"

targets=(direct proxy gateway governed)
for ((r = 1; r <= ROUNDS; r++)); do
  # Rotate which target goes first each round so slow drift on the shared machine does
  # not always hit the same target.
  order=()
  for ((k = 0; k < 4; k++)); do order+=("${targets[$(((r - 1 + k) % 4))]}"); done
  log "round $r/$ROUNDS: ${order[*]}"
  for t in "${order[@]}"; do run_wrk "$r" sat "$t" "$THREADS" "$CONNECTIONS" "$DURATION"; done
  for t in "${order[@]}" translated; do [ "$t" = governed ] || run_wrk "$r" lat "$t" 1 1 "$DURATION"; done
done

if ! kill -0 "$gateway_pid" 2>/dev/null; then dump_logs; die "the gateway died during the run; see $raw_log"; fi
dump_logs
cp "$raw_tsv" "$results_dir/$stamp.tsv"

# ---------------------------------------------------------------------------- summary
cpu_model="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
{
  echo "Switchboard benchmark $stamp"
  echo "machine: $(nproc) cores${cpu_model:+, $cpu_model}, $(uname -sr)"
  echo "load:    $load_at_start at start, $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) at end (1/5/15 min)"
  echo "jdk:     $jdk_version"
  echo "nginx:   $(nginx -v 2>&1 | sed 's/^nginx version: //') (worker_processes $NGINX_WORKERS); wrk: $(wrk -v 2>&1 | awk 'NR==1 {print $2}')"
  echo "knobs:   ROUNDS=$ROUNDS DURATION=${DURATION}s WARMUP=${WARMUP}s CONNECTIONS=$CONNECTIONS THREADS=$THREADS"
  echo "reply:   ${#reply} bytes from the static upstream"
  echo
  awk -F'\t' -v threads="$THREADS" -v conns="$CONNECTIONS" -v dur="$DURATION" '
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      if (n == 0) return "nan"
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function add(key, val) { vals[key] = (key in vals) ? vals[key] " " val : val }
    NR == 1 || $1 == 0 { next }   # header and warm-up
    {
      r = $1; k = $2; t = $3
      if (k == "sat") { rps[r, t] = $4; add("rps " t, $4) }
      else { p50[r, t] = $5; p99[r, t] = $6; add("p50 " t, $5); add("p99 " t, $6) }
      non2xx[t] += $7; sockerr[t] += $8
      add("other", $9); if ($9 + 0 > maxother) maxother = $9 + 0
      add("steal", $10); if ($10 + 0 > maxsteal) maxsteal = $10 + 0
      if (r > rounds) rounds = r
    }
    END {
      # Ratios and added latency are taken per round (same machine state), then the median.
      for (r = 1; r <= rounds; r++) {
        add("g/d", rps[r, "gateway"] / rps[r, "direct"]); add("g/p", rps[r, "gateway"] / rps[r, "proxy"])
        add("p/d", rps[r, "proxy"] / rps[r, "direct"]); add("gov/g", rps[r, "governed"] / rps[r, "gateway"])
        for (i = 1; i <= 3; i++) {
          t = (i == 1) ? "proxy" : (i == 2) ? "gateway" : "translated"
          add("+p50 " t, p50[r, t] - p50[r, "direct"]); add("+p99 " t, p99[r, t] - p99[r, "direct"])
        }
      }
      name["direct"] = "direct (nginx static)"; name["proxy"] = "nginx hop"; name["gateway"] = "gateway"
      name["translated"] = "gateway, translated"
      printf "Saturation: wrk -t%s -c%s -d%ss, median of %d rounds\n", threads, conns, dur, rounds
      printf "  %-24s %12s %14s\n", "target", "req/s", "vs direct"
      printf "  %-24s %12.0f %14s\n", name["direct"], median(vals["rps direct"]), "1.00"
      printf "  %-24s %12.0f %14.2f\n", name["proxy"], median(vals["rps proxy"]), median(vals["p/d"])
      printf "  %-24s %12.0f %14.2f\n", name["gateway"], median(vals["rps gateway"]), median(vals["g/d"])
      printf "  %-24s %12.0f %14s\n", "gateway, governed key", median(vals["rps governed"]), "-"
      printf "  gateway / direct = %.2f   gateway / nginx hop = %.2f   governed / gateway = %.2f   (medians of per-round ratios)\n\n",
        median(vals["g/d"]), median(vals["g/p"]), median(vals["gov/g"])
      printf "Latency at concurrency 1: wrk -t1 -c1 -d%ss, median of %d rounds, microseconds\n", dur, rounds
      printf "  %-24s %10s %10s %12s %12s\n", "target", "p50", "p99", "added p50", "added p99"
      printf "  %-24s %10.0f %10.0f %12s %12s\n", name["direct"], median(vals["p50 direct"]), median(vals["p99 direct"]), "-", "-"
      for (i = 1; i <= 3; i++) {
        t = (i == 1) ? "proxy" : (i == 2) ? "gateway" : "translated"
        printf "  %-24s %10.0f %10.0f %12.0f %12.0f\n", name[t], median(vals["p50 " t]), median(vals["p99 " t]),
          median(vals["+p50 " t]), median(vals["+p99 " t])
      }
      printf "  (added = target minus direct in the same round, then the median)\n\n"
      printf "Errors over all measured runs\n"
      printf "  %-24s %12s %14s\n", "target", "non-2xx/3xx", "socket errors"
      errs = 0
      name["governed"] = "gateway, governed key"
      for (i = 1; i <= 5; i++) {
        t = (i == 1) ? "direct" : (i == 2) ? "proxy" : (i == 3) ? "gateway" : (i == 4) ? "translated" : "governed"
        printf "  %-24s %12d %14d\n", name[t], non2xx[t], sockerr[t]; errs += non2xx[t] + sockerr[t]
      }
      gd = median(vals["g/d"]); gp = median(vals["g/p"]); ap = median(vals["+p50 gateway"])
      printf "\nBar (docs/performance.md)\n"
      printf "  gateway >= 40%% of direct at saturation    %5.0f%%    %s\n", 100 * gd, gd >= 0.40 ? "PASS" : "FAIL"
      printf "  gateway >= 70%% of nginx hop at saturation %5.0f%%    %s\n", 100 * gp, gp >= 0.70 ? "PASS" : "FAIL"
      printf "  added p50 <= 200 us at concurrency 1      %5.0f us  %s\n", ap, ap <= 200 ? "PASS" : "FAIL"
      printf "  zero errors                               %5d     %s\n", errs, errs == 0 ? "PASS" : "FAIL"
      # issue 4: translating (OpenAI client, Anthropic-format upstream) adds at most 1.5x what native
      # passthrough adds, or 50 us more, whichever is larger
      tp = median(vals["+p50 translated"]); lim = (1.5 * ap > ap + 50) ? 1.5 * ap : ap + 50
      printf "  translated added p50 <= max(1.5x, +50 us) of native (%.0f us)  %5.0f us  %s\n", lim, tp, tp <= lim ? "PASS" : "FAIL"
      # issue 6: limits, a budget and usage accounting cost at most 15% of throughput
      gg = median(vals["gov/g"])
      printf "  governed key >= 85%% of the master key throughput  %5.0f%%    %s\n", 100 * gg, gg >= 0.85 ? "PASS" : "FAIL"
      printf "\nNoise: processes outside the benchmark used a median %.0f%% (max %.0f%%) of all cores during the\n", \
        median(vals["other"]), maxother
      printf "measured runs; above ~10%% the absolute numbers are disturbed, compare the ratios (see bench/README.md).\n"
      printf "The hypervisor withheld a median %.0f%% (max %.0f%%) of the cores (steal): the same caveat.\n", \
        median(vals["steal"]), maxsteal
    }' "$raw_tsv"
  echo
  echo "Per-run results (other CPU = share of all cores used by processes outside this benchmark; steal = withheld by the hypervisor):"
  printf '  %5s %4s %-8s %10s %8s %8s %7s %7s %9s %6s\n' round kind target req/s 'p50 us' 'p99 us' non-2xx sockerr 'other CPU' steal
  awk -F'\t' 'NR > 1 && $1 > 0 {printf "  %5s %4s %-8s %10.0f %8.0f %8.0f %7d %7d %8s%% %5s%%\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}' "$raw_tsv"
} | tee "$summary_file"
log "summary written to $summary_file (raw wrk output and server logs: $raw_log)"
