#!/usr/bin/env python3
"""The DAU, WAU and MAU 30-point series (the same work as Beacon's /api/v1/metrics/{dau,wau,mau})
on DuckDB or chDB over a gen_events.py NDJSON file; prints one JSON line.

usage: series_sql.py FILE.ndjson ENGINE(duckdb|chdb) END(YYYY-MM-DD) [--runs 5] [--threads 2]
The 30 days are [END-30d, END); WAU and MAU count distinct users over the trailing 7 and 30 days.
"""
import json
import sys

from sql_common import chdb_session, timed


def duckdb_series(path, end, runs, threads):
    import duckdb
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads={threads}")
    con.execute(f"""CREATE TABLE events AS SELECT "timestamp"::TIMESTAMP AS ts, user_id, event
        FROM read_json('{path}', format='newline_delimited',
             columns={{'event':'VARCHAR','user_id':'VARCHAR','timestamp':'VARCHAR'}}) WHERE event IS NOT NULL""")
    sql = f"""WITH days AS (SELECT (DATE '{end}' - INTERVAL (i) DAY)::DATE AS d FROM range(1, 31) t(i)),
        ud AS (SELECT DISTINCT ts::DATE AS d, user_id FROM events
               WHERE ts >= DATE '{end}' - INTERVAL 59 DAY AND ts < DATE '{end}')
        SELECT strftime(days.d, '%Y-%m-%d'),
               count(DISTINCT ud.user_id) FILTER (WHERE ud.d = days.d),
               count(DISTINCT ud.user_id) FILTER (WHERE ud.d > days.d - 7),
               count(DISTINCT ud.user_id)
        FROM days JOIN ud ON ud.d > days.d - 30 AND ud.d <= days.d GROUP BY days.d ORDER BY days.d"""
    live_sql = ["""SELECT count(DISTINCT user_id) FROM events, (SELECT max(ts) AS m FROM events)
                   WHERE ts > m - INTERVAL 5 MINUTE AND ts <= m""",
                """SELECT date_trunc('minute', ts) AS mi, count(DISTINCT user_id) FROM events, (SELECT max(ts) AS m FROM events)
                   WHERE ts >= date_trunc('minute', m) - INTERVAL 59 MINUTE AND ts <= m GROUP BY 1 ORDER BY 1"""]
    rows, ms, all_ms = timed(lambda: con.execute(sql).fetchall(), runs)
    _, live_ms, _ = timed(lambda: [con.execute(s).fetchall() for s in live_sql], runs)
    return {"engine": "duckdb", "version": duckdb.__version__, "series_ms": ms, "series_all_ms": all_ms,
            "live_ms": live_ms, "rows": [list(r) for r in rows]}


def chdb_series(path, end, runs, threads):
    sess, q = chdb_session(threads)
    sess.query("""CREATE TABLE b.events (ts DateTime64(3, 'UTC'), user_id String, event LowCardinality(String))
        ENGINE = MergeTree ORDER BY (event, ts)""")
    sess.query(f"""INSERT INTO b.events SELECT parseDateTime64BestEffort(timestamp, 3, 'UTC'), user_id, event
        FROM file('{path}', 'JSONEachRow', 'event Nullable(String), user_id String, timestamp String')
        WHERE event IS NOT NULL SETTINGS input_format_skip_unknown_fields = 1, max_threads = {threads}""")
    sql = f"""WITH toDate('{end}') AS E
        SELECT toString(d), uniqExactIf(user_id, ud = d), uniqExactIf(user_id, ud > d - 7), uniqExact(user_id)
        FROM (SELECT DISTINCT toDate(ts) AS ud, user_id FROM b.events WHERE ts >= E - 59 AND ts < E)
        ARRAY JOIN arrayMap(k -> ud + k, range(30)) AS d
        WHERE d < E AND d >= E - 30 GROUP BY d ORDER BY d"""
    live_sql = ["""SELECT uniqExact(user_id) FROM b.events WHERE ts > (SELECT max(ts) FROM b.events) - INTERVAL 5 MINUTE""",
                """SELECT toStartOfMinute(ts) AS mi, uniqExact(user_id) FROM b.events
                   WHERE ts >= toStartOfMinute((SELECT max(ts) FROM b.events)) - INTERVAL 59 MINUTE GROUP BY mi ORDER BY mi"""]
    rows, ms, all_ms = timed(lambda: q(sql), runs)
    _, live_ms, _ = timed(lambda: [q(s) for s in live_sql], runs)
    import chdb
    return {"engine": "chdb", "version": getattr(chdb, "__version__", "?"), "series_ms": ms, "series_all_ms": all_ms,
            "live_ms": live_ms, "rows": rows}


if __name__ == "__main__":
    path, engine, end = sys.argv[1], sys.argv[2], sys.argv[3]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
    fn = {"duckdb": duckdb_series, "chdb": chdb_series}[engine]
    print(json.dumps(fn(path, end, runs, threads)))
