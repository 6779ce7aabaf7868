-- Every request asks about a different place in and around the demo world's cities
-- (within about 15 km of one of their centres, where people live and events are), so
-- no two people share an answer: the uncached cost of the nearby query.
-- paced.lua can load this too (REQUESTS=bench/near_points.lua).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
-- The centres of crewup/seed/places.py's cities.
local cities = {
  {52.52, 13.405}, {53.55, 9.99}, {48.14, 11.58}, {51.51, -0.09},
  {48.86, 2.35}, {40.42, -3.70}, {52.37, 4.90}, {52.23, 21.01},
}
local seeded = false
request = function()
  if not seeded then
    math.randomseed(7919 * thread_number)
    seeded = true
  end
  local city = cities[math.random(#cities)]
  local lat = city[1] + (math.random() - 0.5) * 0.27
  local lon = city[2] + (math.random() - 0.5) * 0.45
  return wrk.format("GET", string.format(
    "/api/v1/events?near=%.5f,%.5f&radius_km=10&limit=20", lat, lon))
end
dofile("bench/report.lua")
