#!/usr/bin/env python3
"""Nudge figures against a running server holding the benchmark data: `eligible` under wrk
(p50/p99), and the time from an ingested event to the changed audience being visible.

usage: nudge_bench.py URL API_KEY ADMIN_KEY OUT.json
"""
import json
import re
import subprocess
import sys
import time
import urllib.request

url, key, admin, out = sys.argv[1:5]


def call(method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"x-api-key": key, "Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"{}")


# A dynamic segment (exported in the last 90 days, which covers the data) and an active nudge targeting it.
seg = call("POST", "/api/segments", {"name": "bench exporters", "rules": [{"type": "did_event", "event": "report_exported", "within_days": 90}]})
seg_id = seg["segment"]["id"]
nudge = call("POST", "/api/nudges", {"title": "Share your report", "target_page_url": "/reports/*", "target_segment_id": seg_id})
nudge_id = nudge["nudge"]["id"]
call("POST", f"/api/nudges/{nudge_id}/activate", {})
member = seg["users"][0]

wrk = subprocess.run(["wrk", "-t2", "-c8", "-d10s", "--latency", "-H", f"x-api-key: {key}",
                      f"{url}/api/nudges/eligible?user_email={member}&page_url=/reports/7"], capture_output=True, text=True).stdout


def pct(label):
    m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", wrk, re.M)
    if not m:
        return None
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v


rps = re.search(r"Requests/sec:\s+([\d.]+)", wrk)

# Visibility: a user outside the segment sends report_exported; how long until eligible shows the nudge?
outsider = "nudge-bench-outsider@x.com"
call("POST", "/ingest", {"event_type": "login", "user_email": outsider})
before = call("GET", f"/api/nudges/eligible?user_email={outsider}&page_url=/reports/7")["nudges"]
t0 = time.perf_counter()
call("POST", "/ingest", {"event_type": "report_exported", "user_email": outsider})
visible_ms = None
for _ in range(1000):
    if call("GET", f"/api/nudges/eligible?user_email={outsider}&page_url=/reports/7")["nudges"]:
        visible_ms = (time.perf_counter() - t0) * 1000
        break
    time.sleep(0.001)
audience = call("GET", f"/api/nudges/{nudge_id}/audience")
json.dump({"eligible_p50_ms": pct("50"), "eligible_p99_ms": pct("99"), "eligible_rps": float(rps.group(1)) if rps else None,
           "visible_before": bool(before), "audience_visible_ms": visible_ms, "segment_size": seg["segment"]["size"],
           "audience_entered": audience["stats"]["entered"]}, open(out, "w"))
