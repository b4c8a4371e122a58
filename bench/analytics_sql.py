#!/usr/bin/env python3
"""The analytics questions Beacon answers in process, asked of DuckDB or chDB over the same
gen_events.py NDJSON file; prints one JSON line with median times and the answers.

usage: analytics_sql.py FILE.ndjson ENGINE(duckdb|chdb) END(YYYY-MM-DD) [--runs 5] [--threads 2]

Questions (30 days [END-30d, END), UTC):
  account_list  per account: users ever, users active in the window, events in the window
  paths         sessions cut at 30 min; first report_viewed per session; its next 4 events;
                the 20 most frequent paths (the same definition as GET /api/paths)
  trend         page_view per day and country
  correlation   users active, users of report_viewed, of report_exported, of both
  segment       users with report_viewed >= 3 times in 14 days, latest plan = pro, and no
                report_exported in 14 days (the same rules as POST /api/segments/estimate)
"""
import json
import sys

from sql_common import chdb_session, timed

ANCHOR, DEPTH = "report_viewed", 4


def duckdb_run(path, end, runs, threads):
    import duckdb
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads={threads}")
    con.execute(f"""CREATE TABLE events AS SELECT row_number() OVER () AS seq, "timestamp"::TIMESTAMP AS ts, user_id, account_id,
        event, properties.country AS country, properties.plan AS plan
        FROM read_json('{path}', format='newline_delimited',
             columns={{'event':'VARCHAR','user_id':'VARCHAR','account_id':'VARCHAR','timestamp':'VARCHAR',
                       'properties':'STRUCT(country VARCHAR, plan VARCHAR)'}}) WHERE event IS NOT NULL""")
    win = f"ts >= TIMESTAMP '{end}' - INTERVAL 30 DAY AND ts < TIMESTAMP '{end}'"
    win14 = f"ts >= TIMESTAMP '{end}' - INTERVAL 14 DAY AND ts < TIMESTAMP '{end}'"
    q = {
        "account_list": f"""WITH members AS (SELECT DISTINCT account_id, user_id FROM events WHERE account_id IS NOT NULL),
              active AS (SELECT DISTINCT user_id FROM events WHERE {win}),
              ev AS (SELECT account_id, count(*) AS n FROM events WHERE {win} AND account_id IS NOT NULL GROUP BY 1)
            SELECT m.account_id, count(*) AS users, count(a.user_id) AS active_users, coalesce(any_value(ev.n), 0) AS events
            FROM members m LEFT JOIN active a USING (user_id) LEFT JOIN ev USING (account_id)
            GROUP BY m.account_id ORDER BY events DESC, m.account_id""",
        "paths": f"""WITH s AS (SELECT user_id, ts, seq, event,
                CASE WHEN lag(ts) OVER w IS NULL OR ts - lag(ts) OVER w > INTERVAL 30 MINUTE THEN 1 ELSE 0 END AS cut
              FROM events WHERE {win} WINDOW w AS (PARTITION BY user_id ORDER BY ts, seq)),
            s2 AS (SELECT user_id, event, sum(cut) OVER w AS sid, row_number() OVER w AS rn FROM s
                   WINDOW w AS (PARTITION BY user_id ORDER BY ts, seq ROWS UNBOUNDED PRECEDING)),
            a AS (SELECT user_id, sid, min(rn) AS arn FROM s2 WHERE event = '{ANCHOR}' GROUP BY user_id, sid),
            p AS (SELECT coalesce(list(s2.event ORDER BY s2.rn) FILTER (WHERE s2.event IS NOT NULL), []) AS path
                  FROM a LEFT JOIN s2 ON s2.user_id = a.user_id AND s2.sid = a.sid AND s2.rn > a.arn AND s2.rn <= a.arn + {DEPTH}
                  GROUP BY a.user_id, a.sid)
            SELECT path, count(*) AS c FROM p GROUP BY path ORDER BY c DESC, path LIMIT 20""",
        "trend": f"""SELECT ts::DATE AS d, coalesce(country, '(none)') AS c, count(*) FROM events
            WHERE event = 'page_view' AND {win} GROUP BY 1, 2""",
        "segment": f"""WITH latest AS (SELECT user_id, arg_max(plan, (ts, seq)) AS plan FROM events GROUP BY user_id),
              cnt AS (SELECT user_id, count(*) AS c FROM events WHERE event = 'report_viewed' AND {win14} GROUP BY user_id),
              ex AS (SELECT DISTINCT user_id FROM events WHERE event = 'report_exported' AND {win14})
            SELECT count(*) FROM latest JOIN cnt USING (user_id)
            WHERE c >= 3 AND plan = 'pro' AND user_id NOT IN (SELECT user_id FROM ex)""",
        "correlation": f"""SELECT count(*), sum(a), sum(b), sum(a * b) FROM (
            SELECT user_id, max(CASE WHEN event = 'report_viewed' THEN 1 ELSE 0 END) AS a,
                   max(CASE WHEN event = 'report_exported' THEN 1 ELSE 0 END) AS b
            FROM events WHERE {win} GROUP BY user_id)""",
    }
    out = {"engine": "duckdb", "version": duckdb.__version__}
    for name, sql in q.items():
        rows, ms, _ = timed(lambda: con.execute(sql).fetchall(), runs)
        out[f"{name}_ms"] = ms
        out[f"{name}_rows"] = [list(r) for r in rows[:20]] if name != "trend" else len(rows)
        if name == "account_list":
            out["account_list_count"] = len(rows)
    return out


