# Sourced by bench/run.sh and bench/streams.sh: messages on stderr under the script's tag
# (BENCH_TAG, set before sourcing), and the check of their numeric knobs.
log() { printf '[%s] %s\n' "$BENCH_TAG" "$*" >&2; }
die() { log "error: $*"; exit 1; }
positive() {   # positive VAR...: each must be a positive whole number, else the script stops naming it
  local v
  for v in "$@"; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive whole number, got '${!v}'"
  done
}
