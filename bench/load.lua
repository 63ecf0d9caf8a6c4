-- wrk script of bench/load.py: counts the answers by status (printed at the
-- end as "status <code> <count>" lines), and, when BENCH_LOAD_CLIENTS names a
-- file of "<path>\t<cookie>" lines, gives each wrk thread one of them: a
-- logged-in member requesting their own group's page.

local threads = {}
local clients = {}

local file = os.getenv("BENCH_LOAD_CLIENTS")
if file and file ~= "" then
  for line in io.lines(file) do
    local path, cookie = line:match("^(%S+)\t(.*)$")
    if path then
      table.insert(clients, { path, cookie })
    end
  end
end

function setup(thread)
  table.insert(threads, thread)
  if #clients > 0 then
    local client = clients[(#threads - 1) % #clients + 1]
    thread:set("path", client[1])
    thread:set("cookie", client[2])
  end
end

statuses = {} -- per thread; global so that done() can read it with thread:get

function init(args)
  if path then -- set by setup
    own_request = wrk.format("GET", path, { Cookie = cookie })
  end
end

function request()
  return own_request or wrk.request()
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %d %d\n", status, count))
  end
end
