#!/usr/bin/env python3
"""Builds bench/RESULTS.md from the files bench/run leaves in DATA (see bench/run)."""
import datetime
import glob
import json
import os
import platform
import re
import statistics
import sys

data, events, users, runs, command = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]


def load(pattern):
    return [json.load(open(p)) for p in sorted(glob.glob(os.path.join(data, pattern)))]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


inproc = load("inprocess_*.json")
rss = load("rss_*.json")
imports = []
for p in sorted(glob.glob(os.path.join(data, "import_*.txt"))):
    m = re.search(r"\(([\d.]+) events/s\)", open(p).read())
    imports.append(float(m.group(1)) if m else None)
contention = load("contention_run_*.json")
duck = json.load(open(os.path.join(data, "series_duckdb.json")))
ch = json.load(open(os.path.join(data, "series_chdb.json")))
anchor = json.load(open(os.path.join(data, "results_bench.json")))["results"]

ingest = med([r["ingest_events_per_second"] for r in inproc])
pipelined = med([r.get("pipelined_events_per_second") for r in inproc])
apply_only = med([r.get("apply_events_per_second") for r in inproc])
parse_only = med([events / r["parse_seconds"] for r in inproc])
series = med([r["series_median_ms"] for r in inproc])
live = med([r["live_median_ms"] for r in inproc])
http_ingest = med(imports)
idle = [c["idle"] for c in contention if c.get("idle")]
busy = [c["contended"] for c in contention if c.get("contended")]
live_rps = med([c["live_requests_per_s"] for c in idle])
live_p50 = med([c["live_p50_ms"] for c in idle])
live_p99 = med([c["live_p99_ms"] for c in idle])
live_recomputed = med([c["live_recomputed_per_s_at_most"] for c in idle])
idle_ingest = med([c["ingest_events_per_s"] for c in idle])
busy_live_p50 = med([c["live_p50_ms"] for c in busy])
busy_live_p99 = med([c["live_p99_ms"] for c in busy])
busy_live_rps = med([c["live_requests_per_s"] for c in busy])
busy_ingest = med([c["ingest_events_per_s"] for c in busy])
busy_ingest_ratio = med([c.get("ingest_ratio") for c in contention])
busy_reads = med([c["reads_completed"] for c in busy])
busy_read_p50 = med([c["read_p50_ms"] for c in busy])
busy_read_failures = sum(c.get("read_failures", 0) for c in busy)
refused = sum(c.get("ingest_refused", 0) + c.get("live_refused", 0) for c in idle + busy)
contention_seconds = contention[0]["seconds"] if contention else None
contention_readers = contention[0]["readers"] if contention else None
bytes_per_event = med([(r["rss_loaded_kb"] - r["rss_start_kb"]) * 1024 / events for r in rss])
expected_checks = inproc[0].get("agreement", {}) if inproc else {}
duck_load = anchor.get("duckdb", {}).get("load_s")
ch_load = anchor.get("chdb", {}).get("load_s")


def fmt(x, unit="", digits=2):
    if x is None:
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}{unit}"
    return f"{x:.{digits}f}{unit}"


def timed(ms, runs_key, digits=2):
    """An in-process figure with the number of timings it is the median of (per run of bench/run)."""
    count = inproc[0].get("query_runs", {}).get(runs_key) if inproc else None
    return fmt(ms, " ms", digits) + (f" (median of {count:,})" if count and ms is not None else "")


def ratio(other, ours, higher_is_better=False):
    if other is None or ours is None or ours == 0:
        return "n/a"
    value = ours / other if higher_is_better else other / ours
    return f"{value:,.2f}x" if value < 10 else f"{value:,.0f}x"


lines = []
lines.append("# Benchmark results\n")
lines.append(f"Produced by `{command}` on {datetime.date.today()} ({platform.machine()}, {os.cpu_count()} cores), "
             f"{events:,} events, {users:,} users, 30 days, seed 42 (`gen_events.py --events {events} --users {users} --days 30 --seed 42`). "
             f"Beacon figures are {f'medians of {runs} runs' if runs > 1 else 'from one run'} of the whole benchmark; within a run, each in-process query was timed repeatedly and its median "
             f"taken, the count shown in its row (\"median of N\"); "
             f"DuckDB {duck['version']} and chDB {ch['version']} ran the same questions on the same file in the same run "
             f"(2 threads, medians of 5 runs after a warm-up).\n")
