-- wrk script for the pixel benchmarks.
--   wrk ... -s bench/pixel.lua URL -- <duration_s> <keys> [tail_ms] [key_prefix] [path] [budget] [marker] [clients]
-- Each thread builds its requests in init: <keys> distinct keys "<key_prefix><n>" for <path> (default
-- /headcount/pixel.gif), every thread starting at another key. keys=0 means endless distinct keys
-- "<key_prefix><thread>-<n>", generated on the fly (for filling a counter with a million keys); with a budget,
-- each thread stops after sending that many keyed requests and creates the file "<marker><thread>", so the
-- caller can end wrk (SIGINT) instead of waiting out the duration.
-- For the last <tail_ms> of the run (default 500) the requests carry no key, so they are answered but not
-- counted: when wrk cuts its connections at the end, no counted request is in flight, and the hits a
-- server flushes must equal exactly the keyed requests sent (every one of which wrk saw answered).
-- With <clients> > 0 every keyed request names a client in X-Forwarded-For, one of <clients> addresses 10.x.y.z,
-- each key coming from other clients on other passes (the server needs a trusted-proxy valve to believe it):
-- many readers, each with a few keys and a few hits per key, as the per-client limits see real traffic.
-- done() prints one line: WRK_RESULT name=value ...

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
local next_id = 0

function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end

local requests, count, index, deadline, tail_request, prefix, path, verifying, budget, marker
keyed, keyless = 0, 0

function init(args)
    local duration_s = tonumber(args[1]) or 10
    count = tonumber(args[2]) or 10000
    local tail_ms = tonumber(args[3]) or 500
    prefix = args[4] or "/bench/page-"
    path = args[5] or "/headcount/pixel.gif"
    budget = tonumber(args[6]) or 0
    marker = args[7]
    local clients = tonumber(args[8]) or 0
    deadline = now_ms() + duration_s * 1000 - tail_ms
    -- wrk calls the first thread's request() once before the run to check it parses; that one is never sent.
    verifying = id == 0
    tail_request = wrk.format("GET", path)
    if count > 0 then
        requests = {}
        local passes = clients > 0 and 5 or 1
        for pass = 0, passes - 1 do
            for n = 0, count - 1 do
                local headers = nil
                if clients > 0 then
                    local c = (n * 7919 + pass * 104729) % clients
                    headers = {["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(c / 65536) % 256, math.floor(c / 256) % 256, c % 256)}
                end
                requests[pass * count + n + 1] = wrk.format("GET", path .. "?key=" .. prefix .. n, headers)
            end
        end
        count = #requests
        index = (id * 7919) % count -- threads start at different keys
    else
        index = 0
    end
end

function request()
    if verifying then
        verifying = false
        return tail_request
    end
    if now_ms() >= deadline or (budget > 0 and keyed >= budget) then
        if budget > 0 and keyed >= budget then
            if marker then
                io.open(marker .. id, "w"):close()
                marker = nil
            end
            wrk.thread:stop()
        end
        keyless = keyless + 1
        return tail_request
    end
    keyed = keyed + 1
    if count > 0 then
        index = index % count + 1
        return requests[index]
    end
    index = index + 1
    return wrk.format("GET", path .. "?key=" .. prefix .. id .. "-" .. index)
end

function done(summary, latency, requests)
    local k, kl = 0, 0
    for _, t in ipairs(threads) do
        k = k + t:get("keyed")
        kl = kl + t:get("keyless")
    end
    local e = summary.errors
    local seconds = summary.duration / 1e6
    io.write(string.format(
        "WRK_RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f " ..
        "keyed=%d keyless=%d connect_errors=%d read_errors=%d write_errors=%d status_errors=%d timeouts=%d\n",
        summary.requests, seconds, summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        latency:percentile(99.9) / 1000, latency.max / 1000,
        k, kl, e.connect, e.read, e.write, e.status, e.timeout))
end
