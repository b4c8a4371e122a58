"""Beacon's pages in a real browser (headless Chromium through playwright).

Usage: browser_tests.py BEACON_BINARY OUT_DIR [--only NAME]

A release server runs in memory with a tenant whose public key may send from the test pages'
origin (another port, so CORS is exercised as on a customer's site). Each check drives the page
as a person would and reads the effect back through Beacon's native API. Screenshots go to OUT_DIR.
"""
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from playwright.sync_api import sync_playwright

BINARY, OUT = sys.argv[1], sys.argv[2]
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
HERE = os.path.dirname(os.path.abspath(__file__))
KEY, PUBLIC = "web-key", "web-public"
failures = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_beacon(pages_origin):
    work = tempfile.mkdtemp(prefix="beacon-browser-")
    config = {"server": {"host": "127.0.0.1", "port": 0, "admin_keys": ["web-admin"]},
              "rate_limits": {"ingest": {"requests": 1_000_000, "window_seconds": 60}, "api": {"requests": 1_000_000, "window_seconds": 60}},
              "tenants": [{"id": "web", "name": "Web shop", "api_keys": [KEY], "public_keys": [PUBLIC], "allowed_origins": [pages_origin]}]}
    path = os.path.join(work, "config.json")
    with open(path, "w") as f:
        json.dump(config, f)
    out = open(os.path.join(work, "server.out"), "w+")
    server = subprocess.Popen([BINARY, "serve", "--config", path], stdout=out, stderr=open(os.path.join(OUT, "server.err"), "w"))
    for _ in range(300):
        out.seek(0)
        text = out.read()
        if "listening on " in text:
            return server, text.split("listening on ", 1)[1].split()[0]
        time.sleep(0.1)
    raise SystemExit("browser_tests: the server did not start")


def serve_pages(port, beacon_url):
    """The test pages, with the server's address and the public key filled in."""
    class Pages(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            name = self.path.split("?")[0].strip("/") or "index.html"
            # Single-page app routes come back to the index, as a real app's server does.
            if name.startswith("spa/"):
                name = "index.html"
            file = os.path.join(HERE, "pages", name)
            if not os.path.isfile(file):
                self.send_error(404)
                return
            body = open(file).read().replace("__BEACON__", beacon_url).replace("__KEY__", PUBLIC).encode()
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Pages)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def api(method, path, body=None, key=KEY, extra=None):
    headers = {"x-api-key": key, "content-type": "application/json"}
    headers.update(extra or {})
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BEACON + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def check(what, ok, detail=""):
    print(f"browser_tests: {'ok' if ok else 'FAILED'}: {what}{'' if ok else ': ' + str(detail)}", flush=True)
    if not ok:
        failures.append(what)


def wait_for(predicate, seconds=5.0, step=0.1):
    deadline = time.time() + seconds
    while True:
        value = predicate()
        if value or time.time() > deadline:
            return value
        time.sleep(step)


def user_events(user):
    status, detail = api("GET", "/api/users/" + urllib.request.quote(user, safe="") + "?limit=100")
    return detail.get("latest_events", []) if status == 200 else []


