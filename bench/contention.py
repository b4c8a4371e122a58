#!/usr/bin/env python3
"""Does a heavy read stall the tenant? Against a running server holding data, measures one
tenant's ingest rate (wrk posting 1,000-event batches) and /api/live latency (wrk, one
connection, while the ingest runs), first alone ("idle"), then while READERS clients loop on
paths and funnels against the same tenant ("contended").

The server caches the live answer per tenant until a write or the minute changes, so under ingest
a live request is recomputed when a batch has landed since the previous one and answered from the
cache otherwise: at most one recomputation per ingested batch (`live_recomputed_per_s_at_most`).

usage: contention.py URL API_KEY OUT.json [--seconds S] [--readers N] [--label NAME]
                     [--end YYYY-MM-DD] [--phases idle,contended]
--end sets the last day of the 30-day window the readers ask for (default: the tenant's today),
so a file whose data ends before today still gives them the full month to scan.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request

from wrk_batch import write_lua

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("key")
parser.add_argument("out")
parser.add_argument("--seconds", type=int, default=15)
parser.add_argument("--readers", type=int, default=4)
parser.add_argument("--label", default="")
parser.add_argument("--end", default=None)
parser.add_argument("--phases", default="idle,contended")
args = parser.parse_args()

lua_path = write_lua(args.key)

READS = ["/api/paths?event=report_viewed&depth=4&direction=forward",
         "/api/funnels?steps=login,dashboard_viewed,report_viewed,report_exported&days=30&window_days=7"]
if args.end:
    READS = [f"{path}&end={args.end}" for path in READS]


def wrk(extra, path):
    out = subprocess.run(["wrk", "-d", f"{args.seconds}s", "--latency", "-H", f"x-api-key: {args.key}", *extra, args.url + path],
                         capture_output=True, text=True).stdout
    return out


def ms(text, label):
    m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", text, re.M)
    if not m:
        return None
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v


def rps(text):
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    return float(m.group(1)) if m else 0.0


def non2xx(text):
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    return int(m.group(1)) if m else 0


def phase(readers):
    stop = threading.Event()
    read_times = []
    read_failures = []

    def reader(i):
        while not stop.is_set():
            path = READS[i % len(READS)]
            req = urllib.request.Request(args.url + path, headers={"x-api-key": args.key})
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(req) as r:
                    r.read()
            except Exception as error:  # a failed read is counted; the loop keeps the load on
                read_failures.append(repr(error)[:200])
                continue
            read_times.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(readers)]
    for t in threads:
        t.start()
    results = {}

    def run(name, extra, path):
        results[name] = wrk(extra, path)

    ingest = threading.Thread(target=run, args=("ingest", ["-t1", "-c2", "-s", lua_path], "/ingest"))
    live = threading.Thread(target=run, args=("live", ["-t1", "-c1"], "/api/live"))
    ingest.start(); live.start(); ingest.join(); live.join()
    stop.set()
    for t in threads:
        t.join()
    read_times.sort()
    batches_per_s = rps(results["ingest"])
    return {
        "ingest_events_per_s": batches_per_s * 1000,
        "ingest_refused": non2xx(results["ingest"]),
        "live_p50_ms": ms(results["live"], 50), "live_p99_ms": ms(results["live"], 99),
        "live_requests_per_s": rps(results["live"]),
        "live_refused": non2xx(results["live"]),
        "live_recomputed_per_s_at_most": min(rps(results["live"]), batches_per_s),
        "reads_completed": len(read_times),
        "read_failures": len(read_failures),
        "read_failure_example": read_failures[0] if read_failures else None,
        "read_p50_ms": read_times[len(read_times) // 2] if read_times else None,
    }


phases = args.phases.split(",")
print(f"contention: {args.seconds} s per phase ({', '.join(phases)})", file=sys.stderr, flush=True)
idle = phase(0) if "idle" in phases else None
contended = phase(args.readers) if "contended" in phases else None
report = {"label": args.label, "seconds": args.seconds, "readers": args.readers, "end": args.end, "reads": READS,
          "idle": idle, "contended": contended,
          "ingest_ratio": contended["ingest_events_per_s"] / idle["ingest_events_per_s"] if idle and contended and idle["ingest_events_per_s"] else None}
json.dump(report, open(args.out, "w"), indent=1)
print(json.dumps(report, indent=1))
os.unlink(lua_path)