if "PARTS=analytics" in command:
    lines.append("This run measured the in-process figures, `eligible` and the audience latency over HTTP, and `bench/analytics_sql.py` on DuckDB and chDB; "
                 "the rows for HTTP ingest, `/api/live` under ingest with and without readers, and memory, the DAU series and anchor questions on DuckDB and chDB, and the durability "
                 "and Redis sections are from the last full `bench/run` on the same file, the same day.\n")
lines.append("| measure | target | Beacon | DuckDB | chDB | DuckDB / Beacon | chDB / Beacon | met |")
lines.append("|---|---|---|---|---|---|---|---|")
lines.append(f"| in-process ingest into one tenant (simdjson parse + apply, batches of 1,000) | ≥ 2,000,000 ev/s | {fmt(ingest, ' ev/s')} | "
             f"load {fmt(events / duck_load if duck_load else None, ' ev/s')} | load {fmt(events / ch_load if ch_load else None, ' ev/s')} | "
             f"{ratio(events / duck_load if duck_load else None, ingest, True)} | {ratio(events / ch_load if ch_load else None, ingest, True)} | {'yes' if ingest and ingest >= 2e6 else 'no'} |")
lines.append(f"| in-process ingest, parse and apply overlapped on 2 threads (the server's shape) | ≥ 2,000,000 ev/s | {fmt(pipelined, ' ev/s')} | | | | | {'yes' if pipelined and pipelined >= 2e6 else 'no'} |")
lines.append(f"| of which: simdjson parse alone / apply alone (one core each) | | {fmt(parse_only, ' ev/s')} / {fmt(apply_only, ' ev/s')} | | | | | |")
lines.append(f"| HTTP ingest with `beacon import` (batches of 1,000, 4 in flight) | ≥ 200,000 ev/s | {fmt(http_ingest, ' ev/s')} | | | | | {'yes' if http_ingest and http_ingest >= 2e5 else 'no'} |")
lines.append(f"| DAU + WAU + MAU, 30 points each, in process | ≤ 2 ms, ≥ 50x DuckDB | {timed(series, 'series', 3)} | {fmt(duck['series_ms'], ' ms')} | {fmt(ch['series_ms'], ' ms')} | "
             f"{ratio(duck['series_ms'], series)} | {ratio(ch['series_ms'], series)} | {'yes' if series and series <= 2 and duck['series_ms'] / series >= 50 else 'no'} |")
lines.append(f"| live users + 60-minute sparkline, in process | ≤ 0.5 ms | {timed(live, 'live', 3)} | {fmt(duck['live_ms'], ' ms')} | {fmt(ch['live_ms'], ' ms')} | "
             f"{ratio(duck['live_ms'], live)} | {ratio(ch['live_ms'], live)} | {'yes' if live and live <= 0.5 else 'no'} |")
funnel_ms = med([r.get("funnel_median_ms") for r in inproc])
duck_q6 = anchor.get("duckdb", {}).get("median_ms", {}).get("Q6")
ch_q6 = anchor.get("chdb", {}).get("median_ms", {}).get("Q6")
if funnel_ms is not None:
    lines.append(f"| 4-step funnel, 7-day window (anchor Q6; chDB's windowFunnel), in process | ≤ 100 ms, faster than chDB | {timed(funnel_ms, 'funnel')} | {fmt(duck_q6, ' ms')} | {fmt(ch_q6, ' ms')} | "
                 f"{ratio(duck_q6, funnel_ms)} | {ratio(ch_q6, funnel_ms)} | {'yes' if funnel_ms <= 100 and ch_q6 and funnel_ms < ch_q6 else 'no'} |")
rich_ms = med([r.get("rich_funnel_median_ms") for r in inproc])
if rich_ms is not None:
    lines.append(f"| the same funnel with a filter on step 1, a 2-day window on step 4 and logouts excluded between steps 2 and 3 (`POST /api/funnels`), in process | report | {timed(rich_ms, 'rich_funnel')} | | | | | |")
