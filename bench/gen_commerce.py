#!/usr/bin/env python3
"""gen_events.py extended with commerce: the shared generator's product-analytics events, and
product and article interactions of the same users on the same days, merged into one NDJSON in
timestamp order, with the product and article catalogue beside it.

usage: gen_commerce.py [--events 10000000] [--commerce N] [--users 200000] [--days 30] [--seed 42]
                       [--end 2026-11-01T00:00:00Z] [--shared ../shared] --out FILE [--quiet]

* `../shared/bench/gen_events.py --events (events - commerce) --users --days --seed --end` makes
  the base events (run as a child process; its output is streamed, not stored).
* The commerce events (--commerce, default a tenth of --events) hang off base events: a seeded
  sample of the base lines of identified users, each followed 2 s to 20 min later by one commerce
  event of that line's user and account. So commerce happens in the users' own visits, heavy
  users shop more, and every user and account is one the base file has.
* Types and shares: product_viewed 55%, product_delivered 15%, product_added 12%,
  product_favorited 5%, product_purchased 8% (also "quantity" "1".."3" and "amount" = price *
  quantity with 2 decimals, both strings), article_viewed 3%, article_liked 1%,
  article_commented 1%. Products are Zipf-popular; each user has two favourite categories and
  one favourite article topic that most of their picks come from. About 1% of product and article
  events name an id that is not in the catalogue (a product or article since removed).
* Lines look like the base ones: {"event":"product_viewed","user_id":U,"account_id":A,
  "timestamp":"2026-10-02T13:45:12.345Z","page":"/products/SKU-00042",
  "properties":{"product_id":"SKU-00042"}} (articles: page /articles/art-0001, "article_id").
* The merge keeps the base file's order (which is timestamp order except its ~0.2% late events)
  and puts each commerce event before the first base line with a later timestamp.
* Catalogue, beside --out: FILE.products.ndjson (10,000 products: internal_id SKU-00001...,
  title, category (one of 20), tags (2-3 of 50, comma-separated, e.g. "tag-3,tag-17"; a few
  written "tag-3, tag-17" or with a trailing comma), price, is_in_stock yes/no) and
  FILE.articles.ndjson (1,000 articles: internal_id art-0001..., title, category (one of 12
  topics), tags, is_published yes).

Same options => byte-identical files. Stdlib only.
"""
import argparse
import bisect
import datetime as dt
import heapq
import itertools
import json
import os
import random
import subprocess
import sys
import time

DAY_MS = 86_400_000
N_PRODUCTS, N_ARTICLES = 10_000, 1_000
CATEGORIES = ("electronics computers phones cameras audio home kitchen garden tools toys books music "
              "movies sports outdoors fashion shoes beauty health grocery").split()
TOPICS = "buying-guides reviews how-to news deals recipes travel fitness tech style parenting diy".split()
TAGS = [f"tag-{i}" for i in range(1, 51)]
ADJ = "classic smart compact deluxe eco ultra pro mini portable wireless vintage premium".split()
NOUN = {c: c.rstrip("s") for c in CATEGORIES}
TYPES = [("product_viewed", 55), ("product_delivered", 15), ("product_added", 12), ("product_favorited", 5),
         ("product_purchased", 8), ("article_viewed", 3), ("article_liked", 1), ("article_commented", 1)]
PHANTOM = 0.01       # share of product/article events naming an id not in the catalogue
FAVOURITE = 0.65     # share of a user's product picks from their favourite categories
MAX_OFFSET_MS = 1_200_000


def wpool(rng, items, bits):
    """2**bits draws from weighted items in exact proportions, shuffled (draw with getrandbits)."""
    vals = [v for v, _ in items]
    cum = list(itertools.accumulate(w for _, w in items))
    n = 1 << bits
    out = [vals[min(len(vals) - 1, bisect.bisect_right(cum, (k + 0.5) * cum[-1] / n))] for k in range(n)]
    rng.shuffle(out)
    return out


def zipf(values, s):
    return [(v, 1.0 / (i + 1) ** s) for i, v in enumerate(values)]


def tag_list(rng):
    tags = rng.sample(TAGS, rng.choice((2, 2, 3)))
    r = rng.random()
    if r < 0.05:
        return ", ".join(tags)
    if r < 0.07:
        return ",".join(tags) + ","
    return ",".join(tags)


def catalogue(rng):
    products = []
    for i in range(1, N_PRODUCTS + 1):
        cat = rng.choice(CATEGORIES)
        products.append({"internal_id": f"SKU-{i:05d}", "title": f"{rng.choice(ADJ).title()} {NOUN[cat]} {rng.randint(100, 999)}",
                         "category": cat, "tags": tag_list(rng), "price": round(max(0.99, rng.lognormvariate(3.3, 0.8)), 2),
                         "is_in_stock": "yes" if rng.random() < 0.9 else "no"})
    articles = []
    for i in range(1, N_ARTICLES + 1):
        topic = rng.choice(TOPICS)
        articles.append({"internal_id": f"art-{i:04d}", "title": f"{topic.replace('-', ' ').title()} #{i}",
                         "category": topic, "tags": tag_list(rng), "is_published": "yes"})
    return products, articles