def chdb_run(path, end, runs, threads):
    sess, q = chdb_session(threads)
    sess.query("""CREATE TABLE b.events (seq UInt64, ts DateTime64(3, 'UTC'), user_id String, account_id Nullable(String),
        event LowCardinality(String), country LowCardinality(Nullable(String)), plan LowCardinality(Nullable(String)))
        ENGINE = MergeTree ORDER BY (event, ts)""")
    sess.query(f"""INSERT INTO b.events SELECT rowNumberInAllBlocks(), parseDateTime64BestEffort(timestamp, 3, 'UTC'), user_id,
        account_id, event, properties.country, properties.plan
        FROM file('{path}', 'JSONEachRow', 'event Nullable(String), user_id String, account_id Nullable(String), timestamp String,
                  properties Tuple(country Nullable(String), plan Nullable(String))')
        WHERE event IS NOT NULL SETTINGS input_format_skip_unknown_fields = 1, max_threads = 1""")
    win = f"ts >= toDateTime64('{end}', 3, 'UTC') - INTERVAL 30 DAY AND ts < toDateTime64('{end}', 3, 'UTC')"
    win14 = f"ts >= toDateTime64('{end}', 3, 'UTC') - INTERVAL 14 DAY AND ts < toDateTime64('{end}', 3, 'UTC')"
    queries = {
        "account_list": f"""SELECT account_id, count() AS users, countIf(active) AS active_users, any(n) AS events FROM (
              SELECT m.account_id AS account_id, m.user_id AS user_id, a.user_id != '' AS active, ev.n AS n FROM
                (SELECT DISTINCT assumeNotNull(account_id) AS account_id, user_id FROM b.events WHERE account_id IS NOT NULL) m
                LEFT JOIN (SELECT DISTINCT user_id FROM b.events WHERE {win}) a ON a.user_id = m.user_id
                LEFT JOIN (SELECT assumeNotNull(account_id) AS account_id, count() AS n FROM b.events WHERE {win} AND account_id IS NOT NULL
                           GROUP BY account_id) ev ON ev.account_id = m.account_id)
            GROUP BY account_id ORDER BY events DESC, account_id""",
        "paths": f"""SELECT path, count() AS c FROM (
              SELECT arraySlice(evs, idx + 1, {DEPTH}) AS path FROM (
                SELECT arrayMap(x -> x.3, arrayFilter((x, s) -> s = sid, ev, sids)) AS evs, indexOf(evs, '{ANCHOR}') AS idx
                FROM (
                  SELECT ev, arrayCumSum(arrayMap((x, i) -> if(i = 1 OR x.1 - ev[i - 1].1 > 1800000, 1, 0), ev, arrayEnumerate(ev))) AS sids
                  FROM (SELECT arraySort(x -> (x.1, x.2), groupArray((toUnixTimestamp64Milli(ts), seq, toString(event)))) AS ev
                        FROM b.events WHERE {win} GROUP BY user_id))
                ARRAY JOIN arrayDistinct(sids) AS sid)
              WHERE idx > 0)
            GROUP BY path ORDER BY c DESC, path LIMIT 20""",
        "trend": f"""SELECT toDate(ts) AS d, ifNull(country, '(none)') AS c, count() FROM b.events
            WHERE event = 'page_view' AND {win} GROUP BY d, c""",
        "segment": f"""SELECT count() FROM
              (SELECT user_id, argMax(plan, (ts, seq)) AS plan FROM b.events GROUP BY user_id) latest
              JOIN (SELECT user_id, count() AS c FROM b.events WHERE event = 'report_viewed' AND {win14} GROUP BY user_id) cnt ON cnt.user_id = latest.user_id
            WHERE c >= 3 AND plan = 'pro'
              AND latest.user_id NOT IN (SELECT user_id FROM b.events WHERE event = 'report_exported' AND {win14})""",
        "correlation": f"""SELECT count(), sum(a), sum(b), sum(a * b) FROM (
            SELECT user_id, max(event = 'report_viewed') AS a, max(event = 'report_exported') AS b
            FROM b.events WHERE {win} GROUP BY user_id)""",
    }
    import chdb
    out = {"engine": "chdb", "version": getattr(chdb, "__version__", "?")}
    for name, sql in queries.items():
        rows, ms, _ = timed(lambda: q(sql), runs)
        out[f"{name}_ms"] = ms
        out[f"{name}_rows"] = rows[:20] if name != "trend" else len(rows)
        if name == "account_list":
            out["account_list_count"] = len(rows)
    return out


if __name__ == "__main__":
    path, engine, end = sys.argv[1], sys.argv[2], sys.argv[3]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
    result = (duckdb_run if engine == "duckdb" else chdb_run)(path, end, runs, threads)
    print(json.dumps(result, default=str))
