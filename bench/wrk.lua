-- wrk script: authenticated requests. TOKEN, METHOD, BODY come from the environment.
wrk.method = os.getenv("METHOD") or "GET"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or "")
local body = os.getenv("BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

done = function(summary, latency, requests)
  -- The latency histogram in 0.1 ms buckets ("bucket:count ..."): report.py merges the four replicas' wrk
  -- runs into the percentiles of all requests, not only each quarter's.
  local buckets = {}
  for i = 1, #latency do
    local us, count = latency(i)
    local b = math.floor(us / 100)
    buckets[b] = (buckets[b] or 0) + count
  end
  local hist = {}
  for b, count in pairs(buckets) do hist[#hist + 1] = b .. ":" .. count end
  io.write(string.format("JSON {\"requests\": %d, \"seconds\": %.3f, \"errors\": %d, \"non2xx\": %d, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"hist\": \"%s\"}\n",
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, table.concat(hist, " ")))
end
