"""Helpers shared by the SQL comparison scripts: timing and a chDB session that answers rows."""
import json
import os
import re
import statistics
import time


def timed(fn, runs):
    """Runs fn once to warm up, then `runs` times; returns the last answer, the median ms and all ms."""
    out, times = None, []
    for i in range(runs + 1):
        t = time.perf_counter()
        out = fn()
        if i:
            times.append((time.perf_counter() - t) * 1000)
    return out, statistics.median(times), times


def chdb_session(threads):
    """A chDB session with database `b`, and a function running SQL on it that returns the rows."""
    from chdb import session
    sess = session.Session()

    def q(sql):
        r = sess.query(sql + f" SETTINGS max_threads={threads}", "JSONCompact")
        s = r.bytes() if hasattr(r, "bytes") else bytes(r)
        return json.loads(s)["data"] if s.strip() else []

    sess.query("CREATE DATABASE IF NOT EXISTS b")
    return sess, q


def replace_section(results, title, section):
    """Puts `section` (starting with `title`) into the results file in place of the old one, before "## Notes"."""
    text = open(results).read() if os.path.exists(results) else ""
    parts = re.split(r"(?m)^(?=## )", text)
    parts = [p for p in parts if not p.startswith(title)]
    notes = [i for i, p in enumerate(parts) if p.startswith("## Notes")]
    parts.insert(notes[0] if notes else len(parts), section + "\n")
    open(results, "w").write("".join(parts))


def rss_mb(pid):
    """A process's resident memory in MB, from /proc."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0
