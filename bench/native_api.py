#!/usr/bin/env python3
"""The native API's account-health routes on a loaded server, beside DuckDB and chDB answering
the same question over the same file; rewrites that section of bench/RESULTS.md.

  bench/native_api.py URL KEY FILE END [--runs 15] [--sql-runs 5] [--threads 2]

END is the day after the data's last day (YYYY-MM-DD); scores are as of the day before it.
"""
import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sql_common import chdb_session, replace_section, rss_mb, timed  # noqa: E402

TITLE = "## Account health beside DuckDB and chDB"
KEPT = "<!-- measured by hand: bench/report.py keeps this section -->"


def get(url, key):
    req = urllib.request.Request(url, headers={"x-api-key": key})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def beacon_export(url, key, pid):
    """Reads the events export whole, counting bytes; the server's RSS sampled every 50 ms meanwhile."""
    import threading
    before = rss_mb(pid)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.05)

    t = threading.Thread(target=sample)
    t.start()
    start = time.perf_counter()
    size = rows = 0
    req = urllib.request.Request(url, headers={"x-api-key": key})
    with urllib.request.urlopen(req) as r:
        while True:
            block = r.read(1 << 20)
            if not block:
                break
            size += len(block)
            rows += block.count(b"\n")   # rows end in CRLF; an LF is never split across reads
    seconds = time.perf_counter() - start
    done.set(); t.join()
    return {"export_mb": size / 1e6, "export_rows": rows - 1, "export_s": seconds, "export_mb_s": size / 1e6 / seconds,
            "rss_before_mb": before, "rss_peak_mb": peak[0]}


def beacon_timed(url, key, runs):
    get(url, key)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = get(url, key)
        times.append((time.perf_counter() - t) * 1000)
    return out, statistics.median(times)


# The formulas of docs/health.md, over one table of events (ts, user_id, account_id, event), as of
# day D: users belong to the account of their latest event; the window is D-29..D.
def duck_sql(day):
    D = f"DATE '{day}'"
    return f"""
WITH ev AS (SELECT user_id, account_id, event, ts, CAST(ts AS DATE) AS day FROM h_events),
latest AS (SELECT user_id, arg_max(account_id, ts) AS account_id FROM ev WHERE account_id IS NOT NULL GROUP BY user_id),
w AS (SELECT * FROM ev WHERE day BETWEEN {D} - 29 AND {D}),
members AS (SELECT account_id, count(*) AS users FROM latest GROUP BY 1),
act AS (SELECT l.account_id, count(*) AS active FROM (SELECT DISTINCT user_id FROM w) u JOIN latest l USING (user_id) GROUP BY 1),
own AS (SELECT account_id, count(*) AS events, count(*) FILTER (WHERE day >= {D} - 13) AS recent,
        count(*) FILTER (WHERE day BETWEEN {D} - 27 AND {D} - 14) AS prior, count(DISTINCT event) AS types, max(day) AS last_day
        FROM w WHERE account_id IS NOT NULL GROUP BY 1),
tenant AS (SELECT greatest(1, least(10, count(DISTINCT event))) AS target, count(*)::DOUBLE / count(DISTINCT user_id) AS depth FROM w),
accts AS (SELECT DISTINCT account_id FROM ev WHERE account_id IS NOT NULL AND day <= {D}),
c AS (SELECT a.account_id,
  CASE WHEN coalesce(m.users, 0) = 0 THEN 0 ELSE 100.0 * coalesce(x.active, 0) / m.users END AS activity,
  100.0 * least(1, coalesce(o.types, 0)::DOUBLE / t.target) AS breadth,
  CASE WHEN coalesce(x.active, 0) = 0 OR t.depth = 0 THEN 0 ELSE 100.0 * least(1, coalesce(o.events, 0)::DOUBLE / x.active / (2 * t.depth)) END AS depth,
  CASE WHEN coalesce(o.prior, 0) = 0 THEN (CASE WHEN coalesce(o.recent, 0) > 0 THEN 100 ELSE 0 END) ELSE least(100, 50.0 * o.recent / o.prior) END AS trend,
  CASE WHEN o.last_day IS NULL THEN 0 ELSE 100.0 * greatest(0, 1 - date_diff('day', o.last_day, {D}) / 30.0) END AS recency
  FROM accts a LEFT JOIN members m USING (account_id) LEFT JOIN act x USING (account_id) LEFT JOIN own o USING (account_id) CROSS JOIN tenant t)
SELECT account_id, CAST(floor((30 * activity + 15 * breadth + 20 * depth + 20 * trend + 15 * recency) / 100 + 0.5) AS INTEGER) FROM c"""