adoption_ms = med([r.get("adoption_median_ms") for r in inproc])
counts_ms = med([r.get("event_counts_median_ms") for r in inproc])
duck_q4 = anchor.get("duckdb", {}).get("median_ms", {}).get("Q4")
ch_q4 = anchor.get("chdb", {}).get("median_ms", {}).get("Q4")
if counts_ms is not None:
    lines.append(f"| event counts and distinct users per type, 30 days (anchor Q4), in process | ≤ 5 ms | {timed(counts_ms, 'event_counts', 3)} | {fmt(duck_q4, ' ms')} | {fmt(ch_q4, ' ms')} | "
                 f"{ratio(duck_q4, counts_ms)} | {ratio(ch_q4, counts_ms)} | {'yes' if counts_ms <= 5 else 'no'} |")
    lines.append(f"| adoption of every event type, 30 days, in process | ≤ 5 ms | {timed(adoption_ms, 'adoption', 3)} | | | | | {'yes' if adoption_ms <= 5 else 'no'} |")
retention_ms = med([r.get("retention_median_ms") for r in inproc])
duck_q7 = anchor.get("duckdb", {}).get("median_ms", {}).get("Q7")
ch_q7 = anchor.get("chdb", {}).get("median_ms", {}).get("Q7")
if retention_ms is not None:
    lines.append(f"| weekly retention, cohorts by first event, weeks 0–4 (anchor Q7), in process | ≤ 100 ms | {timed(retention_ms, 'retention', 3)} | {fmt(duck_q7, ' ms')} | {fmt(ch_q7, ' ms')} | "
                 f"{ratio(duck_q7, retention_ms)} | {ratio(ch_q7, retention_ms)} | {'yes' if retention_ms <= 100 else 'no'} |")
an_path = {eng: os.path.join(data, f"analytics_{eng}.json") for eng in ("duckdb", "chdb")}
an = {eng: json.load(open(p)) if os.path.exists(p) else {} for eng, p in an_path.items()}


def sql_row(label, target, ours, key, met, digits=2, runs_key=None):
    d, c = an["duckdb"].get(f"{key}_ms"), an["chdb"].get(f"{key}_ms")
    lines.append(f"| {label} | {target} | {timed(ours, runs_key or key, digits)} | {fmt(d, ' ms')} | {fmt(c, ' ms')} | {ratio(d, ours)} | {ratio(c, ours)} | {'yes' if met else 'no'} |")


trend_ms = med([r.get("trend_split_median_ms") or r.get("trend_median_ms") for r in inproc])
trend_single_ms = med([r.get("trend_median_ms") for r in inproc])
correlation_ms = med([r.get("correlation_median_ms") for r in inproc])
accounts_ms = med([r.get("account_list_median_ms") for r in inproc])
paths_ms = med([r.get("paths_median_ms") for r in inproc])
paths_back_ms = med([r.get("paths_backward_median_ms") for r in inproc])
if trend_ms is not None:
    sql_row(f"trend of page_view over 30 days grouped by country (top 10 + other), in process, the pass split across the 2 cores as the server runs it (one core: {timed(trend_single_ms, 'trend')})", "≤ 50 ms", trend_ms, "trend", trend_ms <= 50, runs_key="trend_split")
    sql_row("correlation report_viewed → report_exported over 30 days, in process", "≤ 20 ms", correlation_ms, "correlation", correlation_ms <= 20, 3)
if accounts_ms is not None:
    sql_row(f"account list: all {inproc[0]['account_list_count']:,} accounts with users, active users and events in 30 days, sorted, in process", "≤ 5 ms",
            accounts_ms, "account_list", accounts_ms <= 5, 3)
    sql_row("paths of depth 4 forward from report_viewed (30-minute sessions, first anchor per session), in process", "≤ 200 ms",
            paths_ms, "paths", paths_ms <= 200)
    lines.append(f"| the same paths backward (to report_viewed), in process | ≤ 200 ms | {timed(paths_back_ms, 'paths_backward')} | | | | | {'yes' if paths_back_ms <= 200 else 'no'} |")
