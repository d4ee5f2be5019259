-- One target of bench/load.sh for wrk: builds every request from a template and a list, so that
-- writes never repeat (a fresh salt, transferId or nonce each time, another contract to undeploy)
-- and reads spread over many rows. Usage: wrk -s target.lua URL -- CONF
-- CONF holds key=value lines:
--   method=GET|POST  path=/cluster?id={1}  body={"clusterId":"{1}",...}  auth={2} (a bearer token)
--   list=FILE (tab-separated fields, {1} {2} ... in the templates; each thread takes every
--   threads-th line) threads=N (wrk -t)  once=1 (each line at most once: a pool; from start=K)
--   tag=TEXT ({n} = TAG-thread-count, unique per request)  alt=A,B ({alt}: A, B, A... per line;
--   alt_measured=C,D instead when the tag starts with m, the measured run)
-- At the end it prints RESULT lines for bench/load.sh: requests, rate, latency percentiles,
-- socket errors, answers by status with a sample of the refusals, and how much of a pool it used.

local conf, lines, alts, visits, threads = {}, {}, {}, {}, {}
local k = 0
-- globals, read by done() through thread:get
statuses, samples, exhausted, last = {}, {}, 0, 0

function setup(thread)
    thread:set("tid", #threads)
    table.insert(threads, thread)
end

function init(args)
    for line in io.lines(args[1]) do
        local key, value = line:match("^([%w_]+)=(.*)$")
        if key then conf[key] = value end
    end
    if conf.list and conf.list ~= "" then
        for line in io.lines(conf.list) do
            local fields = {}
            for f in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(fields, f) end
            table.insert(lines, fields)
        end
    end
    if #lines == 0 then lines = { {} } end
    tag = conf.tag or "r"
    local alt = conf.alt or ""
    if conf.alt_measured and tag:sub(1, 1) == "m" then alt = conf.alt_measured end
    for a in alt:gmatch("[^,]+") do table.insert(alts, a) end
    nthreads = tonumber(conf.threads or "1")
    start = tonumber(conf.start or "0")
    once = conf.once == "1"
end

local function fill(template, fields, n, alt)
    return (template:gsub("{(%w+)}", function(name)
        if name == "n" then return n end
        if name == "alt" then return alt end
        return fields[tonumber(name)]
    end))
end

function request()
    k = k + 1
    local index = start + tid + (k - 1) * nthreads + 1
    if once then
        if index > #lines then
            exhausted = exhausted + 1
            index = #lines -- already used: the answer is a refusal, counted
        end
    else
        index = (index - 1) % #lines + 1
    end
    last = index
    local fields = lines[index]
    local v = visits[index] or 0
    visits[index] = v + 1
    local alt = #alts > 0 and alts[v % #alts + 1] or ""
    local n = tag .. "-" .. tid .. "-" .. k
    local headers = {}
    if conf.auth and conf.auth ~= "" then headers["Authorization"] = "Bearer " .. fill(conf.auth, fields, n, alt) end
    local body = nil
    if conf.body and conf.body ~= "" then
        body = fill(conf.body, fields, n, alt)
        headers["Content-Type"] = "application/json"
    end
    return wrk.format(conf.method or "GET", fill(conf.path, fields, n, alt), headers, body)
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
    if status >= 300 and #samples < 3 then
        table.insert(samples, status .. " " .. (body or ""):sub(1, 300):gsub("[\r\n\t]", " "))
    end
end

function done(summary, latency, requests)
    local s = summary.duration / 1e6
    io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.1f\n", summary.requests, s, summary.requests / s))
    io.write(string.format("RESULT p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f\n",
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000, latency.mean / 1000))
    local e = summary.errors
    io.write(string.format("RESULT socket_errors=%d non2xx=%d\n", e.connect + e.read + e.write + e.timeout, e.status))
    local counts, used, out = {}, 0, 0
    for _, t in ipairs(threads) do
        for code, c in pairs(t:get("statuses") or {}) do counts[code] = (counts[code] or 0) + c end
        for _, sample in ipairs(t:get("samples") or {}) do io.write("RESULT sample=" .. sample .. "\n") end
        used = math.max(used, t:get("last") or 0)
        out = out + (t:get("exhausted") or 0)
    end
    local parts = {}
    for code, c in pairs(counts) do table.insert(parts, code .. ":" .. c) end
    table.sort(parts)
    io.write("RESULT statuses=" .. table.concat(parts, ",") .. "\n")
    io.write(string.format("RESULT used=%d exhausted=%d\n", used, out))
end
