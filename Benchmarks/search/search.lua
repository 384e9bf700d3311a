-- wrk script: the header search box, many people at once.
--   KEFU_BENCH_TOKEN=... KEFU_SEARCH_QUERIES=queries.txt \
--     wrk -t2 -c20 -d30s --latency -s Benchmarks/search/search.lua http://127.0.0.1:18150
-- Each request takes the next line of KEFU_SEARCH_QUERIES (URL-encoded queries, one per
-- line), so every connection walks the whole mix. Prints a "wrk_result ..." line at the end.

local token = os.getenv("KEFU_BENCH_TOKEN")
local file = os.getenv("KEFU_SEARCH_QUERIES")
if token == nil or token == "" then error("KEFU_BENCH_TOKEN is not set") end
if file == nil or file == "" then error("KEFU_SEARCH_QUERIES is not set") end

local queries = {}
for line in io.lines(file) do
  if line ~= "" then table.insert(queries, line) end
end
if #queries == 0 then error("no queries in " .. file) end

local counter = 0
local statuses = {}

setup = function(thread)
  thread:set("offset", #statuses)
  table.insert(statuses, thread)
end

init = function(args)
  counter = offset * 7
end

request = function()
  counter = counter + 1
  local q = queries[(counter % #queries) + 1]
  return wrk.format("GET", "/api/v1/search?limit=10&q=" .. q,
    { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" })
end

done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "wrk_result script=search requests=%d seconds=%.3f rps=%.2f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