estimate_ms = med([r.get("segment_estimate_median_ms") for r in inproc])
if estimate_ms is not None:
    d = an["duckdb"].get("segment_ms")
    sql_row("segment estimate, 3 rules (report_viewed ≥ 3 in 14 days, plan = pro, no report_exported in 14 days), in process", "≤ 5 ms, ≥ 50x DuckDB",
            estimate_ms, "segment", estimate_ms <= 5 and d is not None and d / estimate_ms >= 50, 3, runs_key="segment_estimate")
    plain = med([r["ingest_events_per_second"] for r in inproc])
    seg = med([r.get("segment_ingest_events_per_second") for r in inproc])
    lines.append(f"| in-process ingest with 50 dynamic segments and 20 active nudges kept current at the server's refresh pace | ≥ 70% of without | {fmt(seg, ' ev/s')} ({100 * seg / plain:.0f}% of {fmt(plain, ' ev/s')}; {inproc[0].get('segment_refreshes', '?')} refreshes, median {fmt(med([r.get('segment_refresh_median_ms') for r in inproc]), ' ms')}) | | | | | {'yes' if seg >= 0.7 * plain else 'no'} |")
nudge_path = os.path.join(data, "nudges.json")
if os.path.exists(nudge_path):
    nb = json.load(open(nudge_path))
    p99 = nb.get("eligible_p99_ms")
    lines.append(f"| `GET /api/nudges/eligible` over HTTP (wrk, 2 threads, 8 connections, 10 s; {nb['segment_size']:,}-user segment) | p99 ≤ 2 ms | p99 {fmt(p99, ' ms')}, p50 {fmt(nb.get('eligible_p50_ms'), ' ms')}, {fmt(nb.get('eligible_rps'), ' req/s')} | | | | | {'yes' if p99 is not None and p99 <= 2 else 'no'} |")
    lines.append(f"| from an ingested event to the changed audience (`eligible` answers with the nudge) | ≤ 1 s | {fmt(nb.get('audience_visible_ms'), ' ms')} (the first read after the ingest) | | | | | {'yes' if nb.get('audience_visible_ms') is not None and nb['audience_visible_ms'] <= 1000 else 'no'} |")
if idle:
    lines.append(f"| `GET /api/live` over HTTP (wrk, 1 connection, {contention_seconds} s) while wrk posts 1,000-event batches on 2 connections; "
                 f"no pinned `at`, so each request after a batch has landed recomputes the answer, the others are served from the per-version cache | report (the ≥ 20,000 req/s target was set for 32 connections on cached answers) | "
                 f"{fmt(live_rps, ' req/s')} (one connection, so 1 / latency; at most {fmt(live_recomputed, '/s', 0)} recomputed), p50 {fmt(live_p50, ' ms', 3)}, p99 {fmt(live_p99, ' ms', 3)}; "
                 f"ingest meanwhile {fmt(idle_ingest, ' ev/s')} | | | | | |")
if busy:
    busy_met = busy_live_p99 is not None and busy_live_p99 <= 5 and busy_ingest_ratio is not None and busy_ingest_ratio >= 0.8
    lines.append(f"| the same while {contention_readers} clients loop on paths (depth 4 from report_viewed) and 4-step funnels over the file's 30 days "
                 f"(`bench/contention.py`; scans run beside the tenant actor on a lower-priority pool) | live p99 ≤ 5 ms, ingest ≥ 80% of the row above | "
                 f"live p99 {fmt(busy_live_p99, ' ms', 3)}, p50 {fmt(busy_live_p50, ' ms', 3)}, {fmt(busy_live_rps, ' req/s')}; ingest {fmt(busy_ingest, ' ev/s')} "
                 f"({100 * busy_ingest_ratio:.0f}% of {fmt(idle_ingest, ' ev/s')}); {fmt(busy_reads, '', 0)} reads done, p50 {fmt(busy_read_p50, ' ms', 0)}"
                 f"{f', {busy_read_failures} failed' if busy_read_failures else ''} | | | | | {'yes' if busy_met else 'no'} |")
if idle and busy:
    grown = (idle_ingest + busy_ingest) * contention_seconds
    lines.append(f"| what the two rows above add to the tenant (events stamped now; the readers' window, the file's 30 days, leaves them out) | | "
                 f"about {fmt(grown, ' events', 0)} on top of the file's {events:,} | | | | | |")
