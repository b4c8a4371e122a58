#!/usr/bin/env python3
"""The Pendo-compatible aggregation API beside DuckDB and chDB: the seed's common aggregations
(events by visitor and account, active visitors per hour, visitors in a segment, stickiness,
growth, adoption, PES) posted to a loaded Beacon server and asked of both engines over the same
gen_events.py file, timed, and the answers compared.

usage: pendo_api.py URL KEY FILE.ndjson [--runs 15] [--sql-runs 5] [--threads 2] [--out pendo.json]
The data is gen_events.py's 30 days, 2026-10-02 to 2026-10-31, UTC. Beacon times are medians
over HTTP on loopback (request, pipeline, answer and JSON parse included); the engines' are
medians after a warm-up, on tables loaded once (loading not timed). Writes one section of
RESULTS.md.
"""
import argparse
import datetime as dt
import http.client
import json
import os
import time
import urllib.parse

from sql_common import chdb_session, replace_section, timed

TITLE = "## The Pendo-compatible aggregation API beside DuckDB and chDB"
F, M, E = "2026-10-02", "2026-10-17", "2026-11-01"
PAGE_VIEWS = "('page_view', 'pageview', '$pageview', 'page')"
NOT_TRACK = "('page_view', 'pageview', '$pageview', 'page', 'click', '$autocapture', 'button_clicked')"
VISITOR = "li.king198117@deltalabs-856.com"


def beacon_client(url, key):
    parsed = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port)

    def call(method, path, body=None):
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"x-pendo-integration-key": key, "content-type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        if resp.status >= 300:
            raise RuntimeError(f"{method} {path}: {resp.status} {data[:300]!r}")
        return json.loads(data)
    return call


def days_source(kind="events"):
    return {"source": {kind: None, "timeSeries": {"period": "dayRange", "first": "date(2026, 10, 2)", "last": "date(2026, 10, 31)"}}}


