#!/usr/bin/env python3
"""The Personyze-compatible REST API beside DuckDB and chDB: a user looked up by internal_id and
by id, the product counters of every product and the week's top 50, one user's sessions and one
day's, and one user's interests, read over HTTP from a loaded Beacon server and asked of both
engines in SQL over the same gen_commerce.py file, timed, and the answers compared.

usage: personyze_api.py URL KEY FILE.ndjson [--runs 15] [--sql-runs 5] [--threads 2] [--out personyze.json]
FILE is gen_commerce.py's: 30 days, 2026-10-02 to 2026-10-31, UTC, with FILE.products.ndjson and
FILE.articles.ndjson beside it. Setup (not timed): the catalogue is posted row by row to
/personyze/rest/products and /articles; the visitor is the user with the most product events
(found in SQL), and its Beacon user_id is read from /users. Beacon times are medians over HTTP
on loopback (GET with Basic auth api:KEY, server read, answer and client-side JSON parse
included); the engines' are medians after a warm-up, on tables loaded once (loading not timed).
Writes one section of RESULTS.md.

What Beacon answers and the SQL computes (the definitions Beacon follows):
* *_time columns are floor(ms / 1000) of event timestamps; the tenant is UTC.
* Sessions: a user's events of every type in time order; a gap of more than 30 minutes starts a
  new one. total_visits counts the session's page views; first_visit_id is
  user_id * 1,000,000 + the session's number; users.session_counter counts the sessions and
  users.last_session_time is the start of the latest.
* products_stats_*: events of the five product types per properties.product_id, over the N
  calendar days ending on the newest event's day (week: 7, all: everything); every product with
  such events and every catalogue product is a row.
* user_interests: each of the user's product and article events on a catalogue row adds
  weight * 0.5^(age / 30 days) (age from the newest event in the data) to the row's category
  (class category for products, interest for articles) and to each of its tags (class tag);
  n_times counts the events, time is the newest one's seconds.
"""
import argparse
import base64
import datetime as dt
import http.client
import json
import math
import os
import socket
import time
import urllib.parse

from sql_common import chdb_session, replace_section, timed

TITLE = "## The Personyze-compatible API beside DuckDB and chDB"
REST = "/personyze/rest"
PAGE_VIEWS = "('page_view', 'pageview', '$pageview', 'page')"
PRODUCT_TYPES = ["product_viewed", "product_delivered", "product_added", "product_favorited", "product_purchased"]
METRICS = ["n_viewed", "n_delivered", "n_extra", "n_favorite", "n_goal"]
WEIGHTS = {"product_viewed": 1, "product_delivered": 0.25, "product_added": 3, "product_favorited": 4, "product_purchased": 5,
           "article_viewed": 1, "article_liked": 3, "article_commented": 3}
GAP_MS = 1_800_000
HALF_LIFE_MS = 2_592_000_000
DAY = "2026-10-20"
D = int(dt.datetime.fromisoformat(DAY).replace(tzinfo=dt.timezone.utc).timestamp())
TARGET_MS = {"lookup": 1.0, "report": 50.0}


def beacon_client(url, key):
    """GET and POST on one kept-alive connection with Basic api:KEY; answers parsed from JSON."""
    parsed = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    headers = {"authorization": "Basic " + base64.b64encode(f"api:{key}".encode()).decode(), "content-type": "application/json"}

    def call(method, path, body=None):
        conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status >= 300:
            raise RuntimeError(f"{method} {path}: {resp.status} {data[:300]!r}")
        return json.loads(data)
    return call


def same(a, b):
    """Equal answers; floats (ranks) equal to 6 significant digits, without flips at a rounding edge."""
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=5e-7, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def quoted(s):
    return "'" + s.replace("'", "''") + "'"


def in_list(values):
    return "(" + ", ".join(quoted(v) for v in values) + ")"


