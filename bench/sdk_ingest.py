#!/usr/bin/env python3
"""HTTP ingest through the SDK routes against the native route, on the same events.

The same N generated events (each with a message id, as the SDKs always send one) are sent in
batches of 100 as the native body (`POST /ingest`), as Segment's `/v1/batch` (plain JSON, as
analytics-python sends it by default, Basic auth) and as PostHog's `/batch/` (gzip, as posthog-js
sends it). Each route gets a fresh release server with a WAL (fsync every 100 ms, the shipped
default), and the bodies are sent once each by --clients processes over keep-alive connections.

Two figures per route: events/s of wall time (the clients' own work included, on the same two
cores) and events per CPU-second of the server process (utime + stime from /proc, the clients'
work left out), which is the fairer ratio. The tenant's event count is checked after each run.

usage: bench/sdk_ingest.py [--events 200000] [--clients 3] [--out bench/sdk_ingest.json]
"""
import argparse
import base64
import gzip
import http.client
import json
import multiprocessing
import os
import random
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build/release/beacon")
KEY = "bench-key"
BATCH = 100


def generate(n, seed=42):
    rng = random.Random(seed)
    now_ms = int(time.time() * 1000)
    types = ["page_view", "report_viewed", "login", "search", "export"]
    events = []
    for i in range(n):
        t = rng.choice(types)
        events.append({
            "type": t, "user": f"user{rng.randrange(20_000)}@x.com", "account": f"acct{rng.randrange(500)}",
            "page": f"/p/{rng.randrange(40)}" if t == "page_view" else None,
            "ts": now_ms - rng.randrange(86_400_000), "id": f"m-{seed}-{i}",
            "props": {"plan": rng.choice(["free", "pro", "team"]), "country": rng.choice(["DE", "US", "FR", "JP"])},
        })
    return events


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".%03dZ" % (ms % 1000)


def native_body(batch):
    out = []
    for e in batch:
        row = {"event_type": e["type"], "user_email": e["user"], "account_id": e["account"], "timestamp": e["ts"], "properties": e["props"]}
        if e["page"]:
            row["page_url"] = e["page"]
        out.append(row)
    return json.dumps({"events": out}).encode(), {"x-api-key": KEY, "Content-Type": "application/json", "Idempotency-Key": batch[0]["id"]}


def segment_body(batch):
    out = []
    for e in batch:
        message = {"userId": e["user"], "timestamp": iso(e["ts"]), "messageId": e["id"], "context": {"groupId": e["account"], "library": {"name": "analytics-python"}}}
        if e["page"]:
            message.update(type="page", name=e["page"], properties=dict(e["props"], path=e["page"]))
        else:
            message.update(type="track", event=e["type"], properties=e["props"])
        out.append(message)
    auth = base64.b64encode(f"{KEY}:".encode()).decode()
    return json.dumps({"batch": out, "sentAt": iso(int(time.time() * 1000))}).encode(), {"Authorization": "Basic " + auth, "Content-Type": "application/json"}


def posthog_body(batch):
    out = []
    for e in batch:
        properties = dict(e["props"], **{"$groups": {"company": e["account"]}, "$lib": "web"})
        event = "$pageview" if e["page"] else e["type"]
        if e["page"]:
            properties["$current_url"] = "https://app.example.com" + e["page"]
        out.append({"event": event, "distinct_id": e["user"], "properties": properties, "timestamp": iso(e["ts"]), "uuid": e["id"]})
    body = gzip.compress(json.dumps({"api_key": KEY, "batch": out}).encode())
    return body, {"Content-Type": "application/json", "Content-Encoding": "gzip"}


ROUTES = [("native /ingest", "/ingest", native_body), ("Segment /v1/batch", "/v1/batch", segment_body), ("PostHog /batch/ (gzip)", "/batch/", posthog_body)]


def send(args):
    host, port, path, requests = args
    connection = http.client.HTTPConnection(host, port, timeout=60)
    for body, headers in requests:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
    connection.close()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(name, path, make_body, events, clients):
    work = tempfile.mkdtemp(prefix="beacon-sdk-bench-")
    config = {"server": {"host": "127.0.0.1", "port": 0},
              "rate_limits": {"ingest": {"requests": 1_000_000_000, "window_seconds": 60}, "api": {"requests": 1_000_000_000, "window_seconds": 60}},
              "storage": {"data_dir": os.path.join(work, "data"), "wal_fsync": "interval", "snapshot_interval_s": 0, "snapshot_every_events": 0},
              "tenants": [{"id": "bench", "api_keys": [KEY], "retention_days": 0}]}
    with open(os.path.join(work, "config.json"), "w") as f:
        json.dump(config, f)
    out = open(os.path.join(work, "server.out"), "w+")
    server = subprocess.Popen([BINARY, "serve", "--config", os.path.join(work, "config.json")], stdout=out, stderr=subprocess.DEVNULL)
    url = None
    for _ in range(300):
        out.seek(0)
        text = out.read()
        if "listening on " in text:
            url = text.split("listening on ", 1)[1].split()[0]
            break
        time.sleep(0.1)
    assert url, "the server did not start"
    host, port = url.split("://", 1)[1].split(":")
    bodies = [make_body(events[i:i + BATCH]) for i in range(0, len(events), BATCH)]
    shares = [(host, int(port), path, bodies[c::clients]) for c in range(clients)]
    cpu_before = cpu_seconds(server.pid)
    start = time.perf_counter()
    with multiprocessing.Pool(clients) as pool:
        pool.map(send, shares)
    wall = time.perf_counter() - start
    cpu = cpu_seconds(server.pid) - cpu_before
    with urllib.request.urlopen(urllib.request.Request(url + "/api/data/stats", headers={"x-api-key": KEY})) as r:
        stored = json.load(r)["events"]
    server.terminate()
    server.wait()
    assert stored == len(events), f"{name}: the tenant holds {stored} events, {len(events)} were sent"
    body_bytes = sum(len(b) for b, _ in bodies)
    print(f"sdk_ingest: {name}: {len(events) / wall:,.0f} events/s wall, {len(events) / cpu:,.0f} events per server CPU-second, "
          f"{body_bytes / len(bodies):,.0f} bytes per request", flush=True)
    return {"route": name, "events": len(events), "wall_s": wall, "server_cpu_s": cpu, "events_per_s": len(events) / wall,
            "events_per_cpu_s": len(events) / cpu, "bytes_per_request": body_bytes / len(bodies)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/sdk_ingest.json"))
    args = parser.parse_args()
    events = generate(args.events)
    results = [run(name, path, make_body, events, args.clients) for name, path, make_body in ROUTES]
    native = results[0]
    for r in results[1:]:
        print(f"sdk_ingest: {r['route']}: {r['events_per_s'] / native['events_per_s']:.0%} of native wall throughput, "
              f"{r['events_per_cpu_s'] / native['events_per_cpu_s']:.0%} per server CPU-second")
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
