-- Every request asks about a different place in the bench's dense area (48-54 N,
-- 7-14 E), so no two people share an answer: the uncached cost of the nearby query.
-- paced.lua can load this too (REQUESTS=bench/near_points.lua).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
local seeded = false
request = function()
  if not seeded then
    math.randomseed(7919 * thread_number)
    seeded = true
  end
  local lat = 48 + math.random() * 6
  local lon = 7 + math.random() * 7
  return wrk.format("GET", string.format(
    "/api/v1/events?near=%.5f,%.5f&radius_km=10&limit=20", lat, lon))
end
dofile("bench/report.lua")
