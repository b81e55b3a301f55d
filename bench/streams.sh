#!/usr/bin/env bash
# Many concurrent SSE streams through Switchboard, each checked whole (bench/StreamsCheck.java):
# the simulator (`./switchboard simulate`) as an OpenAI-format upstream, the gateway started by
# the launcher with its defaults, STREAMS streams opened over RAMP_MS, each echoing WORDS words
# one every TOKEN_MS. Prints how many came back exactly, the most open at once and the
# gateway's peak RSS; exits non-zero when a stream failed. See bench/README.md.
set -euo pipefail

STREAMS="${STREAMS:-5000}"
WORDS="${WORDS:-40}"
TOKEN_MS="${TOKEN_MS:-250}"
RAMP_MS="${RAMP_MS:-5000}"
SIM_PORT="${SIM_PORT:-18091}"
GATEWAY_PORT="${GATEWAY_PORT:-18092}"
KEY="bench-master-key-0123456789abcdef-0123456789"

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$bench_dir/.." && pwd)"
BENCH_TAG=streams
# shellcheck source=bench/common.sh
. "$bench_dir/common.sh"
positive STREAMS WORDS TOKEN_MS RAMP_MS SIM_PORT GATEWAY_PORT

# two sockets a stream in the gateway, one in the simulator and one in the client
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -gt $((STREAMS * 2 + 1000)) ] \
  || die "open files limit $(ulimit -n) is too low for $STREAMS streams (ulimit -n)"

log "building the gateway jar if needed"
"$repo/switchboard" version >/dev/null || die "'./switchboard version' failed"

tmp="$(mktemp -d -t switchboard-streams.XXXXXX)"
pids=()
cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$repo/switchboard" simulate --port "$SIM_PORT" >"$tmp/simulator.log" 2>&1 &
pids+=("$!")
cat >"$tmp/gateway.yaml" <<EOF
models:
  streams:
    - { provider: openai-compatible, upstreamModel: echo, baseUrl: "http://127.0.0.1:$SIM_PORT/v1" }
EOF
mkdir -p "$tmp/data"
HOST=127.0.0.1 PORT="$GATEWAY_PORT" MASTER_KEY="$KEY" LOG_LEVEL=warn LOG_FORMAT=text SHUTDOWN_GRACE_SECONDS=2 \
  SWITCHBOARD_CONFIG="$tmp/gateway.yaml" SWITCHBOARD_DATA_DIR="$tmp/data" \
  "$repo/switchboard" >"$tmp/gateway.log" 2>&1 &
gateway_pid=$!
pids+=("$gateway_pid")

for _ in $(seq 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GATEWAY_PORT/health/ready")" = 200 ] && break
  sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GATEWAY_PORT/health/ready")" = 200 ] \
  || { cat "$tmp/gateway.log" >&2; die "gateway not ready"; }

java_bin="$(readlink -f "/proc/$gateway_pid/exe")"
log "$STREAMS streams of $WORDS words, one every $TOKEN_MS ms, opened over $RAMP_MS ms ($("$java_bin" -version 2>&1 | head -1))"
rc=0
"$java_bin" -cp "$repo/target/switchboard.jar" "$bench_dir/StreamsCheck.java" 127.0.0.1 "$GATEWAY_PORT" "$KEY" streams \
  "$STREAMS" "$WORDS" "$TOKEN_MS" "$RAMP_MS" "$gateway_pid" 2>"$tmp/check.log" || rc=$?
if [ "$rc" != 0 ]; then log "the check's own errors:"; grep -v '^WARNING' "$tmp/check.log" | head -20 >&2; fi
if grep -q WARN "$tmp/gateway.log"; then
  log "gateway warnings:"; grep WARN "$tmp/gateway.log" | sort | uniq -c | sort -rn | head -5 >&2
fi
exit "$rc"