def questions(visitor, uid):
    """(name, kind, what, Beacon path, Beacon answer reduced, DuckDB SQL, chDB SQL, SQL rows reduced given Beacon's reduced answer)."""
    v = quoted(visitor)
    enc = urllib.parse.quote(visitor, safe="")
    qs = []
    newest_d, newest_c = "(SELECT max(ms) FROM ev)", "(SELECT max(ms) FROM b.ev)"

    # a. the visitor in users, by internal_id and by user_id
    def user_row(r):
        assert r.get("user_id") == uid, f"users: user_id {r.get('user_id')!r}, expected {uid}"
        return {r["internal_id"]: [r["session_counter"], r["last_session_time"]]}
    user_duck = (f"SELECT user_id, count(*), max(ms) // 1000 FROM (SELECT user_id, ms, ms - lag(ms) OVER (ORDER BY ms) gap FROM ev WHERE user_id = {v}) "
                 f"WHERE gap IS NULL OR gap > {GAP_MS} GROUP BY user_id")
    user_ch = (f"SELECT {v}, length(s), intDiv(s[-1], 1000) FROM (SELECT arrayFilter((x, i) -> i = 1 OR x - a[i - 1] > {GAP_MS}, a, arrayEnumerate(a)) s "
               f"FROM (SELECT arraySort(groupArray(ms)) a FROM b.ev WHERE user_id = {v}))")
    user_sql = lambda rows, _: {r[0]: [int(r[1]), int(r[2])] for r in rows}
    qs.append(("users_by_internal_id", "lookup", "One user by its indexed internal_id: user_id, internal_id, last_session_time, session_counter",
               f"{REST}/users/where/internal_id={enc}/columns/user_id,internal_id,last_session_time,session_counter",
               lambda a: {k: x for r in a for k, x in user_row(r).items()}, user_duck, user_ch, user_sql))
    qs.append(("users_by_id", "lookup", "The same user by id (`/users/<user_id>`, one object, every column)",
               f"{REST}/users/{uid}", user_row, user_duck, user_ch, user_sql))

    # b. products_stats: every product over all time, and the week's 50 most viewed
    def stats_sql(t, where):
        ev, cat, nonnull = ("ev", "products", "product_id IS NOT NULL") if t == "duck" else ("b.ev", "b.products", "product_id != ''")
        count = (lambda e: f"count(*) FILTER (WHERE event = '{e}')") if t == "duck" else (lambda e: f"countIf(event = '{e}')")
        return (f"SELECT pid, {', '.join(f'sum({m}) {m}' for m in METRICS)} FROM ("
                f"SELECT product_id pid, {', '.join(f'{count(e)} {m}' for e, m in zip(PRODUCT_TYPES, METRICS))} FROM {ev} "
                f"WHERE event IN {in_list(PRODUCT_TYPES)} AND {nonnull}{where} GROUP BY pid "
                f"UNION ALL SELECT internal_id, 0, 0, 0, 0, 0 FROM {cat}) s GROUP BY pid")

    def ordered(rows, column):
        return all(rows[i][column] >= rows[i + 1][column] for i in range(len(rows) - 1))
    qs.append(("products_stats_all", "report", "products_stats_all: the five counters of every product (10,000 in the catalogue and those only events name)",
               f"{REST}/products_stats_all/where/n_viewed>=0/columns/internal_id,{','.join(METRICS)}/order_by_desc/n_viewed/limit/20000",
               lambda a: {"_ordered": ordered(a, "n_viewed"), **{r["internal_id"]: [r[m] for m in METRICS] for r in a}},
               stats_sql("duck", ""), stats_sql("ch", ""),
               lambda rows, _: {"_ordered": True, **{r[0]: [int(x) for x in r[1:]] for r in rows}}))

    week_d = f" AND ms >= ({newest_d} // 86400000 - 6) * 86400000"
    week_c = f" AND ms >= (intDiv({newest_c}, 86400000) - 6) * 86400000"
    top_duck = f"SELECT pid, n_viewed, n_goal FROM ({stats_sql('duck', week_d)}) t WHERE n_viewed > 0 QUALIFY rank() OVER (ORDER BY n_viewed DESC) <= 50"
    top_ch = f"SELECT pid, n_viewed, n_goal FROM ({stats_sql('ch', week_c)}) t WHERE n_viewed > 0 ORDER BY n_viewed DESC LIMIT 50 WITH TIES"

    def top_beacon(a):
        out = {"_ordered": ordered(a, "n_viewed"), "_top_n_viewed": sorted((r["n_viewed"] for r in a), reverse=True)}
        out.update({r["internal_id"]: [r["n_viewed"], r["n_goal"]] for r in a})
        return out

    def top_sql(rows, beacon):
        # Ties at the 50th place make the rows Beacon picks one choice of several: compare the
        # counts of the products it picked and the multiset of the 50 counts.
        by = {r[0]: [int(r[1]), int(r[2])] for r in rows}
        out = {"_ordered": True, "_top_n_viewed": sorted((x[0] for x in by.values()), reverse=True)[:50]}
        out.update({k: by.get(k, "not among the engine's top 50 with ties") for k in beacon if not k.startswith("_")})
        return out
    qs.append(("products_stats_week", "report", "products_stats_week: the 50 most viewed products of the last 7 days",
               f"{REST}/products_stats_week/where/n_viewed>0/columns/internal_id,n_viewed,n_goal/order_by_desc/n_viewed/limit/50",
               top_beacon, top_duck, top_ch, top_sql))

    # c. sessions_archive: the visitor's sessions, and every session that starts on one day
    sess_duck = (f"WITH e AS (SELECT ms, event, CASE WHEN ms - lag(ms) OVER (ORDER BY ms) <= {GAP_MS} THEN 0 ELSE 1 END st FROM ev WHERE user_id = {v}), "
                 f"s AS (SELECT ms, event, sum(st) OVER (ORDER BY ms) n FROM e) "
                 f"SELECT CAST({uid} AS BIGINT) * 1000000 + n, min(ms) // 1000, max(ms) // 1000, count(*) FILTER (WHERE event IN {PAGE_VIEWS}) FROM s GROUP BY n "
                 f"ORDER BY 2 DESC LIMIT 1000")

    def sessions_ch(where, per_user):
        group = "user_id, " if per_user else ""
        return (f"SELECT {group}n, min(x.1) start, max(x.1) last, sum(x.2) visits FROM ("
                f"SELECT {group}a, arrayCumSum(arrayMap((x, i) -> toUInt32(i = 1 OR x.1 - a[i - 1].1 > {GAP_MS}), a, arrayEnumerate(a))) ns FROM ("
                f"SELECT {group}arraySort(groupArray((ms, toUInt8(event IN {PAGE_VIEWS})))) a FROM b.ev WHERE {where}"
                f"{' GROUP BY user_id' if per_user else ''})) ARRAY JOIN a AS x, ns AS n GROUP BY {group}n")
    sess_ch = (f"SELECT toInt64({uid}) * 1000000 + n, intDiv(start, 1000), intDiv(last, 1000), visits FROM ({sessions_ch(f'user_id = {v}', False)}) "
               f"ORDER BY start DESC LIMIT 1000")
    qs.append(("sessions_user", "report", "sessions_archive: the user's sessions, newest first",
               f"{REST}/sessions_archive/where/user_id={uid}/columns/first_visit_id,session_start_time,last_session_time,total_visits/order_by_desc/session_start_time/limit/1000",
               lambda a: {"_ordered": ordered(a, "session_start_time"),
                          **{str(r["first_visit_id"]): [r["session_start_time"], r["last_session_time"], r["total_visits"]] for r in a}},
               sess_duck, sess_ch,
               lambda rows, _: {"_ordered": True, **{str(int(r[0])): [int(r[1]), int(r[2]), int(r[3])] for r in rows}}))

    # A session starting on the day is decided by the events from 30 minutes before it on; its
    # visits may run on past midnight, so nothing later is cut.
    lo, hi = D * 1000, (D + 86400) * 1000
    day_duck = (f"WITH e AS (SELECT user_id, ms, event, CASE WHEN ms - lag(ms) OVER (PARTITION BY user_id ORDER BY ms) <= {GAP_MS} THEN 0 ELSE 1 END st "
                f"FROM ev WHERE ms >= {lo - GAP_MS}), s AS (SELECT user_id, ms, event, sum(st) OVER (PARTITION BY user_id ORDER BY ms) n FROM e), "
                f"g AS (SELECT min(ms) start, count(*) FILTER (WHERE event IN {PAGE_VIEWS}) visits FROM s GROUP BY user_id, n) "
                f"SELECT count(*), sum(visits) FROM g WHERE start >= {lo} AND start < {hi}")
    day_ch = f"SELECT count(), sum(visits) FROM ({sessions_ch(f'ms >= {lo - GAP_MS}', True)}) WHERE start >= {lo} AND start < {hi}"

    def day_beacon(a):
        if len(a) >= 100000:
            print(f"  sessions_day: Beacon answered {len(a):,} rows, the limit: the count is cut", flush=True)
        return {"sessions": len(a), "total_visits": sum(r["total_visits"] for r in a),
                "_outside_the_day": sum(not D <= r["session_start_time"] < D + 86400 for r in a)}
    qs.append(("sessions_day", "report", f"sessions_archive: every session that starts on {DAY} (UTC); their number and visits",
               f"{REST}/sessions_archive/where/session_start_time>={D}&session_start_time<{D + 86400}/columns/user_id,session_start_time,total_visits/limit/100000",
               day_beacon, day_duck, day_ch,
               lambda rows, _: {"sessions": int(rows[0][0]), "total_visits": int(rows[0][1] or 0), "_outside_the_day": 0}))

    # d. user_interests of the visitor
    def interests(t):
        ev, cv, newest = ("ev", "cv", newest_d) if t == "duck" else ("b.ev", "b.cv", newest_c)
        weight = "CASE event " + " ".join(f"WHEN '{e}' THEN {w}" for e, w in WEIGHTS.items()) + " END"
        seconds = "max(w.ms) // 1000" if t == "duck" else "intDiv(max(w.ms), 1000)"
        return (f"WITH w AS (SELECT ms, {weight} wt, CASE WHEN event LIKE 'product%' THEN 'p' ELSE 'a' END kind, "
                f"CASE WHEN event LIKE 'product%' THEN product_id ELSE article_id END item FROM {ev} "
                f"WHERE user_id = {v} AND event IN {in_list(WEIGHTS)}) "
                f"SELECT cv.value, cv.class, sum(w.wt * pow(0.5, ({newest} - w.ms) / {HALF_LIFE_MS}.0)) rank, count(*), {seconds} "
                f"FROM w JOIN {cv} cv ON cv.kind = w.kind AND cv.id = w.item GROUP BY cv.value, cv.class ORDER BY rank DESC LIMIT 100")
    qs.append(("user_interests", "report", "user_interests: the user's categories, interests and tags, strongest first",
               f"{REST}/user_interests/where/user_id={uid}/columns/value,class,rank,n_times,time/order_by_desc/rank/limit/100",
               lambda a: {"_ordered": ordered(a, "rank"),
                          **{f"{r['value']}|{r['class']}": [float(r["rank"]), r["n_times"], r["time"]] for r in a}},
               interests("duck"), interests("ch"),
               lambda rows, _: {"_ordered": True, **{f"{r[0]}|{r[1]}": [float(r[2]), int(r[3]), int(r[4])] for r in rows}}))
    return qs


