-- A plain GET; only the shared report.
dofile("bench/report.lua")
