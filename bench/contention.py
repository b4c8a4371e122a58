#!/usr/bin/env python3
"""Does a heavy read stall the tenant? Against a running server holding data, measures one
tenant's ingest rate (wrk posting 1,000-event batches) and /api/live latency (wrk, one
connection, while the ingest runs, so live answers are never cache hits), first alone ("idle"),
then while READERS clients loop on paths and funnels against the same tenant ("contended").

usage: contention.py URL API_KEY OUT.json [--seconds S] [--readers N] [--label NAME]
"""
import argparse
import json
import os
import random
import re
import subprocess
import tempfile
import threading
import time
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("key")
parser.add_argument("out")
parser.add_argument("--seconds", type=int, default=15)
parser.add_argument("--readers", type=int, default=4)
parser.add_argument("--label", default="")
args = parser.parse_args()

# One batch of 1,000 events without timestamps (the server stamps them), posted over and over.
rng = random.Random(42)
types = ["page_view", "report_viewed", "login", "search", "export"]
events = []
for i in range(1000):
    t = rng.choice(types)
    e = {"event_type": t, "user_email": f"contention{rng.randrange(50_000)}@x.com", "account_id": f"acct{rng.randrange(500)}"}
    if t == "page_view":
        e["page_url"] = f"/p/{rng.randrange(40)}"
    events.append(e)
body = json.dumps({"events": events})
lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
lua.write('wrk.method = "POST"\nwrk.body = [==[' + body + ']==]\n'
          'wrk.headers["Content-Type"] = "application/json"\n'
          f'wrk.headers["x-api-key"] = "{args.key}"\n')
lua.close()

READS = ["/api/paths?event=report_viewed&depth=4&direction=forward",
         "/api/funnels?steps=login,dashboard_viewed,report_viewed,report_exported&days=30&window_days=7"]


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

    def reader(i):
        while not stop.is_set():
            path = READS[i % len(READS)]
            req = urllib.request.Request(args.url + path, headers={"x-api-key": args.key})
            start = time.perf_counter()
            with urllib.request.urlopen(req) as r:
                r.read()
            read_times.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(readers)]
    for t in threads:
        t.start()
    results = {}

    def run(name, extra, path):
        results[name] = wrk(extra, path)

    ingest = threading.Thread(target=run, args=("ingest", ["-t1", "-c2", "-s", lua.name], "/ingest"))
    live = threading.Thread(target=run, args=("live", ["-t1", "-c1"], "/api/live"))
    ingest.start(); live.start(); ingest.join(); live.join()
    stop.set()
    for t in threads:
        t.join()
    read_times.sort()
    return {
        "ingest_events_per_s": rps(results["ingest"]) * 1000,
        "ingest_refused": non2xx(results["ingest"]),
        "live_p50_ms": ms(results["live"], 50), "live_p99_ms": ms(results["live"], 99),
        "live_requests_per_s": rps(results["live"]),
        "reads_completed": len(read_times),
        "read_p50_ms": read_times[len(read_times) // 2] if read_times else None,
    }


idle = phase(0)
contended = phase(args.readers)
report = {"label": args.label, "seconds": args.seconds, "readers": args.readers, "idle": idle, "contended": contended,
          "ingest_ratio": contended["ingest_events_per_s"] / idle["ingest_events_per_s"] if idle["ingest_events_per_s"] else None}
json.dump(report, open(args.out, "w"), indent=1)
print(json.dumps(report, indent=1))
os.unlink(lua.name)