if refused:
    lines.append(f"| requests refused (non-2xx) during the two rows above | 0 | {refused} | | | | | no |")
lines.append(f"| server resident memory after loading (RSS growth / events) | ≤ 40 B/event | {fmt(bytes_per_event, ' B/event', 1)} | "
             f"{fmt(anchor.get('duckdb', {}).get('rss_after_load_mb'), ' MB')} RSS | {fmt(anchor.get('chdb', {}).get('rss_after_load_mb'), ' MB')} RSS | | | {'yes' if bytes_per_event and bytes_per_event <= 40 else 'no'} |")
lines.append("")


# Beacon's answers (first in-process run) against the answers DuckDB and chDB gave in this run:
# anchor_queries.py (Q1, Q2, Q3, Q4, Q6, Q7), series_sql.py (the 30-point series) and
# analytics_sql.py (paths, account list, segment estimate). None: that engine has no answer.
ours = inproc[0] if inproc else {}
series_by_engine = {"duckdb": duck, "chdb": ch}
end_day = datetime.date(2026, 11, 1)
days = [(end_day - datetime.timedelta(days=30 - i)).isoformat() for i in range(30)]


def anchor_answer(eng, q, statement=0):
    answers = anchor.get(eng, {}).get("answers", {}).get(q)
    return answers[statement] if answers and len(answers) > statement else None


def beacon_sparkline():
    return {datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"): users
            for ms, users in zip(ours.get("live_sparkline_minute_ms", []), ours.get("live_sparkline", []))}


def sparkline_differences(eng):
    """Minutes of Beacon's 60 whose distinct users differ from the engine's (minutes it has no row for count 0)."""
    theirs = anchor_answer(eng, "Q3", 1)
    mine = beacon_sparkline()
    if theirs is None or not mine:
        return None
    by_minute = {str(m)[:16]: int(c) for m, c in theirs}
    return sum(by_minute.get(m, 0) != mine.get(m, 0) for m in set(mine) | set(by_minute))


def series_points_differing(eng, column):
    rows = series_by_engine[eng].get("rows")
    if not rows or not ours:
        return None
    theirs = {str(r[0])[:10]: int(r[column]) for r in rows}
    mine = dict(zip(days, ours[("dau", "wau", "mau")[column - 1]]))
    return sum(theirs.get(d) != v for d, v in mine.items())


def check(eng, name):
    if not ours:
        return None
    if name == "Q1":
        theirs = anchor_answer(eng, "Q1")
        return None if theirs is None else [[str(d)[:10], int(n)] for d, n in theirs] == [[d, n] for d, n in zip(days, ours["dau"])]
    if name == "Q2":
        theirs = anchor_answer(eng, "Q2")
        return None if theirs is None else [int(x) for x in theirs[0]] == [ours["wau"][-1], ours["mau"][-1]]
    if name in ("dau", "wau", "mau"):
        differing = series_points_differing(eng, ("dau", "wau", "mau").index(name) + 1)
        return None if differing is None else differing == 0
    if name == "Q3 sparkline":
        differing = sparkline_differences(eng)
        return None if differing is None else differing == 0
    if name == "Q4":
        theirs = anchor_answer(eng, "Q4")
        return None if theirs is None or "event_counts_rows" not in ours else \
            sorted([str(e), int(n), int(u)] for e, n, u in theirs) == sorted([str(e), int(n), int(u)] for e, n, u in ours["event_counts_rows"])
    if name == "Q6":
        theirs = anchor_answer(eng, "Q6")
        return None if theirs is None else [int(x) for x in theirs[0]] == ours["funnel_users"]
    if name == "Q7":
        theirs = anchor_answer(eng, "Q7")
        return None if theirs is None else sorted([str(a)[:10], str(b), str(c)] for a, b, c in theirs) == sorted(ours.get("retention_rows", []))
    if name == "paths":
        rows = an[eng].get("paths_rows")
        return None if rows is None else [[list(p), int(c)] for p, c in rows] == [[list(p), int(c)] for p, c in ours["paths_rows"]]
    if name == "accounts":
        rows = an[eng].get("account_list_rows")
        return None if rows is None else [[str(a), int(u), int(x), int(e)] for a, u, x, e in rows] == \
            [[str(a), int(u), int(x), int(e)] for a, u, x, e in ours["account_list_rows"]]
    if name == "segment":
        rows = an[eng].get("segment_rows")
        return None if not rows else int(rows[0][0]) == ours["segment_estimate_size"]
    raise KeyError(name)


