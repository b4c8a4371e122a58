#!/usr/bin/env python3
"""The dashboard in headless Chromium on a loaded tenant: how fast the page loads and how fast the
live count follows an ingest.

usage: .build/browser-venv/bin/python bench/dashboard_bench.py FILE.ndjson [--loads 10] [--updates 100] [--pause-ms 300]

A release server (in memory) is loaded with FILE through `beacon import`. Then:
- page load: a fresh browser context opens `/` with the key already in session storage (a logged-in
  person coming back), timed from navigation start to (a) the `load` event and (b) the moment the
  live count, the active-users chart and the top events and pages are all drawn; median and
  maximum of --loads runs. Served over loopback; the API answers the page waits for are included.
- live update: with the page open, --updates times in turn, the page itself posts one event of a
  new user to `/ingest` and waits until `#live-count` shows one more, then pauses --pause-ms (300:
  the stream pushes at most every 200 ms, so an event right behind a push waits out that gap);
  timed in the page from before the POST to the change (the ingest round trip, the server's push
  over server-sent events and the page's redraw). Median and p99.
DuckDB and chDB have no page to compare with; the figures stand alone.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

from playwright.sync_api import sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build/release/beacon")
KEY = "bench-key"


def start(file):
    work = tempfile.mkdtemp(prefix="beacon-dashboard-bench-")
    config = {"server": {"host": "127.0.0.1", "port": 0, "body_limit_bytes": 8388608},
              "rate_limits": {"ingest": {"requests": 1_000_000_000, "window_seconds": 60}, "api": {"requests": 1_000_000_000, "window_seconds": 60}},
              "tenants": [{"id": "bench", "name": "Bench", "api_keys": [KEY], "timezone": "UTC", "retention_days": 0}]}
    path = os.path.join(work, "config.json")
    with open(path, "w") as f:
        json.dump(config, f)
    out = open(os.path.join(work, "server.out"), "w+")
    server = subprocess.Popen([BINARY, "serve", "--config", path], stdout=out, stderr=subprocess.DEVNULL)
    url = None
    for _ in range(300):
        out.seek(0)
        text = out.read()
        if "listening on " in text:
            url = text.split("listening on ", 1)[1].split()[0]
            break
        time.sleep(0.1)
    assert url, "the server did not start"
    started = time.time()
    subprocess.run([BINARY, "import", file, "--url", url, "--api-key", KEY, "--concurrency", "4"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import urllib.request
    with urllib.request.urlopen(urllib.request.Request(url + "/api/data/stats", headers={"x-api-key": KEY})) as r:
        stored = json.load(r)["events"]
    print(f"dashboard_bench: loaded {stored:,} events from {file} in {time.time() - started:.0f} s", flush=True)
    return server, url


DRAWN = """() => {
  const count = document.querySelector('#live-count');
  return count && /\\d/.test(count.textContent)
    && document.querySelectorAll('#active-users-chart path, #active-users-chart polyline').length > 0
    && document.querySelectorAll('#top-events tr').length > 1 && document.querySelectorAll('#top-pages tr').length > 1;
}"""

UPDATE = """async (n) => {
  const el = document.querySelector('#live-count');
  const value = () => parseInt(el.textContent.replace(/[^0-9]/g, ''), 10);
  const before = value();
  const changed = new Promise(resolve => {
    const observer = new MutationObserver(() => { if (value() > before) { observer.disconnect(); resolve(performance.now()); } });
    observer.observe(el, { childList: true, characterData: true, subtree: true });
  });
  const start = performance.now();
  await fetch('/ingest', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': '""" + KEY + """' },
    body: JSON.stringify({ event_type: 'login', user_email: 'live-bench-' + n + '-' + Date.now() + '@example.com' }) });
  return (await changed) - start;
}"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--updates", type=int, default=100)
    parser.add_argument("--pause-ms", type=int, default=300)
    args = parser.parse_args()
    server, url = start(args.file)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            loads, drawn = [], []
            for i in range(args.loads + 1):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                context.add_init_script(f"sessionStorage.setItem('beacon_api_key', '{KEY}')")
                page = context.new_page()
                page.goto(url + "/")
                page.wait_for_function(DRAWN, timeout=30000, polling=5)
                cards = page.evaluate("performance.now()")
                page.wait_for_load_state("load")
                load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
                if i > 0:   # the first run warms the server's caches and the browser
                    loads.append(load)
                    drawn.append(cards)
                context.close()
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_init_script(f"sessionStorage.setItem('beacon_api_key', '{KEY}')")
            page = context.new_page()
            page.goto(url + "/")
            page.wait_for_function(DRAWN, timeout=30000, polling=5)
            page.wait_for_timeout(500)
            latencies = []
            for n in range(args.updates):
                latencies.append(page.evaluate(UPDATE, n))
                # Paced: an update right behind the last push waits out the stream's 200 ms gap.
                page.wait_for_timeout(args.pause_ms)
            browser.close()
    finally:
        server.terminate()
        server.wait()
    latencies.sort()
    result = {"load_ms_median": statistics.median(loads), "load_ms_max": max(loads),
              "drawn_ms_median": statistics.median(drawn), "drawn_ms_max": max(drawn),
              "live_ms_median": statistics.median(latencies), "live_ms_p99": latencies[max(0, int(len(latencies) * 0.99) - 1)],
              "live_ms_max": latencies[-1], "updates": len(latencies), "loads": len(loads)}
    print("dashboard_bench: " + json.dumps(result), flush=True)
    with open(os.path.join(ROOT, "bench/dashboard_bench.json"), "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
