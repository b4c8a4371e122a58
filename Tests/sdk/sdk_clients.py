"""What each official SDK sends is what Beacon's native API then answers, counts exact.

Usage: sdk_clients.py URL API_KEY PUBLIC_KEY. Each library gets its own users, so every check
reads one library's effect; retries are replayed with the library's own request function, so
the same message ids arrive twice and must count once.
"""
import json
import sys
import time
import urllib.request

URL, KEY, PUBLIC = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def native(path):
    request = urllib.request.Request(URL + path, headers={"x-api-key": KEY})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def check(what, got, want):
    status = "ok" if got == want else "FAILED"
    print(f"sdk_clients: {status}: {what}: got {got!r}, want {want!r}")
    if got != want:
        failures.append(what)


def user(name):
    try:
        return native(f"/api/users/{urllib.request.quote(name, safe='')}")
    except urllib.error.HTTPError as error:
        return {"status": error.code}


def counts_by_type(name):
    detail = user(name)
    counts = {}
    for event in detail.get("latest_events", []):
        counts[event["event_type"]] = counts.get(event["event_type"], 0) + 1
    return detail.get("events"), counts


def segment():
    import segment.analytics as analytics
    from segment.analytics import request as segment_request
    analytics.write_key, analytics.host, analytics.sync_mode = PUBLIC, URL, True
    analytics.track(anonymous_id="seg-visitor", event="Viewed Pricing", properties={"plan": "pro"})
    analytics.identify("seg-ada", {"email": "ada@example.com", "seats": 5}, anonymous_id="seg-visitor")
    analytics.page("seg-ada", name="Home", properties={"url": "https://app.example.com/home?x=1"})
    analytics.screen("seg-ada", name="Settings")
    analytics.group("seg-ada", "seg-acme", {"plan": "enterprise"})
    analytics.track("seg-ada", "Signed Up", {"plan": "pro"})
    analytics.alias("seg-old-id", "seg-ada")
    analytics.flush()
    # A retry of a batch the server took: the same messageId, sent again by the library's own post.
    message = {"type": "track", "userId": "seg-ada", "event": "Retried", "messageId": "seg-retry-1",
               "timestamp": "2026-01-01T00:00:00+00:00", "context": {}, "properties": {}}
    message["timestamp"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 60))
    for _ in range(2):
        segment_request.post(KEY, host=URL, gzip=True, batch=[dict(message)])
    total, counts = counts_by_type("seg-ada")
    check("segment: ada's events (track, identify, page, screen, group, track, retried once; the visitor's track merged)", total, 7)
    check("segment: ada's event types", counts, {"Viewed Pricing": 1, "identify": 1, "page_view": 1, "screen_view": 1, "group": 1, "Signed Up": 1, "Retried": 1})
    ada = user("seg-ada")
    check("segment: identify traits", (ada["properties"].get("email"), ada["properties"].get("seats")), ("ada@example.com", "5"))
    check("segment: group sets the account", ada.get("account_id"), "seg-acme")
    check("segment: group traits", native("/api/accounts/seg-acme")["properties"].get("plan"), "enterprise")
    check("segment: the anonymous visitor is now ada", user("anon-seg-visitor").get("user_email"), "seg-ada")


def rudderstack():
    import rudderstack.analytics as analytics
    analytics.write_key, analytics.dataPlaneUrl, analytics.sync_mode = KEY, URL, True
    for i in range(3):
        analytics.track("rudder-ada", "Clicked", {"i": i})
    analytics.identify("rudder-ada", {"plan": "team"})
    analytics.flush()
    total, counts = counts_by_type("rudder-ada")
    check("rudderstack: events", total, 4)
    check("rudderstack: event types", counts, {"Clicked": 3, "identify": 1})
    check("rudderstack: traits", user("rudder-ada")["properties"].get("plan"), "team")