def questions(segment_id):
    """(name, what, pipeline, Beacon answer reduced, DuckDB SQL, chDB SQL, SQL answer reduced)."""
    dwin = f"ts >= TIMESTAMP '{F}' AND ts < TIMESTAMP '{E}'"
    cwin = f"ts >= toDateTime64('{F}', 3, 'UTC') AND ts < toDateTime64('{E}', 3, 'UTC')"
    qs = []
    by_key = lambda field, value: (lambda a: {r[field]: r[value] for r in a["results"]})
    rows2 = lambda rows: {r[0]: int(r[1]) for r in rows}
    qs.append(("top_visitors", "Top 10 identified visitors by events over 30 days (events → identified → group → sort → limit)",
               [days_source(), {"identified": "visitorId"}, {"group": {"group": ["visitorId"], "fields": {"events": {"sum": "numEvents"}}}},
                {"sort": ["-events", "visitorId"]}, {"limit": 10}],
               by_key("visitorId", "events"),
               f"SELECT user_id, count(*) c FROM ev WHERE {dwin} AND user_id NOT LIKE 'anon-%' GROUP BY 1 ORDER BY c DESC, user_id LIMIT 10",
               f"SELECT user_id, count() c FROM b.ev WHERE {cwin} AND user_id NOT LIKE 'anon-%' GROUP BY 1 ORDER BY c DESC, user_id LIMIT 10", rows2))
    qs.append(("visitor_events", "Events of one visitor over 30 days (the seed's 4.18 over a month)",
               [days_source(), {"identified": "visitorId"}, {"filter": f"visitorId == `{VISITOR}`"}, {"reduce": [{"totalEvents": {"sum": "numEvents"}}]}],
               lambda a: {"total": a["results"][0]["totalEvents"]},
               f"SELECT 'total', count(*) FROM ev WHERE {dwin} AND user_id = '{VISITOR}'",
               f"SELECT 'total', count() FROM b.ev WHERE {cwin} AND user_id = '{VISITOR}'", rows2))
    qs.append(("accounts", "Events and visitors per account over 30 days (events → group by accountId), every account",
               [days_source(), {"group": {"group": ["accountId"], "fields": {"events": {"sum": "numEvents"}, "visitors": {"count": "visitorId"}}}}],
               lambda a: {r["accountId"]: [r["events"], r["visitors"]] for r in a["results"]},
               f"SELECT account_id, count(*), count(DISTINCT user_id) FROM ev WHERE {dwin} GROUP BY 1",
               f"SELECT account_id, count(), uniqExact(user_id) FROM b.ev WHERE {cwin} GROUP BY 1",
               lambda rows: {r[0]: [int(r[1]), int(r[2])] for r in rows}))
    qs.append(("active_per_hour", "Active visitors per hour over a day (the seed's 4.17: hourRange, group by hour)",
               [{"source": {"events": None, "timeSeries": {"period": "hourRange", "first": "date(2026, 10, 31)", "count": 24}}},
                {"group": {"group": ["hour"], "fields": {"activeVisitors": {"count": "visitorId"}}}}],
               lambda a: {dt.datetime.fromtimestamp(r["hour"] / 1000, dt.timezone.utc).strftime("%H"): r["activeVisitors"] for r in a["results"]},
               "SELECT strftime(date_trunc('hour', ts), '%H'), count(DISTINCT user_id) FROM ev WHERE ts >= TIMESTAMP '2026-10-31' AND ts < TIMESTAMP '2026-11-01' GROUP BY 1",
               "SELECT formatDateTime(toStartOfHour(ts), '%H'), uniqExact(user_id) FROM b.ev "
               "WHERE ts >= toDateTime64('2026-10-31', 3, 'UTC') AND ts < toDateTime64('2026-11-01', 3, 'UTC') GROUP BY 1", rows2))
    qs.append(("page_views_per_day", "Page views and viewers per day over 30 days (pageEvents → group by day, from the page day index)",
               [days_source("pageEvents"), {"group": {"group": ["day"], "fields": {"views": {"sum": "numEvents"}, "visitors": {"count": "visitorId"}}}}],
               lambda a: {dt.datetime.fromtimestamp(r["day"] / 1000, dt.timezone.utc).strftime("%Y-%m-%d"): [r["views"], r["visitors"]] for r in a["results"]},
               f"SELECT strftime(CAST(ts AS DATE), '%Y-%m-%d'), count(*), count(DISTINCT user_id) FROM ev WHERE {dwin} AND event IN {PAGE_VIEWS} AND page IS NOT NULL GROUP BY 1",
               f"SELECT formatDateTime(toDate(ts), '%Y-%m-%d'), count(), uniqExact(user_id) FROM b.ev WHERE {cwin} AND event IN {PAGE_VIEWS} AND page IS NOT NULL GROUP BY 1",
               lambda rows: {r[0]: [int(r[1]), int(r[2])] for r in rows}))
    qs.append(("segment_visitors", "Identified visitors in a segment (did report_viewed): visitors → identified → segment → count",
               [{"source": {"visitors": None}}, {"identified": "visitorId"}, {"segment": {"id": segment_id}}, {"count": None}],
               lambda a: {"count": a["results"][0]["count"]},
               "SELECT 'count', count(DISTINCT user_id) FROM ev WHERE event = 'report_viewed' AND user_id NOT LIKE 'anon-%'",
               "SELECT 'count', uniqExact(user_id) FROM b.ev WHERE event = 'report_viewed' AND user_id NOT LIKE 'anon-%'", rows2))

    def stickiness_duck(first):
        return (f"(WITH ud AS (SELECT DISTINCT CAST(ts AS DATE) d, user_id FROM ev), dau AS (SELECT d, count(*) n FROM ud GROUP BY d), "
                f"mau AS (SELECT a.d, count(DISTINCT b.user_id) n FROM (SELECT DISTINCT d FROM ud WHERE d >= DATE '{first}' AND d < DATE '{E}') a "
                f"JOIN ud b ON b.d BETWEEN a.d - INTERVAL 29 DAY AND a.d GROUP BY a.d) SELECT avg(dau.n / mau.n) FROM mau JOIN dau USING (d))")

    def stickiness_ch(first):
        return (f"(SELECT avg(dau / mau) FROM (SELECT d, uniqExactIf(user_id, k = 0) dau, uniqExact(user_id) mau FROM "
                f"(SELECT addDays(d0, k) AS d, user_id, k FROM (SELECT DISTINCT toDate(ts) d0, user_id FROM b.ev) ARRAY JOIN range(30) AS k) "
                f"WHERE d >= toDate('{first}') AND d < toDate('{E}') GROUP BY d))")

    def growth_sql(t, table, first, mid):
        users = (f"SELECT user_id, min(ts) f, max(CASE WHEN ts >= {t(mid)} AND ts < {t(E)} THEN 1 ELSE 0 END) c, "
                 f"max(CASE WHEN ts >= {t(first)} AND ts < {t(mid)} THEN 1 ELSE 0 END) p FROM {table} WHERE ts < {t(E)} GROUP BY user_id")
        return (f"SELECT sum(CASE WHEN c = 1 AND f >= {t(mid)} THEN 1 ELSE 0 END) n, sum(CASE WHEN c = 1 AND p = 0 AND f < {t(mid)} THEN 1 ELSE 0 END) r, "
                f"sum(CASE WHEN p = 1 AND c = 0 THEN 1 ELSE 0 END) dr FROM ({users}) u")

    def adoption_sql(count, distinct, table, win):
        return (f"(SELECT {count}(*) FROM (SELECT DISTINCT user_id, event FROM {table} WHERE {win} AND event NOT IN {NOT_TRACK}) x) / "
                f"((SELECT {distinct} FROM {table} WHERE {win}) * (SELECT count(DISTINCT event) FROM {table} WHERE {win} AND event NOT IN {NOT_TRACK}))")

    dt_ = lambda d: f"TIMESTAMP '{d}'"
    ct_ = lambda d: f"toDateTime64('{d}', 3, 'UTC')"
    first_day = "date(\"2026-10-02\")"
    last_day = "date(\"2026-10-31\")"
    qs.append(("stickiness", "Stickiness (daily over monthly active visitors, mean over 30 days)",
               [{"stickiness": {"appId": -323232, "firstDay": first_day, "lastDay": last_day}}],
               lambda a: {"stickiness": a["results"][0]["stickiness"]},
               f"SELECT 'stickiness', {stickiness_duck(F)}", f"SELECT 'stickiness', {stickiness_ch(F)}",
               lambda rows: {"stickiness": float(rows[0][1])}))
    qs.append(("growth", "Growth over 15 days against the 15 before: new, recovered and dropped visitors",
               [{"growth": {"appId": -323232, "firstDay": "date(\"2026-10-17\")", "lastDay": last_day}}],
               lambda a: {k: a["results"][0][k] for k in ["new", "recovered", "dropped"]},
               growth_sql(dt_, "ev", F, M), growth_sql(ct_, "b.ev", F, M),
               lambda rows: dict(zip(["new", "recovered", "dropped"], [int(x) for x in rows[0]]))))
    qs.append(("adoption", "Adoption (share of the track types each active visitor used, 30 days)",
               [{"adoption": {"appId": -323232, "firstDay": first_day, "lastDay": last_day}}],
               lambda a: {"adoption": a["results"][0]["adoption"]},
               f"SELECT 'adoption', {adoption_sql('count', 'count(DISTINCT user_id)', 'ev', dwin)}",
               f"SELECT 'adoption', {adoption_sql('count', 'uniqExact(user_id)', 'b.ev', cwin)}",
               lambda rows: {"adoption": float(rows[0][1])}))

    def pes_sql(duck):
        t, table, win = (dt_, "ev", dwin) if duck else (ct_, "b.ev", cwin)
        g = growth_sql(t, table, "2026-09-02", F)
        growth = f"(SELECT (n + r) / (n + r + dr) FROM ({g}) gg)"
        adoption = adoption_sql("count", "count(DISTINCT user_id)" if duck else "uniqExact(user_id)", table, win)
        return f"SELECT 'pes', ({adoption} + {stickiness_duck(F) if duck else stickiness_ch(F)} + {growth}) / 3"
    qs.append(("pes", "PES: the mean of adoption, stickiness and growth (30 days)",
               [{"pes": {"appId": -323232, "firstDay": first_day, "lastDay": last_day}}],
               lambda a: {"pes": a["results"][0]["pes"]}, pes_sql(True), pes_sql(False),
               lambda rows: {"pes": float(rows[0][1])}))
    return qs


