#!/usr/bin/env python3
"""Per-request ingest latency on a running server: wrk posts batches of --batch events over two
connections, each pausing --pause-ms between requests, for S seconds, and reports p50, p99, p99.9
and the maximum. The load is paced well below what the server takes, so the tail shows stalls
rather than queueing, and the tenant grows by little over the window. With --snapshot-every N,
a snapshot is requested every N seconds during the window, so the figures include what a
snapshot costs the writes around it: the capture on the actor, the copy-on-write copies the
next writes make of buffers the snapshot still shares, and the encoder's CPU on the same cores.

usage: ingest_latency.py URL API_KEY OUT.json [--seconds S] [--batch 100] [--pause-ms 10]
                         [--snapshot-every N --admin-key K]
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
parser.add_argument("--seconds", type=int, default=20)
parser.add_argument("--batch", type=int, default=100)
parser.add_argument("--pause-ms", type=int, default=10)
parser.add_argument("--snapshot-every", type=float, default=0)
parser.add_argument("--admin-key", default=None)
args = parser.parse_args()

lua_path = write_lua(args.key, percentiles=True, events_per_batch=args.batch, pause_ms=args.pause_ms)
stop = threading.Event()
captures = []
snapshot_request_ms = []
snapshot_failures = []


def snapshots():
    while not stop.wait(args.snapshot_every):
        req = urllib.request.Request(args.url + "/admin/snapshot", method="POST", headers={"x-admin-key": args.admin_key})
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(req) as r:
                captures.extend(s["capture_ms"] for s in json.loads(r.read())["snapshots"])
            snapshot_request_ms.append((time.perf_counter() - start) * 1000)
        except Exception as error:  # counted, and the window goes on
            snapshot_failures.append(repr(error)[:200])


looper = threading.Thread(target=snapshots, daemon=True)
if args.snapshot_every:
    looper.start()
print(f"ingest latency: {args.seconds} s" + (f", a snapshot every {args.snapshot_every:g} s" if args.snapshot_every else ", no snapshots"),
      file=sys.stderr, flush=True)
text = subprocess.run(["wrk", "-t1", "-c2", "-d", f"{args.seconds}s", "-s", lua_path, args.url + "/ingest"],
                      capture_output=True, text=True).stdout
stop.set()
if args.snapshot_every:
    looper.join()
os.unlink(lua_path)

m = re.search(r"^LATENCY_MS ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)$", text, re.M)
rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
refused = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
if not m:
    sys.exit(f"ingest_latency.py: no latency line in wrk's output:\n{text}")
p50, p99, p999, worst, requests = float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4)), int(m.group(5))
report = {"seconds": args.seconds, "connections": 2, "batch_events": args.batch, "pause_ms": args.pause_ms, "snapshot_every_s": args.snapshot_every,
          "requests": requests, "refused": int(refused.group(1)) if refused else 0,
          "events_per_s": float(rate.group(1)) * args.batch if rate else None,
          "p50_ms": p50, "p99_ms": p99, "p999_ms": p999, "max_ms": worst,
          "snapshots": len(captures), "capture_ms": captures, "snapshot_request_ms": snapshot_request_ms, "snapshot_failures": snapshot_failures}
json.dump(report, open(args.out, "w"), indent=1)
print(json.dumps(report))