def posthog_client():
    from posthog import Posthog
    from posthog import request as posthog_request
    client = Posthog(KEY, host=URL, sync_mode=True, gzip=True)
    client.capture("$pageview", distinct_id="ph-anon", properties={"$current_url": "https://app.example.com/pricing"})
    client.capture("clicked", distinct_id="ph-ada", properties={"button": "buy", "$set": {"plan": "free"}})
    client.set(distinct_id="ph-ada", properties={"seats": 3})
    client.group_identify("company", "ph-acme", {"name": "Acme"}, distinct_id="ph-ada")
    client.alias("ph-anon", "ph-ada")
    client.flush()
    event = {"event": "retried", "distinct_id": "ph-ada", "uuid": "0b6f4c1e-1111-4a5b-9c3d-000000000001", "properties": {}}
    for _ in range(2):
        posthog_request.batch_post(KEY, host=URL, gzip=True, batch=[dict(event)])
    total, counts = counts_by_type("ph-ada")
    check("posthog: the anonymous id is now ada", user("ph-anon").get("user_email"), "ph-ada")
    check("posthog: events (pageview merged by alias, clicked, $set, $groupidentify, retried once)", total, 5)
    check("posthog: event types", counts, {"page_view": 1, "clicked": 1, "identify": 1, "group": 1, "retried": 1})
    properties = user("ph-ada")["properties"]
    check("posthog: person properties", (properties.get("plan"), properties.get("seats")), ("free", "3"))
    check("posthog: group properties", native("/api/accounts/ph-acme")["properties"].get("name"), "Acme")


def amplitude():
    from amplitude import Amplitude, BaseEvent, Config, EventOptions, Identify
    client = Amplitude(KEY, Config(server_url=URL + "/2/httpapi", flush_queue_size=100))
    now = int(time.time() * 1000)
    client.track(BaseEvent(event_type="Song Played", device_id="amp-device", time=now - 5000, event_properties={"genre": "jazz"}))
    client.track(BaseEvent(event_type="Song Played", user_id="amp-ada", device_id="amp-device", time=now - 4000, insert_id="amp-1"))
    client.track(BaseEvent(event_type="Song Played", user_id="amp-ada", device_id="amp-device", time=now - 4000, insert_id="amp-1"))
    identify = Identify()
    identify.set("plan", "team")
    client.identify(identify, EventOptions(user_id="amp-ada"))
    client.flush()
    client.shutdown()
    total, counts = counts_by_type("amp-ada")
    check("amplitude: events (device's event merged, repeated insert_id once, $identify)", total, 3)
    check("amplitude: event types", counts, {"Song Played": 2, "identify": 1})
    check("amplitude: user properties", user("amp-ada")["properties"].get("plan"), "team")


def mixpanel_client():
    import mixpanel
    consumer = mixpanel.Consumer(api_host=URL.split("://", 1)[1])
    consumer._endpoints = {name: url.replace("https://", "http://") for name, url in consumer._endpoints.items()}
    client = mixpanel.Mixpanel(KEY, consumer=consumer)
    client.track("mp-ada", "Signed Up", {"plan": "pro"})
    client.track("mp-ada", "Invited", {"count": 2})
    client.people_set("mp-ada", {"company": "Acme"})
    client.import_data(None, "mp-ada", "Old Event", int(time.time()) - 3600, {"source": "backfill"}, api_secret=KEY)
    client.group_set("company", "mp-acme", {"tier": "gold"})
    total, counts = counts_by_type("mp-ada")
    check("mixpanel: events (two tracks, the import, identify from people_set)", total, 4)
    check("mixpanel: event types", counts, {"Signed Up": 1, "Invited": 1, "Old Event": 1, "identify": 1})
    check("mixpanel: people properties", user("mp-ada")["properties"].get("company"), "Acme")
    check("mixpanel: group properties", native("/api/accounts/mp-acme")["properties"].get("tier"), "gold")


for library in (segment, rudderstack, posthog_client, amplitude, mixpanel_client):
    try:
        library()
    except Exception as error:  # a library that raised has failed its check
        failures.append(f"{library.__name__}: {error!r}")
        print(f"sdk_clients: FAILED: {library.__name__} raised {error!r}")

stats = native("/api/data/stats")
print(f"sdk_clients: the tenant holds {stats['events']} events of {stats['users']} users")
if failures:
    print(f"sdk_clients: {len(failures)} checks failed: {failures}")
    sys.exit(1)
print("sdk_clients: every library's events are what the native API answers")