def load_duckdb(path, threads):
    import duckdb
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads={threads}")
    con.execute(f"""CREATE TABLE ev AS SELECT "timestamp"::TIMESTAMP AS ts, user_id, account_id, event, page FROM read_json('{path}', format='newline_delimited',
        columns={{'event':'VARCHAR','user_id':'VARCHAR','account_id':'VARCHAR','timestamp':'VARCHAR','page':'VARCHAR'}}) WHERE event IS NOT NULL""")
    return lambda sql: con.execute(sql).fetchall()


def load_chdb(path, threads):
    sess, q = chdb_session(threads)
    sess.query("CREATE TABLE b.ev (ts DateTime64(3, 'UTC'), user_id String, account_id String, event LowCardinality(String), page Nullable(String)) ENGINE = MergeTree ORDER BY (event, ts)")
    sess.query(f"""INSERT INTO b.ev SELECT parseDateTime64BestEffort(timestamp, 3, 'UTC'), user_id, ifNull(account_id, ''), event, page
        FROM file('{path}', 'JSONEachRow', 'event Nullable(String), user_id String, account_id Nullable(String), timestamp String, page Nullable(String)')
        WHERE event IS NOT NULL SETTINGS input_format_skip_unknown_fields = 1, max_threads = 1""")
    return q, sess


