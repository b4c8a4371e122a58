#!/usr/bin/env python3
"""Discoveries (docs/discoveries.md) on a loaded server: a full recompute for one success event,
beside DuckDB and chDB answering the same question over the same file; rewrites that section of
bench/RESULTS.md.

  bench/discoveries_api.py URL KEY FILE [--success plan_upgraded] [--runs 7] [--sql-runs 3] [--threads 2]
"""
import argparse
import datetime as dt
import json
import math
import os
import statistics
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sql_common import chdb_session, replace_section, timed  # noqa: E402

TITLE = "## Discoveries beside DuckDB and chDB"
KEPT = "<!-- measured by hand: bench/report.py keeps this section -->"
WINDOW, BEHAVIOUR = 30, 7


def call(method, url, key, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"x-api-key": key, "content-type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def beacon(base, key, success, runs):
    """Each run: the success event removed and defined again, then the list read (the run happens in that read)."""
    for s in call("GET", f"{base}/api/discoveries/success-events", key)["success_events"]:
        call("DELETE", f"{base}/api/discoveries/success-events/{s['id']}", key)
    wall, server, answer = [], [], None
    for _ in range(runs + 1):
        made = call("POST", f"{base}/api/discoveries/success-events", key,
                    {"event_type": success, "time_window_days": WINDOW, "behaviour_window_days": BEHAVIOUR})
        t = time.perf_counter()
        answer = call("GET", f"{base}/api/discoveries?limit=500&status=all", key)
        wall.append((time.perf_counter() - t) * 1000)
        server.append(answer["run"]["duration_ms"])
        cohort = next(s for s in call("GET", f"{base}/api/discoveries/success-events", key)["success_events"] if s["id"] == made["id"])
        call("DELETE", f"{base}/api/discoveries/success-events/{made['id']}", key)
    return answer, cohort, statistics.median(wall[1:]), statistics.median(server[1:])


def duck_sql(success, now):
    return f"""
WITH users AS (SELECT user_id, min(ts) AS first_ts, min(ts) FILTER (WHERE event = '{success}') AS succ_ts FROM d_events GROUP BY user_id),
cohort AS (SELECT user_id, first_ts, coalesce(succ_ts, TIMESTAMP '2200-01-01') AS succ_ts,
                  (succ_ts IS NOT NULL AND succ_ts <= first_ts + INTERVAL {WINDOW} DAY)::INT AS reached
           FROM users WHERE first_ts <= TIMESTAMP '{now}' - INTERVAL {BEHAVIOUR} DAY),
early AS (SELECT e.user_id, e.event, e.page, e.properties, c.reached FROM d_events e JOIN cohort c USING (user_id)
          WHERE e.event <> '{success}' AND e.ts < least(c.first_ts + INTERVAL {BEHAVIOUR} DAY, c.succ_ts)),
kv AS (SELECT user_id, reached, event, k, json_extract_string(properties, k) AS v
       FROM (SELECT user_id, reached, event, properties, unnest(json_keys(properties)) AS k FROM early)),
crowded AS (SELECT event, k FROM kv GROUP BY event, k HAVING count(DISTINCT v) > 50),
crowded_pages AS (SELECT event FROM early WHERE page IS NOT NULL GROUP BY event HAVING count(DISTINCT page) > 100),
b AS (SELECT DISTINCT user_id, reached, event AS behaviour FROM early
      UNION ALL SELECT DISTINCT user_id, reached, event || ' on ' || page FROM early
                WHERE page IS NOT NULL AND event NOT IN (SELECT event FROM crowded_pages)
      UNION ALL SELECT DISTINCT user_id, reached, kv.event || ' with ' || kv.k || ' = ' || kv.v FROM kv
                WHERE NOT EXISTS (SELECT 1 FROM crowded c WHERE c.event = kv.event AND c.k = kv.k))
SELECT behaviour, count(*), sum(reached), (SELECT count(*) FROM cohort), (SELECT sum(reached) FROM cohort) FROM b GROUP BY behaviour"""


def ch_sql(success, now):
    return f"""
WITH users AS (SELECT user_id, min(ts) AS first_ts, minIf(ts, event = '{success}') AS s_ts, countIf(event = '{success}') > 0 AS has_s
               FROM b.d_events GROUP BY user_id),
cohort AS (SELECT user_id, first_ts, if(has_s, s_ts, toDateTime64('2200-01-01 00:00:00', 3, 'UTC')) AS succ_ts,
                  toUInt8(has_s AND s_ts <= first_ts + INTERVAL {WINDOW} DAY) AS reached
           FROM users WHERE first_ts <= toDateTime64('{now}', 3, 'UTC') - INTERVAL {BEHAVIOUR} DAY),
early AS (SELECT e.user_id AS user_id, e.event AS event, e.page AS page, e.props AS props, c.reached AS reached
          FROM b.d_events AS e INNER JOIN cohort AS c ON e.user_id = c.user_id
          WHERE e.event != '{success}' AND e.ts < least(c.first_ts + INTERVAL {BEHAVIOUR} DAY, c.succ_ts)),
kv AS (SELECT user_id, reached, event, p.1 AS k, p.2 AS v FROM early ARRAY JOIN props AS p),
crowded AS (SELECT event, k FROM kv GROUP BY event, k HAVING uniqExact(v) > 50),
crowded_pages AS (SELECT event FROM early WHERE page != '' GROUP BY event HAVING uniqExact(page) > 100),
bs AS (SELECT DISTINCT user_id, reached, toString(event) AS behaviour FROM early
       UNION ALL SELECT DISTINCT user_id, reached, concat(toString(event), ' on ', page) FROM early
                 WHERE page != '' AND event NOT IN (SELECT event FROM crowded_pages)
       UNION ALL SELECT DISTINCT user_id, reached, concat(toString(event), ' with ', k, ' = ', v) FROM kv
                 WHERE (event, k) NOT IN (SELECT event, k FROM crowded))
SELECT behaviour, count(), sum(reached), (SELECT count() FROM cohort), (SELECT sum(reached) FROM cohort) FROM bs GROUP BY behaviour"""


def load_duckdb(path, threads):
    import duckdb
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads={threads}")
    con.execute(f"""CREATE TABLE d_events AS SELECT "timestamp"::TIMESTAMP AS ts, user_id, event, page, properties
        FROM read_json('{path}', format='newline_delimited',
             columns={{'event':'VARCHAR','user_id':'VARCHAR','timestamp':'VARCHAR','page':'VARCHAR','properties':'JSON'}}) WHERE event IS NOT NULL""")
    return lambda sql: con.execute(sql).fetchall()


def load_chdb(path, threads):
    sess, q = chdb_session(threads)
    sess.query("""CREATE TABLE b.d_events (ts DateTime64(3, 'UTC'), user_id String, event LowCardinality(String), page String,
        props Array(Tuple(String, String))) ENGINE = MergeTree ORDER BY (user_id, ts)""")
    sess.query(f"""INSERT INTO b.d_events SELECT parseDateTime64BestEffort(timestamp, 3, 'UTC'), user_id, event, ifNull(page, ''),
        arrayMap(x -> (x.1, if(startsWith(x.2, '"'), JSONExtractString(x.2), x.2)), JSONExtractKeysAndValuesRaw(ifNull(properties, '{{}}')))
        FROM file('{path}', 'JSONEachRow', 'event Nullable(String), user_id String, timestamp String, page Nullable(String), properties Nullable(String)')
        WHERE event IS NOT NULL SETTINGS input_format_skip_unknown_fields = 1, input_format_json_read_objects_as_strings = 1, max_threads = 1""")
    return q


def findings(rows):
    """The SQL counts put through docs/discoveries.md's rules: behaviour -> (doers, doers reached)."""
    out = {}
    for behaviour, d, a, n_all, r_all in rows:
        d, a, n_all, r_all = int(d), int(a), int(n_all), int(r_all)
        n, c = n_all - d, r_all - a
        if d >= 10 and n >= 10 and a > 0 and c > 0 and (a / d) / (c / n) > 1:
            out[behaviour] = (d, a, (a / d) / (c / n))
    top = sorted(out.items(), key=lambda kv: (-kv[1][2], -kv[1][0], kv[0]))[:100]
    return {b: v[:2] for b, v in top}


def differ(ours, theirs):
    return sum(1 for b in set(ours) | set(theirs) if ours.get(b) != theirs.get(b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url"); ap.add_argument("key"); ap.add_argument("file")
    ap.add_argument("--success", default="plan_upgraded")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--sql-runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--results", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md"))
    args = ap.parse_args()
    base = args.url.rstrip("/")
    answer, cohort, wall_ms, server_ms = beacon(base, args.key, args.success, args.runs)
    ours = {r["behaviour"]["description"]: (r["doers"], r["doers_reached"]) for r in answer["discoveries"]}
    now = answer["run"]["computed_at"].replace("T", " ").rstrip("Z")
    r = {"wall_ms": wall_ms, "server_ms": server_ms, "found": len(ours), "cohort": cohort["cohort_users"], "reached": cohort["reached_users"],
         "top": answer["discoveries"][0]["behaviour"]["description"] if answer["discoveries"] else "—",
         "top_lift": answer["discoveries"][0]["lift"] if answer["discoveries"] else 0}
    print(f"beacon: {server_ms:.1f} ms in the server, {wall_ms:.1f} ms over HTTP, {len(ours)} found", file=sys.stderr)
    print("== duckdb", file=sys.stderr)
    duck = load_duckdb(args.file, args.threads)
    rows, r["duckdb_ms"], _ = timed(lambda: duck(duck_sql(args.success, now)), args.sql_runs)
    r["duckdb_differ"] = differ(ours, findings(rows))
    print("== chdb", file=sys.stderr)
    q = load_chdb(args.file, args.threads)
    rows, r["chdb_ms"], _ = timed(lambda: q(ch_sql(args.success, now)), args.sql_runs)
    r["chdb_differ"] = differ(ours, findings(rows))
    print(json.dumps(r), file=sys.stderr)
    write_section(args, r)


def write_section(args, r):
    f = lambda x: f"{x:,.1f} ms" if x < 100 else f"{x:,.0f} ms"
    agree = lambda n: "yes" if n == 0 else f"no ({n} behaviours differ)"
    lines = [f"{TITLE} ({dt.date.today():%Y-%m-%d})", "", KEPT, "",
             f"`bench/native_run` (`bench/discoveries_api.py URL KEY {os.path.basename(args.file)} --success {args.success} --runs {args.runs} "
             f"--sql-runs {args.sql_runs} --threads {args.threads}`): a release server loaded with the file. Each run removes the success event "
             f"`{args.success}` ({WINDOW}-day window, behaviours of the first {BEHAVIOUR} days), defines it again and reads "
             "`GET /api/discoveries?limit=500&status=all`, which makes the full recompute. The run covers every event type, "
             "type with a property value, and type on a page, over every event. Median of "
             f"{args.runs} after one warm-up. The cohort is {r['cohort']:,} users, of whom {r['reached']:,} reached success; "
             f"{r['found']} discoveries were found, the top one `{r['top']}` (lift {r['top_lift']:.2f}). "
             "DuckDB and chDB count the same behaviours, by docs/discoveries.md's rules, in one SQL statement over the same file "
             f"in the same run. Their tables are loaded once and not timed; median of {args.sql_runs} after a warm-up, {args.threads} threads. "
             "`agrees` means the same 100 best behaviours with the same doer counts as Beacon's.", "",
             "| question | Beacon | DuckDB | chDB | DuckDB / Beacon | chDB / Beacon | agrees (DuckDB, chDB) |", "|---|---|---|---|---|---|---|",
             f"| Full recompute, as the server times it (view, cohort, scan split over 2 cores, ranking) | {f(r['server_ms'])} | {f(r['duckdb_ms'])} | "
             f"{f(r['chdb_ms'])} | {r['duckdb_ms'] / r['server_ms']:,.1f}x | {r['chdb_ms'] / r['server_ms']:,.1f}x | "
             f"{agree(r['duckdb_differ'])}, {agree(r['chdb_differ'])} |",
             f"| The same over HTTP (recompute, records for new finds, answer and client-side JSON parse) | {f(r['wall_ms'])} | | | | | |",
             "", f"Target (the native API issue): a full recompute ≤ 200 ms at 10M events: {'met' if r['server_ms'] <= 200 else 'missed'} "
             f"({r['server_ms']:.1f} ms).",
             "", "Beacon reads each event type's rows of each sealed chunk once, drops a row past its user's behaviour window with one "
             "comparison, and marks each behaviour's doers in a bitset, counting a doer (and whether they reached success) when the bit "
             "is first set; a property set's behaviours are worked out once per type. The SQL engines join every event to its user's "
             "window and count distinct users per behaviour."]
    replace_section(args.results, TITLE, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