def tracker_sends_pages_clicks_and_identify(browser):
    page = browser.new_page()
    page.goto(PAGES + "/index.html")
    anonymous = page.evaluate("beacon.user()")
    check("tracker: the visitor gets an anonymous id", anonymous.startswith("anon-"), anonymous)
    page.click("#buy")
    page.click(".card a")
    page.click(".go-spa")
    page.evaluate("beacon.flush()")
    events = wait_for(lambda: (lambda e: e if len(e) >= 4 else None)(user_events(anonymous))) or user_events(anonymous)
    views = [e.get("page_url") for e in events if e["event_type"] == "page_view"]
    clicks = {e["properties"].get("selector"): e["properties"].get("text") for e in events if e["event_type"] == "click"}
    check("tracker: the page view on load carries the page", "/index.html" in views, views)
    check("tracker: a history change is a page view (single-page app)", "/spa/page2" in views, views)
    check("tracker: a click carries the element's id selector and text", clicks.get("#buy") == "Buy now", clicks)
    check("tracker: a click without an id gets a path selector", any(s and s.endswith("div.card > a") for s in clicks), clicks)
    page.screenshot(path=os.path.join(OUT, "tracker-index.png"))
    # identify folds the anonymous visitor into the user, with traits.
    page.evaluate("beacon.identify('pat@example.com', {plan: 'pro', seats: 3})")
    page.evaluate("beacon.track('report_viewed', {report: 'q3'}); beacon.flush()")
    detail = wait_for(lambda: (lambda s: s[1] if s[0] == 200 and s[1].get("events", 0) >= len(events) + 2 else None)(api("GET", "/api/users/pat%40example.com")))
    check("tracker: identify merges the visitor's events into the user", bool(detail) and detail.get("events", 0) >= len(events) + 2, detail)
    check("tracker: identify sets traits", bool(detail) and detail.get("properties", {}).get("plan") == "pro", detail and detail.get("properties"))
    status, merged = api("GET", "/api/users/" + urllib.request.quote(anonymous, safe=""))
    check("tracker: the anonymous id now names the user", merged.get("user_email") == "pat@example.com", merged.get("user_email"))
    page.close()


def tracker_shows_a_targeted_nudge_until_dismissed(browser):
    status, segment = api("POST", "/api/segments", {"name": "wants to upgrade", "rules": [{"type": "did_event", "event": "upgrade_clicked"}]})
    check("nudge: the segment is created", status in (200, 201), segment)
    status, nudge = api("POST", "/api/nudges", {"title": "Go Pro today", "body": "Half price this week.", "button_text": "Upgrade",
                                                "nudge_type": "banner", "target_page_url": "/pricing.html", "target_segment_id": segment["segment"]["id"]})
    check("nudge: the nudge is created", status in (200, 201), nudge)
    status, _ = api("POST", f"/api/nudges/{nudge['nudge']['id']}/activate")
    check("nudge: the nudge is activated", status == 200, status)
    page = browser.new_page()
    page.goto(PAGES + "/pricing.html")
    page.wait_for_timeout(700)
    check("nudge: not shown before the events that put the user in the segment", page.locator("[data-beacon-nudge]").count() == 0)
    page.evaluate("beacon.track('upgrade_clicked'); beacon.flush()")
    page.wait_for_timeout(300)
    page.goto(PAGES + "/pricing.html")
    banner = page.locator("[data-beacon-nudge]")
    try:
        banner.wait_for(timeout=5000)
        shown = banner.locator(".beacon-nudge-title").inner_text() == "Go Pro today"
    except Exception as error:
        shown = False
    check("nudge: shown once the user is in the segment, with its title", shown)
    page.screenshot(path=os.path.join(OUT, "tracker-nudge.png"))
    if shown:
        page.click(".beacon-nudge-dismiss")
        check("nudge: dismiss hides it at once", page.locator("[data-beacon-nudge]").count() == 0)
        page.wait_for_timeout(300)
        page.goto(PAGES + "/pricing.html")
        page.wait_for_timeout(1000)
        check("nudge: dismissed, it stays hidden on the next page", page.locator("[data-beacon-nudge]").count() == 0)
    status, audience = api("GET", f"/api/nudges/{nudge['nudge']['id']}/audience")
    stats = audience.get("stats", {}) if status == 200 else {}
    check("nudge: the impression and the dismissal were reported", stats.get("shown", 0) >= 1 and stats.get("dismissed", 0) >= 1, stats)
    page.close()


