-- wrk script: optional JSON POST body from the environment, and a JSON summary at the end.
-- BENCH_METHOD (default GET) and BENCH_BODY set the request; headers come from wrk -H.

local method = os.getenv("BENCH_METHOD")
if method and method ~= "" then
  wrk.method = method
end
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,'
      .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
