-- wrk script: like infer.lua, but each connection waits an exponentially distributed think time (mean
-- $HEARTH_MEAN_DELAY_MS) before each request, so many connections together approximate a Poisson arrival rate
-- well below saturation (wrk has no constant-rate mode; wrk2 is not packaged).
-- The request itself is infer.lua's, loaded from this script's own directory (wrk passes the path it was given).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "infer.lua")
local mean = tonumber(os.getenv("HEARTH_MEAN_DELAY_MS"))

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
end

function delay()
  return math.floor(-mean * math.log(1 - math.random()) + 0.5)
end
