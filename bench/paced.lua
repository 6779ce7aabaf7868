-- wrk runs flat out; this holds a fixed total rate (env RATE, requests per second over
-- all threads) so latency can be read at a chosen load, e.g. 70% of the maximum.
-- Each thread keeps a schedule of send times and every connection takes the next slot,
-- so the average rate is exact even though wrk's delay() counts whole milliseconds.
-- Latency is still measured from the actual send (wrk's way), not from the slot.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } crewup_timespec;
int clock_gettime(int clk_id, crewup_timespec *tp);
]]
local ts = ffi.new("crewup_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local interval_ms, next_slot
function init(args)
  local rate = tonumber(os.getenv("RATE"))
  local per_thread = rate / tonumber(os.getenv("THREADS") or "2")
  interval_ms = 1000 / per_thread
  next_slot = now_ms()
end
function delay()
  local now = now_ms()
  if next_slot < now - 100 then next_slot = now end -- never burst to catch up a stall
  next_slot = next_slot + interval_ms
  local wait = next_slot - now
  return wait > 0 and wait or 0
end
-- Which requests to send: plain GETs of the URL, or another script's (REQUESTS=file).
dofile(os.getenv("REQUESTS") or "bench/report.lua")
