"""A wrk Lua script that posts one batch (1,000 events unless told) to /ingest over and over
(events without timestamps: the server stamps them), shared by bench/contention.py and
bench/ingest_latency.py. With `pause_ms`, each connection waits that long between requests, so
the load is paced rather than saturating; with `percentiles`, the script also prints one line
`LATENCY_MS p50 p99 p99.9 max requests`."""
import json
import random
import tempfile


def batch_body(events_per_batch=1000, seed=42):
    rng = random.Random(seed)
    types = ["page_view", "report_viewed", "login", "search", "export"]
    events = []
    for _ in range(events_per_batch):
        t = rng.choice(types)
        e = {"event_type": t, "user_email": f"contention{rng.randrange(50_000)}@x.com", "account_id": f"acct{rng.randrange(500)}"}
        if t == "page_view":
            e["page_url"] = f"/p/{rng.randrange(40)}"
        events.append(e)
    return json.dumps({"events": events})


def write_lua(key, percentiles=False, events_per_batch=1000, pause_ms=0):
    """Writes the script to a temporary file and returns its path (the caller removes it)."""
    lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    lua.write('wrk.method = "POST"\nwrk.body = [==[' + batch_body(events_per_batch) + ']==]\n'
              'wrk.headers["Content-Type"] = "application/json"\n'
              f'wrk.headers["x-api-key"] = "{key}"\n')
    if pause_ms:
        lua.write(f'delay = function() return {pause_ms} end\n')
    if percentiles:
        # wrk's --latency table stops at p99; p99.9 and the maximum show rare stalls.
        lua.write('done = function(summary, latency, requests)\n'
                  '  io.write(string.format("LATENCY_MS %.3f %.3f %.3f %.3f %d\\n", latency:percentile(50) / 1000,\n'
                  '    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000, summary.requests))\n'
                  'end\n')
    lua.close()
    return lua.name
