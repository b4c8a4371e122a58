#!/usr/bin/env python3
"""How quickly does a recovering server answer? Starts `beacon serve` on a data directory whose
WAL holds many events (and no snapshot, so everything replays), then asks /health as fast as
one client can until recovery ends, timing every answer. Reports the replay time and the /health
latency while recovering (p50, p99, max; target ≤ 50 ms).

usage: recovery_health.py BEACON_BINARY CONFIG.json OUT.json
"""
import json
import re
import subprocess
import sys
import time
import urllib.request

binary, config, out = sys.argv[1:4]
server = subprocess.Popen([binary, "serve", "--config", config, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
started = time.perf_counter()
line = server.stdout.readline()
url = re.match(r"listening on (\S+)", line).group(1)
latencies = []
status = "recovering"
while status == "recovering":
    t0 = time.perf_counter()
    with urllib.request.urlopen(url + "/health") as r:
        body = json.loads(r.read())
    latencies.append((time.perf_counter() - t0) * 1000)
    status = body["status"]
replay_s = time.perf_counter() - started
events = sum(t["events_ingested"] for t in body["tenants"])
server.terminate()
server.wait()
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
report = {"events": events, "recovery_seconds": replay_s, "health_answers": len(latencies),
          "health_p50_ms": pick(0.5), "health_p99_ms": pick(0.99), "health_max_ms": latencies[-1]}
json.dump(report, open(out, "w"), indent=1)
print(json.dumps(report))