CHECKS = [("Q1", "DAU per day, 30 days (anchor Q1)"),
          ("Q2", "WAU and MAU for the last day (anchor Q2)"),
          ("dau", "DAU series, every one of the 30 points (`series_sql.py`)"),
          ("wau", "WAU series, every one of the 30 points (`series_sql.py`)"),
          ("mau", "MAU series, every one of the 30 points (`series_sql.py`)"),
          ("Q3 sparkline", "live sparkline: distinct users in each of the 60 minutes ending with the newest event's minute (anchor Q3)"),
          ("Q4", "event count and distinct users per type, 30 days (anchor Q4)"),
          ("Q6", "funnel users per step (anchor Q6)"),
          ("Q7", "weekly retention, every cohort and week (anchor Q7)"),
          ("paths", "top 20 paths of depth 4 from report_viewed (`analytics_sql.py`)"),
          ("accounts", "account list, top 20 rows (`analytics_sql.py`)"),
          ("segment", "segment estimate size (`analytics_sql.py`)")]


def verdict(value):
    return "n/a" if value is None else "agrees" if value else "DIFFERS"

lines.append("## Answers\n")
lines.append("Beacon's answers from the first in-process run, checked against the answers DuckDB and chDB gave on the same file in this run:\n")
lines.append("| question | DuckDB | chDB |")
lines.append("|---|---|---|")
for name, label in CHECKS:
    lines.append(f"| {label} | {verdict(check('duckdb', name))} | {verdict(check('chdb', name))} |")
lines.append("")
if ours and anchor_answer("duckdb", "Q3") is not None:
    exact = {eng: anchor_answer(eng, "Q3") for eng in ("duckdb", "chdb")}
    lines.append(f"Live users at the newest event: Beacon {ours['live_active_users']:,} (minute-bucketed: that event's minute and the four before), "
                 + ", ".join(f"{eng} {int(v[0][0]):,}" for eng, v in exact.items() if v) + " (exact: the 5 minutes up to that event); "
                 "the two windows differ by design, so the counts are shown rather than checked.\n")
if expected_checks:
    lines.append("Also checked against the precomputed answer file passed as `--expected` (DuckDB's answers when the file was made, cross-checked with chDB; "
                 "it holds Q2 for the last day only): " + ", ".join(f"{k} {verdict(v)}" for k, v in sorted(expected_checks.items())) + ".\n")
lines.append("## The anchor questions on DuckDB and chDB (same file, same run)\n")
lines.append("`../shared/bench/anchor_queries.py FILE --runs 5 --threads 2`, median ms:\n")
lines.append("| engine | load s | " + " | ".join(f"Q{i}" for i in range(1, 9)) + " |")
lines.append("|---|---|" + "---|" * 8)
for eng in ("duckdb", "chdb"):
    r = anchor.get(eng, {})
    lines.append(f"| {eng} | {fmt(r.get('load_s'))} | " + " | ".join(fmt(r.get('median_ms', {}).get(f'Q{i}')) for i in range(1, 9)) + " |")