def ch_sql(day):
    D = f"toDate('{day}')"
    return f"""
WITH latest AS (SELECT user_id AS uid, argMax(account_id, ts) AS acct FROM b.h_events WHERE account_id != '' GROUP BY user_id),
members AS (SELECT acct AS account_id, count() AS users FROM latest GROUP BY acct),
act AS (SELECT l.acct AS account_id, count() AS active
        FROM (SELECT DISTINCT user_id FROM b.h_events WHERE toDate(ts) BETWEEN {D} - 29 AND {D}) u INNER JOIN latest l ON u.user_id = l.uid GROUP BY l.acct),
own AS (SELECT account_id, count() AS events, countIf(toDate(ts) >= {D} - 13) AS recent,
        countIf(toDate(ts) BETWEEN {D} - 27 AND {D} - 14) AS prior, uniqExact(event) AS types, max(toDate(ts)) AS last_day
        FROM b.h_events WHERE account_id != '' AND toDate(ts) BETWEEN {D} - 29 AND {D} GROUP BY account_id),
tenant AS (SELECT greatest(1, least(10, uniqExact(event))) AS target, count() / uniqExact(user_id) AS depth
           FROM b.h_events WHERE toDate(ts) BETWEEN {D} - 29 AND {D}),
accts AS (SELECT DISTINCT account_id FROM b.h_events WHERE account_id != '' AND toDate(ts) <= {D})
SELECT account_id, toInt32(floor((30 * activity + 15 * breadth + 20 * depth + 20 * trend + 15 * recency) / 100 + 0.5)) FROM (
  SELECT a.account_id AS account_id,
    if(m.users = 0, 0, 100.0 * x.active / m.users) AS activity,
    100.0 * least(1, o.types / t.target) AS breadth,
    if(x.active = 0 OR t.depth = 0, 0, 100.0 * least(1, o.events / x.active / (2 * t.depth))) AS depth,
    if(o.prior = 0, if(o.recent > 0, 100, 0), least(100, 50.0 * o.recent / o.prior)) AS trend,
    if(o.events = 0, 0, 100.0 * greatest(0, 1 - dateDiff('day', o.last_day, {D}) / 30.0)) AS recency
  FROM accts a LEFT JOIN members m ON a.account_id = m.account_id LEFT JOIN act x ON a.account_id = x.account_id
  LEFT JOIN own o ON a.account_id = o.account_id CROSS JOIN tenant t)"""


def load_duckdb(path, threads):
    import duckdb
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads={threads}")
    con.execute(f"""CREATE TABLE h_events AS SELECT "timestamp"::TIMESTAMP AS ts, user_id, account_id, event
        FROM read_json('{path}', format='newline_delimited',
             columns={{'event':'VARCHAR','user_id':'VARCHAR','account_id':'VARCHAR','timestamp':'VARCHAR'}}) WHERE event IS NOT NULL""")
    return lambda sql: con.execute(sql).fetchall()


