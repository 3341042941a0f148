-- wrk script: every request is GET <path> with "Authorization: Bearer <token>", the tokens taken in turn
-- from a file (one per line). The requests are formatted once, in init, so both workloads cost wrk the
-- same: a file of one token is the same-token workload, a file of many thousand the fresh-token one.
--   wrk ... -s tokens.lua <url> -- <token-file> <start-index>
-- Thread j of T sends tokens start+j, start+j+T, start+j+2T, ... (modulo the file's length), so the
-- threads together walk the file in order; done() prints the index the next run should start at, so
-- consecutive runs continue the walk instead of reusing recently sent tokens.
local threads = {}
local nthreads = 0

function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  table.insert(threads, thread)
end

function init(args)
  local reqs = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      -- the -H headers of the command line (wrk.headers) go along, e.g. "Connection: close"
      local headers = {}
      for k, v in pairs(wrk.headers) do headers[k] = v end
      headers["Authorization"] = "Bearer " .. line
      reqs[#reqs + 1] = wrk.format("GET", wrk.path, headers)
    end
  end
  requests_ = reqs
  count_ = #reqs
  step_ = 0
  start_ = tonumber(args[2] or "0") or 0
  -- the number of threads is not known in init; wrk's -t value is passed as the third argument
  nth_ = tonumber(args[3] or "1") or 1
end

function request()
  local idx = (start_ + tid + step_ * nth_) % count_
  step_ = step_ + 1
  return requests_[idx + 1]
end

function done(summary, latency, requests)
  local maxstep = 0
  for _, t in ipairs(threads) do
    local s = t:get("step_")
    if s and s > maxstep then maxstep = s end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d next_steps=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout, maxstep))
end
