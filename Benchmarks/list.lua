-- wrk script: list work orders (first page of 50).
--   KEFU_BENCH_TOKEN=... \
--     wrk -t2 -c16 -d15s --latency -s Benchmarks/list.lua 'http://127.0.0.1:18090/api/v1/work-orders?limit=50'
-- Prints a machine-readable "wrk_result ..." line at the end (see done()).

local token = os.getenv("KEFU_BENCH_TOKEN")
if token == nil or token == "" then error("KEFU_BENCH_TOKEN is not set") end

wrk.method = "GET"
wrk.path = "/api/v1/work-orders?limit=50"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "wrk_result script=list requests=%d seconds=%.3f rps=%.2f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
