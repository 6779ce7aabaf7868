#!/usr/bin/env bash
# `make bench`: installs the load generator (Debian's wrk) if missing, then runs every
# benchmark. Each prints a table of its figures and the machine it ran on.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (Debian package)..." >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk
    else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi
fi
# With a local PostgreSQL, every benchmark also runs on it, in a database made afresh.
pg_args=()
PG_ADMIN="${BENCH_POSTGRES_ADMIN:-postgresql://postgres@127.0.0.1:5432/postgres}"
if .venv/bin/python - "$PG_ADMIN" <<'PY' 2>/dev/null
import asyncio, sys, asyncpg
async def main():
    conn = await asyncpg.connect(sys.argv[1], timeout=3)
    await conn.execute("DROP DATABASE IF EXISTS crewup_bench WITH (FORCE)")
    await conn.execute("CREATE DATABASE crewup_bench")
    await conn.close()
asyncio.run(main())
PY
then
    pg_args=(--postgres "${PG_ADMIN%/*}/crewup_bench")
else
    echo "PostgreSQL not reachable at $PG_ADMIN: SQLite figures only" >&2
fi
for bench in bench/bench_*.py; do
    .venv/bin/python "$bench" "${pg_args[@]}" "$@"
done
