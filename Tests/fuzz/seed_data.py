#!/usr/bin/env python3
"""Gives the fuzzed tenant a little data: the event types, users and account that the
description's examples name; segment, nudge and journey 1; a burst of page errors (signal 1);
alert, goal, view and success event 1; for the Personyze API (HTTP Basic, user `api`), user
list 3 with a member, product SKU-1, article fuzz-article, placeholder 1, grab variable 1 and user
fuzz-user (user_id 4) with a purchase, so that examples reach past the "unknown" answers.
Usage: seed_data.py URL API_KEY ADMIN_KEY"""
import base64
import json
import sys
import time
import urllib.request


def send(url: str, key: str, method: str, path: str, body: object, basic: bool = False) -> dict:
    auth = {"authorization": "Basic " + base64.b64encode(f"api:{key}".encode()).decode()} if basic else {"x-api-key": key}
    request = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode(),
                                     headers={**auth, "content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def personyze(url: str, key: str, objects: str, body: object, expected_id: int) -> None:
    """POSTs a row through the Personyze API; the description's examples name its id."""
    got = send(url, key, "POST", "/personyze/rest/" + objects, body, basic=True)
    if got != expected_id:
        print(f"seed_data: /personyze/rest/{objects} made id {got}, not {expected_id} as docs/openapi.yaml's examples say", file=sys.stderr)


def main() -> None:
    url, key = sys.argv[1], sys.argv[2]
    now_ms = int(time.time() * 1000)
    events = []
    for i, user in enumerate(["ada@example.com", "grace@example.com", "alan@example.com"]):
        for step, event in enumerate(["signup", "login", "feature_used", "page_view"]):
            if i == 2 and step == 3:
                continue  # someone who stops early, for funnels and stuck users
            events.append({"event_type": event, "user_email": user, "account_id": "acme", "page_url": "/pricing",
                           "timestamp": now_ms - (3 - step) * 3_600_000 - i * 86_400_000,
                           "properties": {"plan": ["free", "pro"][i % 2], "seats": i + 1}})
    events += [{"event_type": "page_error", "user_email": "ada@example.com", "account_id": "acme", "page_url": "/pricing"} for _ in range(12)]
    send(url, key, "POST", "/ingest", {"events": events})
    send(url, key, "PUT", "/api/accounts/acme/properties", {"properties": {"industry": "software", "company_size": "11-50"}})
    send(url, key, "POST", "/api/users/ada@example.com/notes", {"content": "asked about pricing"})
    send(url, key, "POST", "/api/segments", {"name": "pro users", "rules": [{"type": "did_event", "event": "login"}]})
    send(url, key, "POST", "/api/nudges", {"title": "Try the new editor", "target_page_url": "/pricing", "target_segment_id": 1})
    send(url, key, "POST", "/api/journeys", {"name": "onboarding", "steps": [{"event_type": "signup"}, {"event_type": "login"},
                                                                              {"event_type": "page_view"}]})
    send(url, key, "POST", "/api/alerts", {"name": "errors", "metric": "error_rate", "threshold": 0.05, "direction": "above"})
    send(url, key, "POST", "/api/goals", {"name": "logins", "metric": "event:login", "target": 10})
    send(url, key, "POST", "/api/views", {"page": "accounts", "name": "at risk", "state": {"status": "red"}})
    send(url, key, "POST", "/api/discoveries/success-events", {"event_type": "feature_used", "time_window_days": 30})
    send(url, key, "POST", "/pendo/data/track", {"type": "track", "event": "Registered", "visitorId": "ada@example.com", "accountId": "acme",
                                                 "timestamp": now_ms - 60_000, "context": {"userAgent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0"}})
    # Segment 2 is a visitor list, which the Pendo segment routes may change.
    send(url, key, "POST", "/pendo/api/v1/segment/upload", {"name": "beta list", "visitors": ["ada@example.com", "bob@example.com"]})
    # Page 1, feature 2 and product area 3: the examples' ids for the Pendo tagging routes.
    send(url, key, "POST", "/pendo/api/v1/page", {"id": "1", "name": "Pricing", "rules": ["//*/pricing"]})
    send(url, key, "POST", "/pendo/api/v1/feature", {"id": "2", "name": "Buy", "elementPathRules": ["#buy"], "pageId": "1"})
    send(url, key, "POST", "/pendo/api/v1/group", {"id": "3", "name": "Money", "items": [{"itemType": "Page", "itemId": "1"}]})
    # Personyze rows, over HTTP Basic: user 4 after ada, grace and alan; list 3 (segment 3) after the two above.
    personyze(url, key, "users", {"internal_id": "fuzz-user", "email": "f@example.com", "first_name": "Fuzz"}, 4)
    personyze(url, key, "user_lists", {"name": "fuzz list"}, 3)
    send(url, key, "POST", "/personyze/rest/user_list_users", {"user_list_id": 3, "user_internal_id": "fuzz-user"}, basic=True)
    personyze(url, key, "products", {"internal_id": "SKU-1", "title": "Fuzz drill", "price": 9.99, "category": "tools", "is_in_stock": "yes"}, 1)
    personyze(url, key, "articles", {"internal_id": "fuzz-article", "title": "Fuzzing", "category": "testing", "is_published": "yes"}, 1)
    personyze(url, key, "placeholders", {"name": "Hero", "html_id": "#hero", "units_count_max": 1}, 1)
    personyze(url, key, "containers_grab_variable", {"name": "Cart total", "variable_path": "window.cart.total", "profile_column": "cart_total"}, 1)
    send(url, key, "POST", "/personyze/rest/products_interactions",
         {"user_internal_id": "fuzz-user", "product_internal_id": "SKU-1", "status": "goal", "quantity": 1, "amount": 9.99}, basic=True)
    print(f"seed_data: {len(events)} events, segments 1 and 2, page 1, feature 2, group 3, nudge 1, journey 1, signal 1, alert 1, goal 1, view 1, success event 1;"
          " Personyze user 4, list 3, product 1, article 1, placeholder 1, grab variable 1, a purchase")


if __name__ == "__main__":
    main()