def normalize(answer):
    def v(x):
        if isinstance(x, (list, tuple)):
            return [v(y) for y in x]
        if isinstance(x, (int, float)):
            return round(float(x), 6)
        return x
    return sorted((str(k), json.dumps(v(x))) for k, x in answer.items())


def write_section(args, results):
    lines = [f"{TITLE} ({dt.date.today():%Y-%m-%d})", "",
             f"`bench/pendo_run` (`bench/pendo_api.py URL KEY {os.path.basename(args.file)} --runs {args.runs} --sql-runs {args.sql_runs} --threads {args.threads}`): "
             "a release server loaded with the file (`beacon import`); each pipeline is posted to `POST /pendo/api/v1/aggregation` over HTTP on loopback "
             f"(median of {args.runs}; request, parse, run, answer and client-side JSON parse included). DuckDB and chDB answer the same question in SQL over "
             f"the same file in the same run (tables loaded once, not timed; median of {args.sql_runs} after a warm-up, {args.threads} threads). "
             "The data is the 30 days 2026-10-02 to 2026-10-31, UTC. `agrees`: the engine's answer equals Beacon's.", "",
             "| question | Beacon | DuckDB | chDB | DuckDB / Beacon | chDB / Beacon | agrees (DuckDB, chDB) |", "|---|---|---|---|---|---|---|"]
    f = lambda x: "—" if x is None else (f"{x:,.2f} ms" if x < 100 else f"{x:,.0f} ms")
    for r in results:
        b, d, c = r["beacon_ms"], r.get("duckdb_ms"), r.get("chdb_ms")
        ratio = lambda x: "—" if x is None else f"{x / b:,.1f}x"
        agree = ", ".join("yes" if r.get(f"{e}_agrees") else "no" for e in ["duckdb", "chdb"])
        lines.append(f"| {r['what']} | {f(b)} | {f(d)} | {f(c)} | {ratio(d)} | {ratio(c)} | {agree} |")
    lines += ["", "Target (the Pendo API issue): each ≤ 100 ms and faster than chDB:", ""]
    for r in results:
        met = r["beacon_ms"] <= 100 and r["beacon_ms"] < (r.get("chdb_ms") or float("inf"))
        lines.append(f"- {r['name']}: {'met' if met else 'missed'} ({r['beacon_ms']:,.2f} ms)")
    lines += ["", "The event questions take a fast path: a grouped event source followed by visitor and account filters and a `group` or "
              "`reduce` of event counts and distinct visitors, accounts or periods is answered in one pass over the range's columns, "
              "without a row per visitor, account, period and user agent (tests check it gives the general path's rows). The visitor "
              "count filters users before making rows. Page views by day come from the page day index (page views and viewers per day and "
              "page of the sealed chunks), with only the open chunk read. The engagement stages read the per-day user bitmaps. The server "
              "is measured once idle after the import (its CPU time flat over a second)."]
    replace_section(args.results, TITLE, "\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url"); ap.add_argument("key"); ap.add_argument("file")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--sql-runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=None)
    ap.add_argument("--engines", default="duckdb,chdb")
    ap.add_argument("--results", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md"))
    args = ap.parse_args()
    call = beacon_client(args.url, args.key)
    conn = http.client.HTTPConnection(urllib.parse.urlparse(args.url).hostname, urllib.parse.urlparse(args.url).port)
    conn.request("POST", "/api/segments", body=json.dumps({"name": f"bench-{time.time_ns()}", "rules": [{"type": "did_event", "event": "report_viewed"}]}),
                 headers={"x-api-key": args.key, "content-type": "application/json"})
    segment = json.loads(conn.getresponse().read())
    segment_id = (segment.get("segment") or segment.get("data") or segment)["id"]
    qs = questions(segment_id)
    # The new segment is worked out beside the actor: let that finish before anything is timed.
    time.sleep(5)
    results = []
    print("== Beacon", flush=True)
    for name, what, pipeline, reduce_beacon, _, _, _ in qs:
        body = {"response": {"mimeType": "application/json"}, "request": {"name": name, "pipeline": pipeline}}
        answer, ms, _ = timed(lambda: call("POST", "/pendo/api/v1/aggregation", body), args.runs)
        results.append({"name": name, "what": what, "beacon_ms": ms, "beacon": reduce_beacon(answer)})
        print(f"{name}: {ms:.2f} ms", flush=True)
    by_name = {r["name"]: r for r in results}
    for engine in args.engines.split(","):
        print(f"== {engine}", flush=True)
        t0 = time.perf_counter()
        run = load_duckdb(args.file, args.threads) if engine == "duckdb" else load_chdb(args.file, args.threads)[0]
        print(f"loaded in {time.perf_counter() - t0:.1f} s", flush=True)
        for name, what, _, _, duck_sql, ch_sql, reduce_sql in qs:
            rows, ms, _ = timed(lambda: run(duck_sql if engine == "duckdb" else ch_sql), args.sql_runs)
            r = by_name[name]
            r[f"{engine}_ms"] = ms
            theirs = reduce_sql(rows)
            r[f"{engine}_agrees"] = normalize(theirs) == normalize(r["beacon"])
            if not r[f"{engine}_agrees"]:
                print(f"  Beacon: {normalize(r['beacon'])[:6]}\n  {engine}: {normalize(theirs)[:6]}", flush=True)
            print(f"{name}: {ms:.2f} ms, agrees: {r[engine + '_agrees']}", flush=True)
        del run
    if args.out:
        json.dump(results, open(args.out, "w"), indent=1, default=str)
    write_section(args, results)


if __name__ == "__main__":
    main()