def parse_end(s):
    d = dt.datetime.fromisoformat(s[:-1] + "+00:00" if s.endswith("Z") else s)
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.timezone.utc)
    return int(d.timestamp() * 1000)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=10_000_000, help="events in all, base + commerce (default 10,000,000)")
    ap.add_argument("--commerce", type=int, default=None, help="commerce events among them (default events/10)")
    ap.add_argument("--users", type=int, default=200_000, help="identified users (default 200,000)")
    ap.add_argument("--accounts", type=int, default=None, help="accounts (default gen_events.py's: users/20)")
    ap.add_argument("--days", type=int, default=30, help="window length in days (default 30)")
    ap.add_argument("--end", default="2026-11-01T00:00:00Z", help="end of the window (default 2026-11-01T00:00:00Z)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("--shared", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")),
                    help="the shared checkout holding bench/gen_events.py (default ../shared)")
    ap.add_argument("--out", required=True, help="the merged NDJSON; the catalogue goes to OUT.products.ndjson and OUT.articles.ndjson")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    a = ap.parse_args(argv)
    n_commerce = a.events // 10 if a.commerce is None else a.commerce
    n_base = a.events - n_commerce
    if n_base < 1 or n_commerce < 0:
        ap.error("--events must exceed --commerce")
    log = (lambda *_: None) if a.quiet else (lambda msg: print(f"gen_commerce: {msg} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    rng = random.Random(f"gen_commerce:{a.seed}")
    rnd, bits, expo = rng.random, rng.getrandbits, rng.expovariate
    end_ms = parse_end(a.end)

    # ---- catalogue
    products, articles = catalogue(rng)
    for suffix, rows in ((".products.ndjson", products), (".articles.ndjson", articles)):
        with open(a.out + suffix, "w") as f:
            for row in rows:
                f.write(json.dumps(row, separators=(",", ":")) + "\n")
    # Popularity: a random order of the products (SKU numbers say nothing), Zipf over it, globally
    # and within each category; articles the same way within their topics.
    price = {p["internal_id"]: p["price"] for p in products}
    phantom_products = [f"SKU-{N_PRODUCTS + i:05d}" for i in range(1, 51)]
    phantom_articles = [f"art-{N_ARTICLES + i:04d}" for i in range(1, 11)]
    for pid in phantom_products:
        price[pid] = round(max(0.99, rng.lognormvariate(3.3, 0.8)), 2)
    by_pop = [p["internal_id"] for p in products]
    rng.shuffle(by_pop)
    cat_of = {p["internal_id"]: p["category"] for p in products}
    product_pool = wpool(rng, zipf(by_pop, 1.0), 16)
    cat_pool = [wpool(rng, zipf([pid for pid in by_pop if cat_of[pid] == c], 0.9), 12) for c in CATEGORIES]
    art_pop = [x["internal_id"] for x in articles]
    rng.shuffle(art_pop)
    article_pool = wpool(rng, zipf(art_pop, 0.9), 14)
    topic_of = {x["internal_id"]: x["category"] for x in articles}
    topic_pool = [wpool(rng, zipf([aid for aid in art_pop if topic_of[aid] == t] or art_pop, 0.8), 10) for t in TOPICS]
    type_pool = wpool(rng, TYPES, 10)
    taste = {}   # user -> (category pool, category pool, topic pool)

    # ---- which base lines carry a commerce event (a line of an anonymous user passes it on)
    marks = bytearray(n_base)
    for i in rng.sample(range(n_base), min(n_commerce, n_base)):
        marks[i] = 1
    extra = n_commerce - min(n_commerce, n_base)

    day_ms, day_str = {}, {}

    def ms_of(ts):  # b"2026-10-02T13:45:12.345Z" -> ms
        d = day_ms.get(ts[:10])
        if d is None:
            d = day_ms[ts[:10]] = int(dt.datetime.strptime(ts[:10].decode(), "%Y-%m-%d").replace(tzinfo=dt.timezone.utc).timestamp()) * 1000
        return d + ((int(ts[11:13]) * 60 + int(ts[14:16])) * 60 + int(ts[17:19])) * 1000 + int(ts[20:23])

    def ts_of(ms):
        d = ms // DAY_MS
        pref = day_str.get(d)
        if pref is None:
            pref = day_str[d] = dt.datetime.fromtimestamp(d * 86400, dt.timezone.utc).strftime("%Y-%m-%dT")
        m = ms % DAY_MS
        return f"{pref}{m // 3_600_000:02d}:{m // 60_000 % 60:02d}:{m // 1000 % 60:02d}.{m % 1000:03d}Z"

    seq = itertools.count()

    def commerce(user, account, ms):
        """One commerce event of the user shortly after `ms`: (timestamp bytes, seq, line bytes)."""
        t = taste.get(user)
        if t is None:
            c1, c2 = rng.sample(range(len(CATEGORIES)), 2)
            t = taste[user] = (cat_pool[c1], cat_pool[c2], topic_pool[bits(16) % len(TOPICS)])
        ms = min(ms + 2000 + min(int(expo(1 / 60000.0)), MAX_OFFSET_MS), end_ms - 1)
        ts = ts_of(ms)
        ev = type_pool[bits(10)]
        if ev.startswith("product_"):
            if rnd() < PHANTOM:
                item = phantom_products[bits(16) % len(phantom_products)]
            elif rnd() < FAVOURITE:
                item = t[bits(1)][bits(12)]
            else:
                item = product_pool[bits(16)]
            props = f'"product_id":"{item}"'
            if ev == "product_purchased":
                q = (1, 1, 1, 1, 1, 1, 1, 2, 2, 3)[bits(16) % 10]
                props += f',"quantity":"{q}","amount":"{price[item] * q:.2f}"'
            page = f"/products/{item}"
        else:
            if rnd() < PHANTOM:
                item = phantom_articles[bits(16) % len(phantom_articles)]
            elif rnd() < 0.6:
                item = t[2][bits(10)]
            else:
                item = article_pool[bits(14)]
            props = f'"article_id":"{item}"'
            page = f"/articles/{item}"
        line = (f'{{"event":"{ev}","user_id":"{user}","account_id":"{account}","timestamp":"{ts}",'
                f'"page":"{page}","properties":{{{props}}}}}\n')
        tsb = ts.encode()
        return (tsb, next(seq), line.encode())

    # ---- stream the base events, merging the commerce ones in
    gen = os.path.join(a.shared, "bench", "gen_events.py")
    cmd = [sys.executable, gen, "--events", str(n_base), "--users", str(a.users), "--days", str(a.days),
           "--seed", str(a.seed), "--end", a.end, "--quiet", "--out", "/dev/stdout"]
    if a.accounts is not None:
        cmd += ["--accounts", str(a.accounts)]
    log(f"base: {' '.join(cmd[1:])}")
    # A 1 MB pipe (Linux): with the default 64 KB the two processes take turns instead of overlapping.
    r, w = os.pipe()
    try:
        import fcntl
        fcntl.fcntl(w, 1031, 1 << 20)  # F_SETPIPE_SZ
    except (ImportError, OSError):
        pass
    proc = subprocess.Popen(cmd, stdout=w)
    os.close(w)
    source = os.fdopen(r, "rb", buffering=1 << 20)
    heap = []
    push, pop = heapq.heappush, heapq.heappop
    debt = 0                 # marked lines of anonymous users, passed on to the next identified line
    last = None              # the last identified (user, account, ms), for what is left at the end
    n_made = 0
    tmp = a.out + ".tmp"
    with open(tmp, "wb", buffering=1 << 22) as out:
        write = out.write
        written = inversions = 0
        prev_ts = b""

        def emit(ts, data):
            # Writes one line, counting those earlier than the line before.
            nonlocal written, inversions, prev_ts
            write(data)
            written += 1
            if ts < prev_ts:
                inversions += 1
            prev_ts = ts

        for i, line in enumerate(source):
            p = line.find(b'"timestamp":"', 20) + 13
            ts = line[p:p + 24]
            while heap and heap[0][0] < ts:
                item = pop(heap)
                emit(item[0], item[2])
            emit(ts, line)
            debt += marks[i]
            if debt:
                u0 = line.find(b'"user_id":"', 9) + 11
                u1 = line.find(b'"', u0)
                if not line.startswith(b"anon-", u0):
                    a0 = line.find(b'"account_id":"', u1) + 14
                    user, account = line[u0:u1].decode(), line[a0:line.find(b'"', a0)].decode()
                    ms = ms_of(ts)
                    last = (user, account, ms)
                    for _ in range(debt):
                        push(heap, commerce(user, account, ms))
                    n_made += debt
                    debt = 0
            if not a.quiet and (i + 1) % 1_000_000 == 0:
                log(f"{written:,} lines written, {n_made:,} of them commerce")
        source.close()
        if proc.wait() != 0:
            sys.exit(f"gen_commerce: gen_events.py failed ({proc.returncode})")
        if (debt or extra) and last is None:
            sys.exit("gen_commerce: the base file has no identified user to hang commerce events on")
        for _ in range(debt + extra):
            push(heap, commerce(*last))
            n_made += 1
        while heap:
            item = pop(heap)
            emit(item[0], item[2])
    os.replace(tmp, a.out)
    if written != a.events or n_made != n_commerce:
        sys.exit(f"gen_commerce: wrote {written:,} lines ({n_made:,} commerce), expected {a.events:,} ({n_commerce:,})")
    log(f"{a.out}: {written:,} events ({written - n_made:,} base, {n_made:,} commerce, {len(taste):,} shoppers), "
        f"{inversions:,} lines earlier than the line before (the base file's late events); "
        f"{len(products):,} products, {len(articles):,} articles beside it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