def load_chdb(path, threads):
    sess, q = chdb_session(threads)
    sess.query("""CREATE TABLE b.h_events (ts DateTime64(3, 'UTC'), user_id String, account_id String, event LowCardinality(String))
        ENGINE = MergeTree ORDER BY (account_id, ts)""")
    sess.query(f"""INSERT INTO b.h_events SELECT parseDateTime64BestEffort(timestamp, 3, 'UTC'), user_id, ifNull(account_id, ''), event
        FROM file('{path}', 'JSONEachRow', 'event Nullable(String), user_id String, account_id Nullable(String), timestamp String')
        WHERE event IS NOT NULL SETTINGS input_format_skip_unknown_fields = 1, max_threads = 1""")
    return q, sess


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url"); ap.add_argument("key"); ap.add_argument("file"); ap.add_argument("end")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--sql-runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--in-process", default="{}", help="beacon-bench's health profile line (JSON)")
    ap.add_argument("--pid", type=int, default=None, help="the server's pid, for its memory during the export")
    ap.add_argument("--results", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md"))
    args = ap.parse_args()
    day = (dt.date.fromisoformat(args.end) - dt.timedelta(days=1)).isoformat()
    base = args.url.rstrip("/")

    page, page_ms = beacon_timed(f"{base}/api/health?end={day}", args.key, args.runs)
    full, full_ms = beacon_timed(f"{base}/api/health?end={day}&limit=10000", args.key, args.runs)
    first = full["accounts"][0]["account_id"]
    _, history_ms = beacon_timed(f"{base}/api/accounts/{first}/health-history?days=90&end={day}", args.key, args.runs)
    scores = {r["account_id"]: r["score"] for r in full["accounts"]}
    print(f"beacon: page {page_ms:.2f} ms, all {len(scores)} {full_ms:.2f} ms, history {history_ms:.2f} ms", file=sys.stderr)

    results = {"page_ms": page_ms, "full_ms": full_ms, "history_ms": history_ms, "accounts": len(scores), **json.loads(args.in_process)}
    first_day = (dt.date.fromisoformat(day) - dt.timedelta(days=29)).isoformat()
    if args.pid:
        results.update(beacon_export(f"{base}/api/export?type=events&days=30&end={day}", args.key, args.pid))
        print(f"beacon export: {results['export_mb']:.0f} MB in {results['export_s']:.1f} s", file=sys.stderr)
    print("== duckdb", file=sys.stderr)
    duck = load_duckdb(args.file, args.threads)
    rows, results["duckdb_ms"], _ = timed(lambda: duck(duck_sql(day)), args.sql_runs)
    copy = f"""COPY (SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS timestamp, event, user_id, account_id FROM h_events
               WHERE CAST(ts AS DATE) BETWEEN DATE '{first_day}' AND DATE '{day}') TO '/tmp/beacon-bench/duck-export.csv' (HEADER)"""
    _, results["duckdb_export_ms"], _ = timed(lambda: duck(copy), 1)
    results["duckdb_export_mb"] = os.path.getsize("/tmp/beacon-bench/duck-export.csv") / 1e6
    results["duckdb_differ"] = sum(1 for a, s in rows if scores.get(a) != s) + abs(len(rows) - len(scores))
    print("== chdb", file=sys.stderr)
    q, _sess = load_chdb(args.file, args.threads)
    rows, results["chdb_ms"], _ = timed(lambda: q(ch_sql(day)), args.sql_runs)
    if os.path.exists("/tmp/beacon-bench/ch-export.csv"):
        os.remove("/tmp/beacon-bench/ch-export.csv")
    ch_copy = f"""SELECT formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ') AS timestamp, event, user_id, account_id FROM b.h_events
                  WHERE toDate(ts) BETWEEN toDate('{first_day}') AND toDate('{day}') INTO OUTFILE '/tmp/beacon-bench/ch-export.csv' FORMAT CSVWithNames"""
    start = time.perf_counter()
    _sess.query(ch_copy)
    results["chdb_export_ms"] = (time.perf_counter() - start) * 1000
    results["chdb_export_mb"] = os.path.getsize("/tmp/beacon-bench/ch-export.csv") / 1e6
    results["chdb_differ"] = sum(1 for a, s in rows if scores.get(a) != int(s)) + abs(len(rows) - len(scores))
    print(json.dumps(results), file=sys.stderr)
    write_section(args, day, results)


def write_section(args, day, r):
    f = lambda x: f"{x:,.2f} ms" if x < 100 else f"{x:,.0f} ms"
    agree = lambda n: "yes" if n == 0 else f"no ({n} accounts differ)"
    lines = [f"{TITLE} ({dt.date.today():%Y-%m-%d})", "", KEPT, "",
             f"`bench/native_run` (`bench/native_api.py URL KEY {os.path.basename(args.file)} {args.end} --runs {args.runs} --sql-runs {args.sql_runs} "
             f"--threads {args.threads}`): a release server loaded with the file (`beacon import`; {r['accounts']:,} accounts), each route asked over "
             f"HTTP on loopback (median of {args.runs} after one warm-up; request, answer and client-side JSON parse included), scores as of {day}. "
             "DuckDB and chDB compute every account's score by docs/health.md's formulas in one SQL statement over the same file in the same run "
             f"(tables loaded once, not timed; median of {args.sql_runs} after a warm-up, {args.threads} threads). `agrees`: every account's score "
             "equals Beacon's.", "",
             "| question | Beacon | DuckDB | chDB | DuckDB / Beacon | chDB / Beacon | agrees (DuckDB, chDB) |", "|---|---|---|---|---|---|---|",
             f"| `GET /api/health`: every account scored and sorted, the first 100 answered | {f(r['page_ms'])} | {f(r['duckdb_ms'])} | {f(r['chdb_ms'])} | "
             f"{r['duckdb_ms'] / r['page_ms']:,.1f}x | {r['chdb_ms'] / r['page_ms']:,.1f}x | {agree(r['duckdb_differ'])}, {agree(r['chdb_differ'])} |",
             f"| `GET /api/health?limit=10000`: all {r['accounts']:,} answered | {f(r['full_ms'])} | {f(r['duckdb_ms'])} | {f(r['chdb_ms'])} | "
             f"{r['duckdb_ms'] / r['full_ms']:,.1f}x | {r['chdb_ms'] / r['full_ms']:,.1f}x | same |",
             f"| `GET /api/accounts/:id/health-history?days=90`: one account's 90 daily scores | {f(r['history_ms'])} | — | — | | | |",
             *([f"| The signal rules, one run (in process, `beacon-bench`, as of the data's last hour; {r['signals_found']} signals found): "
                f"what each refresh costs once data changed | {f(r['signals_ms'])} | — | — | | | |"] if "signals_ms" in r else []),
             *([f"| `GET /api/export?type=events&days=30`: {r['export_rows']:,} events as CSV ({r['export_mb']:,.0f} MB, read whole by the client) | "
                f"{r['export_s']:.1f} s, {r['export_mb_s']:.0f} MB/s; server RSS {r['rss_before_mb']:,.0f} MB before, {r['rss_peak_mb']:,.0f} MB at its peak | "
                f"{r['duckdb_export_ms'] / 1000:.1f} s ({r['duckdb_export_mb']:,.0f} MB) | {r['chdb_export_ms'] / 1000:.1f} s ({r['chdb_export_mb']:,.0f} MB) | | | |"]
               if "export_s" in r else []),
             "", "Target (the native API issue): the whole health list ≤ 20 ms at 10k accounts and 10M events: "
             f"{'met' if r['page_ms'] <= 20 else 'missed'} ({r['page_ms']:.2f} ms computed whole and paged; {r['full_ms']:.2f} ms with all rows rendered).",
             "", "The export rows: Beacon writes every event of the 30 days with its page and properties (a JSON object), over HTTP, "
             "rendered one chunk of 65,536 events at a time; DuckDB (`COPY ... TO`) and chDB (`INTO OUTFILE`) write the time, event, user "
             "and account of the same events to a local file, without the properties.",
             "", "Beacon reads no event: the day indexes hold per day and account the events and a mask of the types used, and per day the "
             "active users; the list unites the window's 30 active-user bitmaps once and counts them by each user's account. The SQL engines "
             "group the window's events (and every event, for each user's latest account) each time."]
    replace_section(args.results, TITLE, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
