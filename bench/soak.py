#!/usr/bin/env python3
"""Does memory level off? Runs a server for MINUTES at a steady ingest rate with dynamic
segments, active nudges with goals, tracking, user-less events and reads all running, samples
its RSS every 2 s, and compares the per-minute median RSS of the last third with the middle third.

usage: soak.py BEACON_BINARY OUT.json [--minutes 30] [--rate 2000]
"""
import argparse
import json
import os
import random
import re
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("binary")
ap.add_argument("out")
ap.add_argument("--minutes", type=float, default=30)
ap.add_argument("--rate", type=int, default=2000, help="events per second")
ap.add_argument("--without", action="append", default=[], choices=["idempotency", "anonymous", "reads", "nudges"],
                help="leave one load out, to find what grows (repeatable)")
args = ap.parse_args()

data = tempfile.mkdtemp(prefix="beacon-soak-")
config = os.path.join(data, "config.json")
json.dump({"server": {"host": "127.0.0.1", "port": 0, "admin_keys": ["soak-admin"]},
           "storage": {"data_dir": os.path.join(data, "data"), "wal_fsync": "interval", "snapshot_interval_s": 60},
           "rate_limits": {"ingest": {"requests": 10**9, "window_seconds": 60}, "api": {"requests": 10**9, "window_seconds": 60}},
           "tenants": [{"id": "soak", "api_keys": ["soak-key"], "retention_days": 1}]}, open(config, "w"))
server = subprocess.Popen([args.binary, "serve", "--config", config], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
url = re.match(r"listening on (\S+)", server.stdout.readline()).group(1)


def call(method, path, body=None, headers=None):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode() if body is not None else None, method=method,
                                 headers={"x-api-key": "soak-key", "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return {"status": e.code}


while call("GET", "/health").get("status") != "ok":
    time.sleep(0.1)
rng = random.Random(7)
types = ["login", "page_view", "report_viewed", "report_exported", "search"]
# Every event is stamped a minute short of the 1-day retention, these first ones too: eviction
# drops chunks from the oldest on, so one fresh event in the first chunk would keep the whole log.
old_ms = lambda: int(time.time() * 1000) - 86_340_000
call("POST", "/ingest", {"events": [{"event_type": t, "user_email": f"u{i}@x.com", "page_url": "/reports/1", "timestamp": old_ms()}
                                    for i, t in enumerate(types * 20)]})
segments = [call("POST", "/api/segments", {"name": f"s{i}", "rules": [{"type": "did_event", "event": types[i % 5], "within_days": 1}]})["segment"]["id"] for i in range(10)]
for i, seg in enumerate([] if "nudges" in args.without else segments[:5]):
    n = call("POST", "/api/nudges", {"title": f"n{i}", "target_page_url": "/reports/*", "target_segment_id": seg, "goal_event": "report_exported"})["nudge"]["id"]
    call("POST", f"/api/nudges/{n}/activate", {})

stop = threading.Event()
deadline = time.time() + args.minutes * 60


def ingest():
    batch = 200
    while not stop.is_set():
        t0 = time.time()
        events = []
        for _ in range(batch):
            # A minute short of the 1-day retention: each chunk is evicted about a minute after it
            # seals, so the retained log stays a few chunks long and RSS can level off within the run.
            e = {"event_type": rng.choice(types), "user_email": f"u{rng.randrange(20000)}@x.com", "page_url": f"/reports/{rng.randrange(50)}",
                 "timestamp": old_ms()}
            events.append(e)
        keyed = {} if "idempotency" in args.without else {"Idempotency-Key": f"soak-{time.time_ns()}"}
        call("POST", "/ingest", {"events": events}, keyed)
        if "anonymous" in args.without:
            time.sleep(max(0.0, batch / args.rate - (time.time() - t0)))
            continue
        # User-less events from 100 browsers, old enough to be evicted like the rest: a fresh
        # timestamp in every chunk would keep every chunk for a day.
        call("POST", "/ingest", {"event_type": "page_view", "page_url": "/anon", "timestamp": old_ms()},
             {"User-Agent": f"browser-{rng.randrange(100)}"})
        time.sleep(max(0.0, batch / args.rate - (time.time() - t0)))


def read():
    while not stop.is_set() and "reads" not in args.without:
        user = f"u{rng.randrange(20000)}@x.com"
        call("GET", f"/api/nudges/eligible?user_email={user}&page_url=/reports/3")
        call("POST", f"/api/nudges/1/track", {"user_email": user, "action": "impression"})
        call("GET", "/api/live")
        call("GET", "/api/paths?event=report_viewed&depth=3&days=2")
        call("GET", "/api/nudges")
        time.sleep(0.2)


threads = [threading.Thread(target=ingest, daemon=True), threading.Thread(target=read, daemon=True)]
for t in threads:
    t.start()
samples = []
while time.time() < deadline:
    rss_kb = int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{server.pid}/status").read()).group(1))
    health = call("GET", "/health")
    samples.append({"t": round(time.time() - (deadline - args.minutes * 60), 1), "rss_mb": rss_kb / 1024,
                    "events": health["tenants"][0]["events_ingested"], "retained": health["tenants"][0]["events_retained"],
                    "tenant_mb": health["tenants"][0]["memory_bytes"] / 2**20})
    if len(samples) % 5 == 1:
        print(f"\r{samples[-1]['t']:7.0f} s  RSS {samples[-1]['rss_mb']:8.1f} MB  (tenant state {samples[-1]['tenant_mb']:6.1f} MB)"
              f"  events {samples[-1]['events']:,} (retained {samples[-1]['retained']:,})", end="", flush=True)
    time.sleep(2)
stop.set()
server.terminate()
server.wait()

# RSS swings by tens of MB within a minute (a snapshot a minute, chunks sealing and leaving), so
# each minute is summed up by its median, and growth is judged on those: the last third of the run
# against the middle third.
by_minute = {}
for s in samples:
    by_minute.setdefault(int(s["t"] // 60), []).append(s)
minutes = [{"minute": m, "rss_median_mb": round(statistics.median(x["rss_mb"] for x in v), 1),
            "rss_max_mb": round(max(x["rss_mb"] for x in v), 1),
            "tenant_median_mb": round(statistics.median(x["tenant_mb"] for x in v), 1)} for m, v in sorted(by_minute.items())]
third = max(1, len(minutes) // 3)
middle = statistics.median(m["rss_median_mb"] for m in minutes[third:2 * third])
last = statistics.median(m["rss_median_mb"] for m in minutes[-third:])
report = {"minutes": args.minutes, "rate": args.rate, "without": args.without, "per_minute": minutes,
          "median_rss_middle_third_mb": middle, "median_rss_last_third_mb": last,
          "growth_per_minute_mb": round((last - middle) / max(1, third), 2),
          "levels_off": last - middle <= max(5.0, 0.05 * middle), "samples": samples}
json.dump(report, open(args.out, "w"), indent=1)
print()
print(json.dumps({k: v for k, v in report.items() if k not in ("samples", "per_minute")}))
for m in minutes:
    print(f"minute {m['minute']:3d}  RSS median {m['rss_median_mb']:7.1f} MB  max {m['rss_max_mb']:7.1f} MB  tenant state {m['tenant_median_mb']:6.1f} MB")
