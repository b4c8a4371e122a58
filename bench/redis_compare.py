#!/usr/bin/env python3
"""Redis doing Beacon's durability job where it fits, on the same events.

usage: redis_compare.py FILE.ndjson OUT.json [--aof-events N]

- The per-day active-user sets and per-day-and-event-type user sets (what Beacon's day indexes
  hold) are loaded as Redis sets (SADD, deduplicated, 1,000 members a command); then SAVE (RDB
  write time and size) and a restart (RDB load time).
- AOF: the first N events as individual SADDs (pipelines of 1,000), with appendonly yes and
  appendfsync everysec, against appendonly no: write throughput of each.
Starts its own redis-server (Debian's) on a free loopback port in a temporary directory.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import orjson
import redis


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(directory, port, extra):
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", directory,
                             "--save", "", "--protected-mode", "no"] + extra,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(600):
        try:
            client.ping()
            if client.info("persistence").get("loading", 0) == 0:
                return proc, client
        except redis.exceptions.ConnectionError:
            pass
        except redis.exceptions.BusyLoadingError:
            pass
        time.sleep(0.01)
    raise RuntimeError("redis-server did not start")


def main():
    path, out = sys.argv[1], sys.argv[2]
    aof_events = int(sys.argv[sys.argv.index("--aof-events") + 1]) if "--aof-events" in sys.argv else 1_000_000
    t = time.perf_counter()
    sets = {}
    first = []
    with open(path, "rb") as f:
        for line in f:
            e = orjson.loads(line)
            if "event" not in e:
                continue
            day = e["timestamp"][:10]
            user = e["user_id"]
            sets.setdefault(f"dau:{day}", set()).add(user)
            sets.setdefault(f"type:{day}:{e['event']}", set()).add(user)
            if len(first) < aof_events:
                first.append((f"type:{day}:{e['event']}", user))
    parse_s = time.perf_counter() - t
    members = sum(len(s) for s in sets.values())
    directory = tempfile.mkdtemp(prefix="beacon-redis-")
    port = free_port()
    result = {"version": subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.strip(),
              "sets": len(sets), "members": members, "python_parse_s": parse_s}
    try:
        proc, client = start(directory, port, [])
        t = time.perf_counter()
        pipe = client.pipeline(transaction=False)
        n = 0
        for key, users in sets.items():
            users = list(users)
            for i in range(0, len(users), 1000):
                pipe.sadd(key, *users[i:i + 1000])
                n += 1
                if n % 200 == 0:
                    pipe.execute()
        pipe.execute()
        result["load_sets_s"] = time.perf_counter() - t
        result["used_memory_bytes"] = client.info("memory")["used_memory"]
        t = time.perf_counter()
        client.save()
        result["rdb_save_s"] = time.perf_counter() - t
        result["rdb_bytes"] = os.path.getsize(os.path.join(directory, "dump.rdb"))
        client.shutdown(nosave=True)
        proc.wait()
        t = time.perf_counter()
        proc, client = start(directory, port, [])
        result["rdb_load_s"] = time.perf_counter() - t
        assert client.dbsize() == len(sets)
        client.shutdown(nosave=True)
        proc.wait()

        for mode, extra in (("aof_off", ["--appendonly", "no"]), ("aof_everysec", ["--appendonly", "yes", "--appendfsync", "everysec"]),
                            ("aof_always", ["--appendonly", "yes", "--appendfsync", "always"])):
            shutil.rmtree(directory, ignore_errors=True)
            os.makedirs(directory)
            proc, client = start(directory, port, extra)
            t = time.perf_counter()
            pipe = client.pipeline(transaction=False)
            for i, (key, user) in enumerate(first, 1):
                pipe.sadd(key, user)
                if i % 1000 == 0:
                    pipe.execute()
            pipe.execute()
            result[f"{mode}_events_per_s"] = len(first) / (time.perf_counter() - t)
            client.shutdown(nosave=True)
            proc.wait()
        result["aof_events"] = len(first)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    json.dump(result, open(out, "w"), indent=1)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