def catalogue_files(path):
    return path + ".products.ndjson", path + ".articles.ndjson"


def load_duckdb(path, threads):
    import duckdb
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads={threads}")
    con.execute(f"""CREATE TABLE ev AS SELECT epoch_ms("timestamp"::TIMESTAMP) AS ms, user_id, event, properties.product_id AS product_id,
        properties.article_id AS article_id FROM read_json('{path}', format='newline_delimited',
        columns={{'event':'VARCHAR','user_id':'VARCHAR','timestamp':'VARCHAR','properties':'STRUCT(product_id VARCHAR, article_id VARCHAR)'}})
        WHERE event IS NOT NULL ORDER BY user_id, ms""")
    products, articles = catalogue_files(path)
    for table, file in (("products", products), ("articles", articles)):
        con.execute(f"""CREATE TABLE {table} AS SELECT internal_id, category, tags FROM read_json('{file}', format='newline_delimited',
            columns={{'internal_id':'VARCHAR','category':'VARCHAR','tags':'VARCHAR'}})""")
    # The catalogue's values, one row each: (kind, id, value, class).
    con.execute("""CREATE TABLE cv AS
        SELECT 'p' kind, internal_id id, category value, 'category' class FROM products WHERE category <> ''
        UNION ALL SELECT 'p', internal_id, trim(t), 'tag' FROM products, unnest(string_split(tags, ',')) u(t) WHERE trim(t) <> ''
        UNION ALL SELECT 'a', internal_id, category, 'interest' FROM articles WHERE category <> ''
        UNION ALL SELECT 'a', internal_id, trim(t), 'tag' FROM articles, unnest(string_split(tags, ',')) u(t) WHERE trim(t) <> ''""")
    return lambda sql: con.execute(sql).fetchall()