def tracker_shows_a_poll_and_sends_the_answer(browser):
    status, nudge = api("POST", "/api/nudges", {"title": "How likely are you to recommend us?", "nudge_type": "poll",
                                                "choices": ["0", "5", "10"], "target_page_url": "/spa/poll"})
    check("poll: the poll is created", status in (200, 201), nudge)
    poll_id = str(nudge["nudge"]["id"])
    status, _ = api("POST", f"/api/nudges/{poll_id}/activate")
    check("poll: the poll is activated", status == 200, status)
    page = browser.new_page()
    page.goto(PAGES + "/spa/poll")
    box = page.locator("[data-beacon-nudge]")
    try:
        box.wait_for(timeout=5000)
        choices = box.locator(".beacon-nudge-choice").all_inner_texts()
    except Exception:
        choices = []
    check("poll: shown with its question and one button per choice", choices == ["0", "5", "10"], choices)
    page.screenshot(path=os.path.join(OUT, "tracker-poll.png"))
    if choices:
        page.click(".beacon-nudge-choice >> text=10")
        check("poll: answering closes it", page.locator("[data-beacon-nudge]").count() == 0)
        page.evaluate("beacon.flush()")
        pipeline = {"response": {"mimeType": "application/json"},
                    "request": {"pipeline": [{"source": {"pollsSeenEver": {"guideId": poll_id, "pollId": poll_id}}}]}}
        answered = wait_for(lambda: [r.get("pollResponse") for r in api("POST", "/pendo/api/v1/aggregation", pipeline)[1].get("results", [])] == [10])
        check("poll: the answer reaches the Pendo API's poll sources", answered)
    page.close()


def tracker_retries_a_lost_answer_without_counting_twice(browser):
    page = browser.new_page()
    keys = []

    def lose_the_first_answer(route):
        request = route.request
        if request.method != "POST":
            return route.continue_()
        keys.append(request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()   # the server takes the batch; its answer is lost on the way back
            return route.fulfill(status=503, headers={"retry-after": "1", "access-control-allow-origin": PAGES}, body="{}")
        return route.continue_()

    page.route("**/ingest", lose_the_first_answer)
    page.goto(PAGES + "/pricing.html")
    user = page.evaluate("beacon.user()")
    # The sync API serves the route handler only while it waits in playwright, hence wait_for_timeout.
    for _ in range(80):
        if len(keys) >= 2:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)
    views = [e for e in user_events(user) if e["event_type"] == "page_view"]
    check("tracker: a batch whose answer was lost is sent again with the same Idempotency-Key", len(keys) >= 2 and keys[0] and keys[0] == keys[1], keys)
    check("tracker: and counts once", len(views) == 1, len(views))
    page.close()