lines.append("")
lines.append("Beacon answers Q1–Q4 and Q7 from its indexes and Q6 (the funnel) from one scan of the event log (rows above). Q8 counts 3-page runs per user without sessions; Beacon's paths are session-based, so `bench/analytics_sql.py` asks DuckDB and chDB Beacon's own definition (rows above) and the top 20 paths are compared. Q5 (a segment's size) is close to the segment estimate row above.\n")
dur_path = os.path.join(data, "durability.json")
if os.path.exists(dur_path):
    d = json.load(open(dur_path))
    ev = d["events"]
    lines.append("## Durability (WAL and snapshots)\n")
    lines.append(f"`bench/durability FILE` on the same {ev:,} events: `beacon import` over HTTP (batches of 1,000, 4 in flight) into a release server per WAL mode; "
                 "a snapshot on demand after the load; a restart after `kill -9`; on the restored tenant, a paced wrk client posting small batches "
                 "for two windows, without snapshots and with one requested every 2 s (`bench/ingest_latency.py`); then an import with a snapshot requested every 2 s. One run each.\n")
    pct = lambda x: f"{100 * x / d['ingest_wal_off']:.0f}%"
    caps = d.get("capture_ms_during_ingest") or []
    lines.append("| measure | target | Beacon | met |")
    lines.append("|---|---|---|---|")
    lines.append(f"| HTTP ingest, WAL off | | {fmt(d['ingest_wal_off'], ' ev/s')} | |")
    lines.append(f"| HTTP ingest, `wal_fsync=interval` (100 ms) | ≥ 90% of WAL off | {fmt(d['ingest_wal_interval'], ' ev/s')} ({pct(d['ingest_wal_interval'])}) | {'yes' if d['ingest_wal_interval'] >= 0.9 * d['ingest_wal_off'] else 'no'} |")
    lines.append(f"| HTTP ingest, `wal_fsync=always` (group commit) | report | {fmt(d['ingest_wal_always'], ' ev/s')} ({pct(d['ingest_wal_always'])}) | |")
    lines.append(f"| HTTP ingest, `wal_fsync=none` | | {fmt(d['ingest_wal_none'], ' ev/s')} ({pct(d['ingest_wal_none'])}) | |")
    lines.append(f"| HTTP ingest while snapshots are written (interval) | ≥ 80% of without | {fmt(d['ingest_during_snapshots'], ' ev/s')} ({100 * d['ingest_during_snapshots'] / d['ingest_wal_interval']:.0f}% of interval) | {'yes' if d['ingest_during_snapshots'] >= 0.8 * d['ingest_wal_interval'] else 'no'} |")
    lines.append(f"| actor time to capture a snapshot (a copy of the state value; leaves out the copy-on-write copies the next writes make, in the latency rows below) | ≤ 2 ms | {d['snapshot_capture_ms']:.3f} ms after the load; during ingest: max {max(caps) if caps else float('nan'):.3f} ms over {len(caps)} snapshots | {'yes' if d['snapshot_capture_ms'] <= 2 and (not caps or max(caps) <= 2) else 'no'} |")
    plain, snapped = d.get("ingest_latency_without_snapshots"), d.get("ingest_latency_with_snapshots")
    if plain and snapped:
        def latency(r):
            return (f"p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, p99.9 {r['p999_ms']:.2f} ms, max {r['max_ms']:.2f} ms "
                    f"({r['requests']:,} requests, {fmt(r['events_per_s'], ' ev/s')})")
        lines.append(f"| ingest latency per request on the loaded tenant: {plain['batch_events']:,}-event batches on 2 connections, each pausing {plain['pause_ms']} ms "
                     f"between requests, {plain['seconds']} s, no snapshots | report | {latency(plain)} | |")
        lines.append(f"| the same with a snapshot requested every 2 s ({snapped['snapshots']} written, each request {fmt(med(snapped.get('snapshot_request_ms', [])), ' ms', 0)} median): "
                     f"includes the capture, the copy-on-write copies the writes after each capture make of the buffers the snapshot still holds, "
                     f"and the encoder's CPU on the same 2 cores | report | {latency(snapped)} | |")
    lines.append(f"| snapshot size | ≤ 5 B/event | {d['snapshot_bytes'] / ev:.2f} B/event ({d['snapshot_bytes'] / 2**20:.0f} MiB) | {'yes' if d['snapshot_bytes'] / ev <= 5 else 'no'} |")
    lines.append(f"| snapshot encode + compress + write (off the actor) | report | {d['snapshot_write_seconds']:.2f} s | |")
    lines.append(f"| restart after kill -9 until /health is ok (snapshot load + WAL after it) | ≤ 2 s | {d['restore_seconds']:.2f} s ({d['restored_events']:,} events) | {'yes' if d['restore_seconds'] <= 2 else 'no'} |")
    lines.append("")