def load_chdb(path, threads):
    sess, q = chdb_session(threads)
    sess.query("CREATE TABLE b.ev (ms Int64, user_id String, event LowCardinality(String), product_id String, article_id String) "
               "ENGINE = MergeTree ORDER BY (user_id, ms)")
    sess.query(f"""INSERT INTO b.ev SELECT toUnixTimestamp64Milli(parseDateTime64BestEffort(timestamp, 3, 'UTC')), user_id, event,
        ifNull(properties.product_id, ''), ifNull(properties.article_id, '')
        FROM file('{path}', 'JSONEachRow', 'event Nullable(String), user_id String, timestamp String,
                  properties Tuple(product_id Nullable(String), article_id Nullable(String))')
        WHERE event IS NOT NULL SETTINGS input_format_skip_unknown_fields = 1, input_format_json_ignore_unknown_keys_in_named_tuple = 1, max_threads = 1""")
    products, articles = catalogue_files(path)
    for table, file in (("products", products), ("articles", articles)):
        sess.query(f"CREATE TABLE b.{table} (internal_id String, category String, tags String) ENGINE = MergeTree ORDER BY internal_id")
        sess.query(f"""INSERT INTO b.{table} SELECT internal_id, ifNull(category, ''), ifNull(tags, '')
            FROM file('{file}', 'JSONEachRow', 'internal_id String, category Nullable(String), tags Nullable(String)')
            SETTINGS input_format_skip_unknown_fields = 1""")
    sess.query("CREATE TABLE b.cv (kind String, id String, value String, class String) ENGINE = MergeTree ORDER BY (kind, id)")
    for kind, table, cls in (("p", "products", "category"), ("a", "articles", "interest")):
        sess.query(f"INSERT INTO b.cv SELECT '{kind}', internal_id, category, '{cls}' FROM b.{table} WHERE category != ''")
        sess.query(f"INSERT INTO b.cv SELECT '{kind}', internal_id, trimBoth(t), 'tag' FROM b.{table} ARRAY JOIN splitByChar(',', tags) AS t "
                   "WHERE trimBoth(t) != ''")
    return q, sess