def load_generated_month():
    """A month of generated events, so every card of the dashboard has something to draw."""
    file = os.path.join(OUT, "month.ndjson")
    subprocess.run([BINARY, "generate", "--events", "20000", "--users", "400", "--days", "30", "--out", file], check=True, stderr=subprocess.DEVNULL)
    subprocess.run([BINARY, "import", file, "--url", BEACON, "--api-key", KEY], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def text_of(page, selector):
    return (page.locator(selector).first.text_content() or "").strip()


def dashboard_logs_in_updates_live_builds_a_funnel_and_sizes_a_segment(browser):
    load_generated_month()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(BEACON + "/")
    page.fill("#api-key-input", "wrong-key")
    page.click("#login-button")
    page.wait_for_timeout(500)
    check("dashboard: a wrong key keeps the login and says why", page.locator("#login-error").is_visible() and not page.locator("#app").is_visible())
    page.fill("#api-key-input", KEY)
    page.click("#login-button")
    page.locator("#app").wait_for(state="visible", timeout=5000)
    page.wait_for_function("document.querySelector('#live-count') && /\\d/.test(document.querySelector('#live-count').textContent)", timeout=5000)
    before = int(text_of(page, "#live-count").replace(",", "") or 0)
    # Three new users act now: the count changes by itself, pushed by the server.
    started = time.time()
    now = int(time.time() * 1000)
    status, _ = api("POST", "/ingest", {"events": [{"event_type": "login", "user_email": f"live{i}@example.com", "timestamp": now} for i in range(3)]})
    changed = wait_for(lambda: int(text_of(page, "#live-count").replace(",", "") or 0) == before + 3, seconds=3, step=0.02)
    check("dashboard: the live count follows an ingest by itself", status == 200 and changed, (before, text_of(page, "#live-count")))
    check("dashboard: within a second", changed and time.time() - started < 1.5, time.time() - started)
    check("dashboard: the sparkline is drawn", page.locator("#live-sparkline").count() == 1 and page.locator("#live-sparkline *").count() > 0)
    page.wait_for_function("document.querySelectorAll('#active-users-chart *').length > 0", timeout=10000)
    check("dashboard: the active-users chart is drawn", page.locator("#active-users-chart path, #active-users-chart polyline").count() > 0)
    page.wait_for_function("document.querySelectorAll('#top-events tr').length > 2", timeout=10000)
    check("dashboard: top events are listed", "page_view" in (page.locator("#top-events").text_content() or ""))
    # The funnel builder: signup, then onboarding started.
    page.wait_for_function("document.querySelectorAll('.funnel-step-select option').length > 2", timeout=10000)
    selects = page.locator(".funnel-step-select")
    selects.nth(0).select_option("signup")
    selects.nth(1).select_option("onboarding_started")
    page.click("#funnel-run")
    page.wait_for_function("document.querySelectorAll('#funnel-result .funnel-bar').length >= 2", timeout=10000)
    counts = [int(page.locator("#funnel-result .funnel-bar").nth(i).get_attribute("data-count")) for i in range(2)]
    check("dashboard: the funnel's bars narrow from signup to onboarding", counts[0] >= counts[1] > 0, counts)
    page.screenshot(path=os.path.join(OUT, "dashboard-funnel.png"), full_page=True)
    # The segment editor: the size follows the rule as it is typed.
    def size():
        text = text_of(page, "#segment-size").replace(",", "")
        return int(text) if text.isdigit() else None
    page.fill("#segment-rule", json.dumps({"rules": [{"type": "did_event", "event": "page_view", "within_days": 30}]}))
    wide = wait_for(size, seconds=5)
    page.fill("#segment-rule", json.dumps({"rules": [{"type": "did_event", "event": "report_exported", "within_days": 30}]}))
    narrow = wait_for(lambda: (lambda v: v if v is not None and v != wide else None)(size()), seconds=5)
    status, expected = api("POST", "/api/segments/estimate", {"rules": [{"type": "did_event", "event": "report_exported", "within_days": 30}]})
    check("dashboard: the segment size changes as the rule is typed", wide is not None and narrow is not None and narrow < wide, (wide, narrow))
    check("dashboard: the size shown is the estimate's", narrow == expected.get("size", expected.get("count")), (narrow, expected))
    page.fill("#segment-rule", "{ not json")
    page.wait_for_timeout(600)
    check("dashboard: a rule that is not JSON says so", len(text_of(page, "#segment-error")) > 0)
    page.screenshot(path=os.path.join(OUT, "dashboard.png"), full_page=True)
    check("dashboard: no script errors", not errors, errors)
    page.close()


CHECKS = [tracker_sends_pages_clicks_and_identify, tracker_shows_a_targeted_nudge_until_dismissed, tracker_shows_a_poll_and_sends_the_answer,
          tracker_retries_a_lost_answer_without_counting_twice,
          dashboard_logs_in_updates_live_builds_a_funnel_and_sizes_a_segment]

pages_port = free_port()
PAGES = f"http://127.0.0.1:{pages_port}"
server, BEACON = start_beacon(PAGES)
httpd = serve_pages(pages_port, BEACON)
try:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"])
        for test in CHECKS:
            if ONLY and ONLY not in test.__name__:
                continue
            try:
                test(browser)
            except Exception as error:
                check(f"{test.__name__} ran to its end", False, repr(error))
        browser.close()
finally:
    httpd.shutdown()
    server.terminate()
    server.wait()
if failures:
    print(f"browser_tests: {len(failures)} checks failed: {failures}")
    sys.exit(1)
print(f"browser_tests: every check passed; screenshots in {OUT}")
