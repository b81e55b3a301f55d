-- wrk script for bench/run.sh: every request is the same small chat completion POST.
-- The authorization header comes from BENCH_KEY (the gateway's master key); the static
-- nginx targets ignore it. It is sent to all targets so the request bytes are identical.

wrk.method = "POST"
-- BENCH_MODEL picks the gateway's public model: "bench" is native passthrough to an OpenAI-format
-- upstream, "bench-anthropic" the same request translated to an Anthropic-format upstream.
wrk.body = '{"model":"' .. (os.getenv("BENCH_MODEL") or "bench") .. '","messages":[{"role":"user","content":"Hello"}]}'
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "")

-- Print one machine-readable line that run.sh parses instead of wrk's human output.
-- latency:percentile() is in microseconds; summary.duration is in microseconds;
-- summary.errors.status counts non-2xx/3xx responses.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d rps=%.2f p50_us=%.1f p99_us=%.1f mean_us=%.1f " ..
    "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.mean,
    e.status, e.connect, e.read, e.write, e.timeout))
end