def differences(beacon, theirs, limit=8):
    """What differs between two reduced answers, as lines."""
    out = []
    only_b = sorted(set(beacon) - set(theirs))
    only_t = sorted(set(theirs) - set(beacon))
    if only_b:
        out.append(f"{len(only_b)} keys only in Beacon's answer, e.g. " + ", ".join(f"{k}={beacon[k]}" for k in only_b[:limit]))
    if only_t:
        out.append(f"{len(only_t)} keys only in the engine's answer, e.g. " + ", ".join(f"{k}={theirs[k]}" for k in only_t[:limit]))
    differ = [k for k in sorted(set(beacon) & set(theirs)) if not same(beacon[k], theirs[k])]
    if differ:
        out.append(f"{len(differ)} keys with different values (key: Beacon / engine):")
        out += [f"    {k}: {json.dumps(beacon[k])[:200]} / {json.dumps(theirs[k])[:200]}" for k in differ[:limit]]
    return out


def load_catalogue(call, path):
    """Posts every product and article; returns their counts and the seconds it took."""
    t0 = time.perf_counter()
    n = {}
    for table, file in zip(("products", "articles"), catalogue_files(path)):
        n[table] = 0
        with open(file) as f:
            for line in f:
                new_id = call("POST", f"{REST}/{table}", json.loads(line))
                if not isinstance(new_id, int) or isinstance(new_id, bool):
                    raise RuntimeError(f"POST {REST}/{table}: answered {new_id!r}, not a row id")
                n[table] += 1
    return n, time.perf_counter() - t0