redis_path = os.path.join(data, "redis.json")
if os.path.exists(redis_path) and os.path.exists(dur_path):
    r = json.load(open(redis_path))
    lines.append("## Redis doing the same job (`bench/redis_compare.py`, same file)\n")
    lines.append(f"{r['version']}. The per-day and per-day-and-event-type user sets that Beacon's day indexes hold, loaded as "
                 f"{r['sets']:,} Redis sets ({r['members']:,} members), then SAVE and a restart; and the first {r['aof_events']:,} events "
                 "as single SADDs (pipelines of 1,000) under each AOF mode. Beacon's snapshot holds more (the whole event log as well).\n")
    lines.append("| measure | Redis | Beacon |")
    lines.append("|---|---|---|")
    lines.append(f"| snapshot write (RDB SAVE / Beacon snapshot, off the actor) | {r['rdb_save_s']:.2f} s | {d['snapshot_write_seconds']:.2f} s |")
    lines.append(f"| snapshot size | {r['rdb_bytes'] / 2**20:.1f} MiB (sets only) | {d['snapshot_bytes'] / 2**20:.1f} MiB (sets, counts and all {ev:,} events) |")
    lines.append(f"| restart: load the snapshot | {r['rdb_load_s']:.2f} s | {d['restore_seconds']:.2f} s until /health is ok |")
    lines.append(f"| writes with the log off | {fmt(r['aof_off_events_per_s'], ' ev/s')} | {fmt(d['ingest_wal_off'], ' ev/s')} |")
    lines.append(f"| writes with AOF everysec / WAL interval | {fmt(r['aof_everysec_events_per_s'], ' ev/s')} | {fmt(d['ingest_wal_interval'], ' ev/s')} |")
    lines.append(f"| writes with AOF always / WAL always | {fmt(r['aof_always_events_per_s'], ' ev/s')} | {fmt(d['ingest_wal_always'], ' ev/s')} |")
    lines.append("")

# Sections measured by hand (contention before and after a change, snapshot memory, the soak)
# are not this script's to rewrite: each section of the current RESULTS.md carrying the KEPT
# marker is carried over, before the notes.
KEPT = "<!-- measured by hand: bench/report.py keeps this section -->"
results_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")
if os.path.exists(results_path):
    for section in re.split(r"(?m)^(?=## )", open(results_path).read()):
        if KEPT in section:
            lines.append(section.rstrip() + "\n")

lines.append("## Notes\n")
lines.append("- In-process ingest is measured on pre-built 1,000-event bodies: simdjson parse, validation, interning and every index update, on one core.")
lines.append("- HTTP ingest is `beacon import` against a release server on loopback; the client and server share the 2 cores.")
lines.append("- Live users in Beacon are minute-bucketed (the current minute and the four before); the SQL engines use an exact 5-minute window, so the two counts can differ slightly. "
             "The sparkline is bucketed by UTC minute in both, so it is checked minute for minute (Answers above).")
lines.append("- Memory is the server's RSS after the import minus its RSS at start, divided by the events.")
if pipelined and pipelined < 2e6:
    lines.append(f"- Missed: in-process ingest reaches {100 * pipelined / 2e6:.0f}% of the 2M ev/s target with parse and apply overlapped; the apply step (interning, day/type/account bitmaps, "
                 f"the columnar log) is the bottleneck at {fmt(apply_only, ' ev/s')} on one core, bound by cache misses on the user hash table and summaries. "
                 "Beacon keeps every index current on each event, where DuckDB and chDB bulk-load the file.")
if os.path.exists(dur_path):
    d = json.load(open(dur_path))
    wal_cost = 1 - d['ingest_wal_interval'] / d['ingest_wal_off']
    if wal_cost > 0.1:
        lines.append(f"- Missed: the WAL in `interval` mode costs {100 * wal_cost:.0f}% of HTTP ingest (target ≤ 10%): bodies are zstd-compressed on the request tasks and appended on the actor, "
                     "and on 2 cores shared with the import client that CPU is not free.")
    if d['snapshot_bytes'] / d['events'] > 5:
        lines.append(f"- Missed: snapshots are {d['snapshot_bytes'] / d['events']:.2f} B/event against a 5 B target: the event log's user and property-set columns dominate.")
    if d['ingest_wal_off'] < max(d['ingest_wal_none'], d['ingest_wal_interval'], d['ingest_wal_always']):
        lines.append("- The WAL-off import was slower than an import with the WAL on: each mode is one import, so these rows carry the machine's noise; compare them across runs.")
print("\n".join(lines))
