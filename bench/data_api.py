#!/usr/bin/env python3
"""Deleting one event type on a loaded server (docs/data-management.md), beside DuckDB and chDB
deleting the same rows from the same file; rewrites that section of bench/RESULTS.md.

  bench/data_api.py URL KEY FILE [--event-type notification_opened] [--threads 2]

Destructive: run it last on a loaded server. Each engine deletes once (a second run would find
nothing to delete), so each figure is one measurement.
"""
import argparse
import datetime as dt
import json
import os
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sql_common import chdb_session, replace_section, rss_mb  # noqa: E402

TITLE = "## Deleting an event type beside DuckDB and chDB"
KEPT = "<!-- measured by hand: bench/report.py keeps this section -->"


def call(method, url, key):
    req = urllib.request.Request(url, method=method, headers={"x-api-key": key})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url"); ap.add_argument("key"); ap.add_argument("file")
    ap.add_argument("--event-type", default="notification_opened")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--pid", type=int, default=None)
    ap.add_argument("--results", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md"))
    args = ap.parse_args()
    base, t = args.url.rstrip("/"), args.event_type
    counts = lambda: {r["event_type"]: r["count"] for r in call("GET", f"{base}/api/events?days=3650", args.key)["event_types"]}
    before = counts()
    rss_before = rss_mb(args.pid) if args.pid else None
    start = time.perf_counter()
    done = call("DELETE", f"{base}/api/data/events?event_type={t}", args.key)
    wall_ms = (time.perf_counter() - start) * 1000
    after = counts()
    r = {"deleted": done["affected"], "retained": done["events_retained"], "rebuild_ms": done["rebuild_ms"], "wall_ms": wall_ms,
         "before": before.get(t, 0), "gone": t not in after, "others_same": all(after.get(k) == v for k, v in before.items() if k != t),
         "rss_before_mb": rss_before, "rss_after_mb": rss_mb(args.pid) if args.pid else None}
    print(f"beacon: deleted {r['deleted']:,} in {wall_ms:.0f} ms", file=sys.stderr)

    import duckdb
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads={args.threads}")
    con.execute(f"""CREATE TABLE x_events AS SELECT "timestamp"::TIMESTAMP AS ts, user_id, event, page, properties
        FROM read_json('{args.file}', format='newline_delimited',
             columns={{'event':'VARCHAR','user_id':'VARCHAR','timestamp':'VARCHAR','page':'VARCHAR','properties':'JSON'}}) WHERE event IS NOT NULL""")
    start = time.perf_counter()
    con.execute(f"DELETE FROM x_events WHERE event = '{t}'")
    r["duckdb_ms"] = (time.perf_counter() - start) * 1000
    r["duckdb_left"] = con.execute("SELECT count(*) FROM x_events").fetchone()[0]
    del con
    sess, q = chdb_session(args.threads)
    sess.query("""CREATE TABLE b.x_events (ts DateTime64(3, 'UTC'), user_id String, event LowCardinality(String), page String, properties String)
        ENGINE = MergeTree ORDER BY (event, ts)""")
    sess.query(f"""INSERT INTO b.x_events SELECT parseDateTime64BestEffort(timestamp, 3, 'UTC'), user_id, event, ifNull(page, ''), ifNull(properties, '')
        FROM file('{args.file}', 'JSONEachRow', 'event Nullable(String), user_id String, timestamp String, page Nullable(String), properties Nullable(String)')
        WHERE event IS NOT NULL SETTINGS input_format_skip_unknown_fields = 1, input_format_json_read_objects_as_strings = 1, max_threads = 1""")
    start = time.perf_counter()
    sess.query(f"ALTER TABLE b.x_events DELETE WHERE event = '{t}' SETTINGS mutations_sync = 2")
    r["chdb_ms"] = (time.perf_counter() - start) * 1000
    r["chdb_left"] = int(q("SELECT count() FROM b.x_events")[0][0])
    print(json.dumps(r), file=sys.stderr)
    write_section(args, r)


def write_section(args, r):
    f = lambda x: f"{x:,.0f} ms"
    agree = r["retained"] == r["duckdb_left"] == r["chdb_left"]
    memory = (f" Server RSS {r['rss_before_mb']:,.0f} MB before, {r['rss_after_mb']:,.0f} MB after (the old events and indexes are freed "
              "once no read holds them).") if r["rss_before_mb"] else ""
    lines = [f"{TITLE} ({dt.date.today():%Y-%m-%d})", "", KEPT, "",
             f"`bench/native_run` (`bench/data_api.py URL KEY {os.path.basename(args.file)} --event-type {args.event_type} --threads {args.threads}`), "
             f"the last step on the loaded release server. `DELETE /api/data/events?event_type={args.event_type}` removes {r['deleted']:,} events "
             f"and keeps {r['retained']:,}. Then every index built from events is rebuilt from the kept ones: day indexes, the minute ring, "
             "sessions, property days, and user and account summaries. The rebuild runs beside the tenant's actor and is installed in one step. "
             "One measurement each, since a delete cannot be repeated on the same data. DuckDB deletes the same rows from a table loaded "
             "from the same file (`DELETE FROM`); chDB does it with `ALTER TABLE ... DELETE` and `mutations_sync = 2` on a MergeTree ordered "
             "by event and time. Their loads are not timed." + memory, "",
             "| question | Beacon | DuckDB | chDB |", "|---|---|---|---|",
             f"| Delete one event type, with its index rebuild (over HTTP) | {f(r['wall_ms'])} | {f(r['duckdb_ms'])} | {f(r['chdb_ms'])} |",
             f"| Events left | {r['retained']:,} | {r['duckdb_left']:,} | {r['chdb_left']:,} |", "",
             f"Events left agree: {'yes' if agree else 'no'}. After the delete, `GET /api/events` no longer lists the type "
             f"({'yes' if r['gone'] else 'no'}), and every other type's count is as before ({'yes' if r['others_same'] else 'no'}).",
             "", "The SQL engines only drop rows. Their later queries scan what is left. Beacon rebuilds the indexes its answers read, so "
             "its later answers stay as fast as before."]
    replace_section(args.results, TITLE, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