def write_section(args, setup, results):
    size = os.path.getsize(args.file) / 1e9
    lines = [f"{TITLE} ({dt.date.today():%Y-%m-%d})", "",
             f"`bench/personyze_run` (`bench/personyze_api.py URL KEY {os.path.basename(args.file)} --runs {args.runs} --sql-runs {args.sql_runs} "
             f"--threads {args.threads}`): {setup['events']:,} events ({size:.2f} GB of NDJSON from `bench/gen_commerce.py`: gen_events.py's events "
             f"and {setup['commerce']:,} product and article events of the same users, 30 days 2026-10-02 to 2026-10-31, UTC) imported into a "
             f"release server (`beacon import`), then its catalogue of {setup['products']:,} products and {setup['articles']:,} articles posted row "
             f"by row to `/personyze/rest/products` and `/articles` ({setup['catalogue_s']:.1f} s; not timed). The user is the one with the most "
             f"product events, `{setup['visitor']}` (user_id {setup['user_id']}, {setup['visitor_events']:,} events). "
             f"Each Beacon figure is the median of {args.runs} GETs over HTTP on loopback on one kept-alive connection with Basic `api:KEY`: "
             "request, auth, the server's read, the JSON answer and the client's JSON parse of it; it leaves out the import, the catalogue "
             "upload and anything a network beyond loopback adds. DuckDB and chDB answer the same questions in SQL over the same file in the "
             f"same run: tables loaded once and not timed (events sorted by user and time; chDB a MergeTree ordered by them; the catalogue's "
             f"categories and split, trimmed tags one row each), median of {args.sql_runs} after a warm-up, {args.threads} threads; each "
             "query works out the newest event's day itself. `agrees`: the engine's answer equals Beacon's (counts and times exactly, ranks "
             "to 6 significant digits; the week's top 50 as the counts of Beacon's products and the multiset of the 50 view counts, since "
             "ties make the order ambiguous).", "",
             "| question | rows | Beacon | DuckDB | chDB | DuckDB / Beacon | chDB / Beacon | agrees (DuckDB, chDB) |", "|---|---|---|---|---|---|---|---|"]
    f = lambda x: "—" if x is None else (f"{x:,.3f} ms" if x < 10 else f"{x:,.2f} ms" if x < 100 else f"{x:,.0f} ms")
    for r in results:
        b, d, c = r["beacon_ms"], r.get("duckdb_ms"), r.get("chdb_ms")
        ratio = lambda x: "—" if x is None else f"{x / b:,.1f}x" if x >= b else f"{x / b:.2f}x"
        agree = ", ".join("—" if r.get(f"{e}_agrees") is None else "yes" if r[f"{e}_agrees"] else "no" for e in ["duckdb", "chdb"])
        lines.append(f"| {r['what']} | {r['rows']:,} | {f(b)} | {f(d)} | {f(c)} | {ratio(d)} | {ratio(c)} | {agree} |")
    lines += ["", "The paths (under `/personyze/rest`; U is the user's id, D the day's first second):", ""]
    def shown(path):
        uid, enc = setup["user_id"], urllib.parse.quote(setup["visitor"], safe="")
        path = path[len(REST):].replace(f"internal_id={enc}", "internal_id=<the user>").replace(f"user_id={uid}", "user_id=U")
        path = path.replace(f">={D}&", ">=D&").replace(f"<{D + 86400}/", "<D+86400/")
        return path[:-len(str(uid))] + "U" if path == f"/users/{uid}" else path
    lines += [f"- {r['name']}: `{shown(r['path'])}`" for r in results]
    lines += ["", "Targets (the issue's): the users lookup ≤ 1 ms; the reports (product counters, sessions, interests: the seed's Reports objects) ≤ 50 ms:", ""]
    for r in results:
        met = r["beacon_ms"] <= TARGET_MS[r["kind"]]
        lines.append(f"- {r['name']} ({r['kind']}, ≤ {TARGET_MS[r['kind']]:g} ms): {'met' if met else 'missed'} ({r['beacon_ms']:,.3f} ms)")
    replace_section(args.results, TITLE, "\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url"); ap.add_argument("key"); ap.add_argument("file")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--sql-runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=None)
    ap.add_argument("--engines", default="duckdb,chdb")
    ap.add_argument("--results", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md"))
    args = ap.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    call = beacon_client(args.url, args.key)

    print("== setup", flush=True)
    n, catalogue_s = load_catalogue(call, args.file)
    print(f"catalogue: {n['products']:,} products, {n['articles']:,} articles posted in {catalogue_s:.1f} s", flush=True)
    t0 = time.perf_counter()
    duck = load_duckdb(args.file, args.threads)
    print(f"duckdb loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    events, commerce = duck("SELECT count(*), count(*) FILTER (WHERE event LIKE 'product\\_%' ESCAPE '\\' OR event LIKE 'article\\_%' ESCAPE '\\') FROM ev")[0]
    visitor, visitor_product_events = duck(f"SELECT user_id, count(*) c FROM ev WHERE event IN {in_list(PRODUCT_TYPES)} GROUP BY 1 ORDER BY c DESC, user_id LIMIT 1")[0]
    visitor_events = duck(f"SELECT count(*) FROM ev WHERE user_id = {quoted(visitor)}")[0][0]
    found = call("GET", f"{REST}/users/where/internal_id={urllib.parse.quote(visitor, safe='')}/columns/user_id")
    if len(found) != 1 or not isinstance(found[0].get("user_id"), int):
        raise RuntimeError(f"users: no single user_id for {visitor!r}: {found!r}")
    uid = found[0]["user_id"]
    print(f"visitor: {visitor} (user_id {uid}, {visitor_events:,} events, {visitor_product_events:,} product events)", flush=True)
    setup = {"events": events, "commerce": commerce, "products": n["products"], "articles": n["articles"], "catalogue_s": catalogue_s,
             "visitor": visitor, "user_id": uid, "visitor_events": visitor_events}
    qs = questions(visitor, uid)

    results = []
    print("== Beacon", flush=True)
    for name, kind, what, path, reduce_beacon, _, _, _ in qs:
        answer, ms, _ = timed(lambda: call("GET", path), args.runs)
        rows = len(answer) if isinstance(answer, list) else 1
        results.append({"name": name, "kind": kind, "what": what, "path": path, "rows": rows, "beacon_ms": ms, "beacon": reduce_beacon(answer)})
        print(f"{name}: {ms:.3f} ms, {rows:,} rows", flush=True)
    by_name = {r["name"]: r for r in results}
    for engine in engines:
        print(f"== {engine}", flush=True)
        if engine == "duckdb":
            run = duck
        else:
            t0 = time.perf_counter()
            run = load_chdb(args.file, args.threads)[0]
            print(f"loaded in {time.perf_counter() - t0:.1f} s", flush=True)
        for name, _, _, _, _, duck_sql, ch_sql, reduce_sql in qs:
            rows, ms, _ = timed(lambda: run(duck_sql if engine == "duckdb" else ch_sql), args.sql_runs)
            r = by_name[name]
            r[f"{engine}_ms"] = ms
            theirs = reduce_sql(rows, r["beacon"])
            diff = differences(r["beacon"], theirs)
            r[f"{engine}_agrees"] = not diff
            print(f"{name}: {ms:.2f} ms, agrees: {not diff}", flush=True)
            for line in diff:
                print(f"  {line}", flush=True)
        del run
        if engine == "duckdb":
            duck = None
    if args.out:
        json.dump({"setup": setup, "results": results}, open(args.out, "w"), indent=1, default=str)
    write_section(args, setup, results)


if __name__ == "__main__":
    main()
