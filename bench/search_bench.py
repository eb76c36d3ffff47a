#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helper for bench/search.sh.

  search_bench.py check-queries TSV        validate the query set; print the number of queries
  search_bench.py run OPTIONS               time every query with cairn, notmuch and mu, compare hit sets
                                            with notmuch, print the table (and write it as JSON)

`run` options (all required unless marked):
  --queries TSV --runs N --work DIR --ingest RESULTS.tsv
  --cairn BIN --archive DIR --user NAME --notmuch-config FILE --muhome DIR
  [--json OUT]

The query set has one query per line: name <TAB> cairn query <TAB> notmuch query <TAB> mu query.
A column holding only '-' means the tool has no equivalent.  Lines starting with '#' and blank
lines are ignored.  The part of the name before the first '.' is the query's kind; hit sets are
compared with notmuch for every query that has a notmuch translation, and the kinds listed in
AGREEMENT_KINDS are the ones the summary quotes (plain words and from:).

RESULTS.tsv (written by search.sh) has one measurement per line: metric <TAB> value.
"""
import argparse
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import time

AGREEMENT_KINDS = ("word", "from")
EXAMPLES = 5
LIMIT = 50
ALL = 10_000_000  # "no limit" for cairn search --limit

# The timed commands of a query, in the order they run within one round.
COMMANDS = ("cairn_count", "cairn_limit", "cairn_stats", "notmuch_count", "notmuch_search", "mu_find", "mu_all")


def read_queries(path):
    queries = []
    names = set()
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if len(cells) != 4:
                raise SystemExit(f"{path}:{number}: expected 4 tab-separated columns, found {len(cells)}")
            name, cairn, notmuch, mu = (c.strip() for c in cells)
            if not name or name in names:
                raise SystemExit(f"{path}:{number}: empty or repeated name '{name}'")
            if cairn == "-":
                raise SystemExit(f"{path}:{number}: every query needs a cairn form")
            names.add(name)
            queries.append({"name": name, "kind": name.split(".", 1)[0], "cairn": cairn,
                            "notmuch": None if notmuch == "-" else notmuch, "mu": None if mu == "-" else mu})
    return queries


def load_ingest(path):
    values = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                key, value = line.split("\t", 1)
                try:
                    values[key] = float(value)
                except ValueError:
                    values[key] = value
    return values


class Runner:
    def __init__(self, a):
        self.a = a
        self.cairn = [a.cairn, "--archive", a.archive]
        self.nm_env = dict(os.environ, NOTMUCH_CONFIG=a.notmuch_config)
        self.failures = []

    def argv(self, command, query):
        a = self.a
        if command == "cairn_count":
            return self.cairn + ["search", "--user", a.user, "--timing", "--count", query["cairn"]], None
        if command == "cairn_limit":
            return self.cairn + ["search", "--user", a.user, "--timing", "--limit", str(LIMIT), query["cairn"]], None
        if command == "cairn_stats":
            return self.cairn + ["stats"], None
        if command == "notmuch_count" and query["notmuch"]:
            return ["notmuch", "count", query["notmuch"]], self.nm_env
        if command == "notmuch_search" and query["notmuch"]:
            return ["notmuch", "search", f"--limit={LIMIT}", query["notmuch"]], self.nm_env
        if command == "mu_find" and query["mu"]:
            return ["mu", "find", f"--muhome={a.muhome}", f"--maxnum={LIMIT}", query["mu"]], None
        if command == "mu_all" and query["mu"]:
            return ["mu", "find", f"--muhome={a.muhome}", "--fields=i", query["mu"]], None
        return None, None

    def run(self, argv, env, label):
        start = time.perf_counter_ns()
        done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seconds = (time.perf_counter_ns() - start) / 1e9
        ok = done.returncode == 0
        if argv[0] == "mu" and done.returncode != 0 and b"no matches" in done.stderr.lower():
            ok = True  # mu find exits non-zero when nothing matches
        if not ok:
            self.failures.append(f"{label}: exit {done.returncode}: {done.stderr.decode(errors='replace').strip()[:300]}")
        self.last_stderr = done.stderr
        return seconds, ok, done.stdout


def search_seconds(stderr):
    """The in-process time `cairn search --timing` printed, in seconds (None without it)."""
    found = re.search(rb"search time: ([0-9.]+) ms", stderr or b"")
    return float(found.group(1)) / 1000.0 if found else None


def hits_from(command, stdout):
    text = stdout.decode("utf-8", errors="replace")
    if command in ("cairn_count", "notmuch_count"):
        return int(text.strip() or 0)
    if command == "mu_all":
        return sum(1 for line in text.splitlines() if line.strip())
    return None


def percentile_label(runs):
    return "p99" if runs >= 100 else f"max of {runs}"


def p99(values):
    values = sorted(values)
    if len(values) < 100:
        return values[-1]
    return values[min(len(values) - 1, int(round(0.99 * len(values) + 0.5)) - 1)]


# ---------------------------------------------------------------- agreement with notmuch

def normalise_id(message_id):
    message_id = (message_id or "").strip()
    if message_id.startswith("<") and message_id.endswith(">"):
        message_id = message_id[1:-1]
    return message_id


class Catalog:
    """Cairn's id -> Message-ID and source file, from `cairn list --json`."""

    def __init__(self, runner):
        a = runner.a
        out = subprocess.run(runner.cairn + ["--json", "list", "--user", a.user], stdout=subprocess.PIPE, check=True).stdout
        self.by_id = {}
        self.files_by_mid = {}
        self.mid_by_file = {}
        for m in json.loads(out)["messages"]:
            mid = normalise_id(m.get("message_id"))
            source = m.get("source") or ""
            if not mid and source and os.path.isfile(source):
                # notmuch names a message without a Message-ID by the SHA-1 of its file.
                with open(source, "rb") as f:
                    mid = "notmuch-sha1-" + hashlib.sha1(f.read()).hexdigest()
            self.by_id[m["id"]] = (mid, source)
            self.files_by_mid.setdefault(mid, set()).add(source)
            if source:
                self.mid_by_file[os.path.realpath(source)] = mid


def cairn_ids(runner, query):
    out = subprocess.run(runner.cairn + ["--json", "search", "--user", runner.a.user, "--limit", str(ALL), query["cairn"]],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if out.returncode != 0:
        runner.failures.append(f"{query['name']} cairn --json: exit {out.returncode}: {out.stderr.decode(errors='replace')[:300]}")
        return []
    return [h["id"] for h in json.loads(out.stdout)["hits"]]


def notmuch_ids(runner, query):
    out = subprocess.run(["notmuch", "search", "--format=json", "--output=messages", query["notmuch"]],
                         env=runner.nm_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if out.returncode != 0:
        runner.failures.append(f"{query['name']} notmuch ids: exit {out.returncode}: {out.stderr.decode(errors='replace')[:300]}")
        return []
    return json.loads(out.stdout or b"[]")


def notmuch_files(runner, message_id):
    out = subprocess.run(["notmuch", "search", "--output=files", "id:" + message_id], env=runner.nm_env,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return [line for line in out.stdout.decode("utf-8", errors="replace").splitlines() if line]


TERM = re.compile(r"^(?:(from|to|cc|subject|body):)?([\w.@+-]+)$", re.UNICODE)


def where_found(path, query):
    """For a one-term query: where the term occurs literally in the raw file (a hint for the reader)."""
    m = TERM.match(query["cairn"])
    if not m or not path or not os.path.isfile(path):
        return ""
    term = m.group(2).lower().encode()
    if not term.isascii():
        with open(path, "rb") as f:
            return "in the raw file as UTF-8" if term in f.read() else "not in the raw file as UTF-8 (other charset or encoded)"
    with open(path, "rb") as f:
        raw = f.read()
    split = re.search(rb"\r?\n\r?\n", raw)
    head, body = (raw[:split.start()], raw[split.end():]) if split else (raw, b"")
    places = []
    pattern = re.compile(rb"(?<![a-z0-9_])" + re.escape(term) + rb"(?![a-z0-9_])")
    substring_only = False
    for line in re.split(rb"\r?\n(?![ \t])", head):
        name, _, value = line.partition(b":")
        low = value.lower()
        if pattern.search(low):
            places.append(name.decode("ascii", errors="replace").strip().lower())
        elif term in low:
            substring_only = True
    low_body = body.lower()
    if pattern.search(low_body):
        places.append("body")
    elif term in low_body:
        substring_only = True
    if places:
        return "word in: " + ",".join(dict.fromkeys(places))
    if substring_only:
        return "only inside a longer word or identifier (e.g. with _)"
    return "not literally in the raw file"


def agreement(runner, catalog, query):
    c_ids = cairn_ids(runner, query)
    c_mids = {}
    for i in c_ids:
        mid, source = catalog.by_id.get(i, ("", ""))
        c_mids.setdefault(mid, source)
    n_list = notmuch_ids(runner, query)
    n_mids = {}
    for mid in n_list:
        if mid in catalog.files_by_mid:
            n_mids[mid] = sorted(catalog.files_by_mid[mid])[0]
            continue
        # A notmuch id Cairn does not know (a synthesised one): translate through the file.
        files = notmuch_files(runner, mid)
        translated = next((catalog.mid_by_file[os.path.realpath(f)] for f in files
                           if os.path.realpath(f) in catalog.mid_by_file), None)
        n_mids[translated or mid] = files[0] if files else ""
    C, N = set(c_mids), set(n_mids)
    both = C & N
    result = {
        "cairn_messages": len(c_ids),
        "cairn_message_ids": len(C),
        "notmuch_message_ids": len(N),
        "common": len(both),
        "common_over_notmuch": len(both) / len(N) if N else None,
        "common_over_cairn": len(both) / len(C) if C else None,
        "cairn_only_count": len(C - N),
        "notmuch_only_count": len(N - C),
        "cairn_only": [],
        "notmuch_only": [],
    }
    for side, ids, files in (("cairn_only", sorted(C - N), c_mids), ("notmuch_only", sorted(N - C), n_mids)):
        for mid in ids[:EXAMPLES]:
            path = files.get(mid, "")
            result[side].append({"message_id": mid, "file": os.path.relpath(path, runner.a.mail_root) if path else "",
                                 "hint": where_found(path, query)})
    return result


# ---------------------------------------------------------------- measuring and reporting

def measure(a):
    queries = read_queries(a.queries)
    runner = Runner(a)
    ingest = load_ingest(a.ingest)
    log = lambda text: print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)
    rows = []
    all_stats = []
    version_times = []
    for _ in range(max(a.runs, 5)):
        version_times.append(runner.run(runner.cairn + ["--version"], None, "cairn --version")[0])
    for number, query in enumerate(queries, 1):
        row = {"name": query["name"], "kind": query["kind"], "queries": {"cairn": query["cairn"],
               "notmuch": query["notmuch"], "mu": query["mu"]}, "seconds": {}, "hits": {}}
        samples = {c: [] for c in COMMANDS + ("cairn_count_search", "cairn_limit_search")}
        # Round 0 warms the caches and is not counted; then `runs` rounds, the tools taking turns.
        for round_number in range(a.runs + 1):
            for command in COMMANDS:
                argv, env = runner.argv(command, query)
                if argv is None:
                    continue
                seconds, ok, stdout = runner.run(argv, env, f"{query['name']} {command}")
                if round_number == 0:
                    if ok:
                        hits = hits_from(command, stdout)
                        if hits is not None:
                            row["hits"][command.split("_")[0]] = hits
                    continue
                if ok:
                    samples[command].append(seconds)
                    in_process = search_seconds(runner.last_stderr) if command.startswith("cairn_") else None
                    if in_process is not None:
                        samples[command + "_search"].append(in_process)
        for command, values in samples.items():
            if command == "cairn_stats":
                all_stats.extend(values)
            if values:
                row["seconds"][command] = {"median": statistics.median(values), "p99": p99(values), "all": values}
        rows.append(row)
        log(f"query {number}/{len(queries)} {query['name']}: cairn {row['hits'].get('cairn')}, "
            f"notmuch {row['hits'].get('notmuch')}, mu {row['hits'].get('mu')}")

    log("comparing hit sets with notmuch")
    catalog = Catalog(runner)
    for row, query in zip(rows, queries):
        if query["notmuch"]:
            row["agreement"] = agreement(runner, catalog, query)
    baseline = statistics.median(all_stats) if all_stats else None
    return queries, rows, ingest, baseline, all_stats, version_times, runner.failures


def fmt(value, spec="{:.3f}"):
    return "-" if value is None else spec.format(value)


def ms(value):
    return "-" if value is None else f"{value * 1000:.0f}"


def med_of(row, command, key="median"):
    s = row["seconds"].get(command)
    return s[key] if s else None


def report(a, queries, rows, ingest, baseline, stats_all, version_times, failures):
    runs = a.runs
    plabel = percentile_label(runs)
    out = []
    p = out.append

    # --- ingest
    messages = ingest.get("messages")
    raw = ingest.get("raw_bytes")
    def rate(seconds):
        return messages / seconds if seconds and messages else None
    cairn_rate = rate(ingest.get("cairn_seconds"))
    mu_rate = rate(ingest.get("mu_seconds"))
    nm_rate = rate(ingest.get("notmuch_seconds"))
    index_bytes = ingest.get("index_bytes")
    archive_raw = ingest.get("archive_raw_bytes") or raw
    ingest_doc = {
        "messages": int(messages) if messages else None,
        "raw_bytes": int(raw) if raw else None,
        "cairn_import_seconds": ingest.get("cairn_seconds"),
        "cairn_messages_per_s": cairn_rate,
        "cairn_messages_stored": ingest.get("cairn_messages"),
        "cairn_index_bytes": index_bytes,
        "cairn_index_pct_of_raw": 100.0 * index_bytes / archive_raw if index_bytes and archive_raw else None,
        "cairn_total_stored_pct_of_raw": 100.0 * ingest["stored_total_bytes"] / archive_raw
        if ingest.get("stored_total_bytes") and archive_raw else None,
        "mu_index_seconds": ingest.get("mu_seconds"),
        "mu_messages_per_s": mu_rate,
        "mu_messages": ingest.get("mu_messages"),
        "mu_db_bytes": ingest.get("mu_db_bytes"),
        "notmuch_new_seconds": ingest.get("notmuch_seconds"),
        "notmuch_messages_per_s": nm_rate,
        "notmuch_messages": ingest.get("notmuch_messages"),
        "notmuch_db_bytes": ingest.get("notmuch_db_bytes"),
        "ratio_cairn_mu": cairn_rate / mu_rate if cairn_rate and mu_rate else None,
        "ratio_cairn_notmuch": cairn_rate / nm_rate if cairn_rate and nm_rate else None,
    }
    for tool in ("mu", "notmuch"):
        b = ingest_doc[f"{tool}_db_bytes"]
        ingest_doc[f"{tool}_db_pct_of_raw"] = 100.0 * b / raw if b and raw else None

    p(f"Ingest of both sets ({fmt(messages, '{:,.0f}')} message files, {fmt(raw / 1e6 if raw else None, '{:.1f}')} MB), one run each:")
    p(f"  cairn import (with indexing)  {fmt(ingest_doc['cairn_import_seconds'], '{:8.1f}')} s  "
      f"{fmt(cairn_rate, '{:7,.0f}')} msg/s   index {fmt(index_bytes / 1e6 if index_bytes else None, '{:.1f}')} MB = "
      f"{fmt(ingest_doc['cairn_index_pct_of_raw'], '{:.1f}')}% of raw (all stored bytes: "
      f"{fmt(ingest_doc['cairn_total_stored_pct_of_raw'], '{:.1f}')}%)")
    p(f"  mu index                      {fmt(ingest_doc['mu_index_seconds'], '{:8.1f}')} s  "
      f"{fmt(mu_rate, '{:7,.0f}')} msg/s   database {fmt(ingest_doc['mu_db_pct_of_raw'], '{:.1f}')}% of raw")
    p(f"  notmuch new                   {fmt(ingest_doc['notmuch_new_seconds'], '{:8.1f}')} s  "
      f"{fmt(nm_rate, '{:7,.0f}')} msg/s   database {fmt(ingest_doc['notmuch_db_pct_of_raw'], '{:.1f}')}% of raw")
    p(f"  cairn/mu {fmt(ingest_doc['ratio_cairn_mu'], '{:.1f}x')}, cairn/notmuch {fmt(ingest_doc['ratio_cairn_notmuch'], '{:.1f}x')} (messages/s)")
    p("")

    # --- latency table
    p(f"Latency per query, whole process, warm cache; median and {plabel} over {runs} runs, in ms. "
      f"srch cnt / srch l50 = cairn's own in-process search time (`search --timing`: the index query and the "
      f"hits' details, without process start, unlocking and the index check).")
    header = ["query", "hits cairn", "notmuch", "mu", "count med", plabel, "lim50 med", plabel,
              "srch cnt", "srch l50", "nm count", "nm search", "mu find50", "mu all|wc"]
    table = []
    for row in rows:
        h = row["hits"]
        cc, cl = med_of(row, "cairn_count"), med_of(row, "cairn_limit")
        table.append([row["name"], fmt(h.get("cairn"), "{:,}"), fmt(h.get("notmuch"), "{:,}"), fmt(h.get("mu"), "{:,}"),
                      ms(cc), ms(med_of(row, "cairn_count", "p99")), ms(cl), ms(med_of(row, "cairn_limit", "p99")),
                      ms(med_of(row, "cairn_count_search")), ms(med_of(row, "cairn_limit_search")),
                      ms(med_of(row, "notmuch_count")), ms(med_of(row, "notmuch_search")),
                      ms(med_of(row, "mu_find")), ms(med_of(row, "mu_all"))])
    widths = [max(len(r[i]) for r in [header] + table) for i in range(len(header))]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    p(line(header))
    p(line(["-" * w for w in widths]))
    for r in table:
        p(line(r))
    p("")
    p("Columns: cairn `search --count` (count) and `search --limit 50` (lim50, text output with snippets); "
      "nm count = `notmuch count`; nm search = `notmuch search --limit=50` (threads, the default output); "
      "mu find50 = `mu find --maxnum=50`; mu all|wc = `mu find --fields=i` of every hit, counted "
      "(mu has no count mode; its hit count comes from this). '-' = no equivalent query.")
    p("")

    # --- summary
    def summary_of(command):
        values = [med_of(r, command) for r in rows if med_of(r, command) is not None]
        return (statistics.median(values), len(values)) if values else (None, 0)
    summary = {}
    for command in ("cairn_count", "cairn_limit", "cairn_count_search", "cairn_limit_search", "notmuch_count",
                    "notmuch_search", "mu_find", "mu_all"):
        value, n = summary_of(command)
        summary[command] = {"median_of_medians_s": value, "queries": n}
        if value is not None and baseline is not None and command in ("cairn_count", "cairn_limit"):
            summary[command]["minus_baseline_s"] = value - baseline
    # Like-for-like: only the queries every tool answers.
    common = [r for r in rows if all(med_of(r, c) is not None for c in ("cairn_count", "notmuch_count", "mu_find"))]
    summary["common_queries"] = len(common)
    for command in ("cairn_count", "cairn_limit", "cairn_count_search", "cairn_limit_search", "notmuch_count",
                    "notmuch_search", "mu_find", "mu_all"):
        values = [med_of(r, command) for r in common if med_of(r, command) is not None]
        summary[command]["median_over_common_s"] = statistics.median(values) if values else None

    p(f"Summary (median over queries of the per-query medians; 'common' = the {len(common)} queries all three tools answer):")
    p(f"  cairn process baseline: `cairn stats` median {ms(baseline)} ms (over {len(stats_all)} runs, one per query round); "
      f"`cairn --version` {ms(statistics.median(version_times))} ms (`cairn` hands it to cairn-full: both programs' start)")
    labels = {"cairn_count": "cairn search --count", "cairn_limit": "cairn search --limit 50",
              "cairn_count_search": "  in-process (--timing)", "cairn_limit_search": "  in-process (--timing)",
              "notmuch_count": "notmuch count", "notmuch_search": "notmuch search --limit=50",
              "mu_find": "mu find --maxnum=50", "mu_all": "mu find (all) | wc -l"}
    for command, label in labels.items():
        s = summary[command]
        extra = f", minus baseline {ms(s.get('minus_baseline_s'))} ms" if "minus_baseline_s" in s else ""
        p(f"  {label:28s} all {ms(s['median_of_medians_s']):>6} ms ({s['queries']} queries), "
          f"common {ms(s['median_over_common_s']):>6} ms{extra}")
    p("")

    # --- agreement
    agree_rows = [r for r in rows if "agreement" in r]
    p("Agreement with notmuch, by Message-ID: |C∩N|/|N| (Cairn finds what notmuch finds) and |C∩N|/|C|. "
      f"Quoted kinds: {', '.join(AGREEMENT_KINDS)}; the others are for information.")
    aheader = ["query", "C msgs", "C ids", "N ids", "common", "C∩N/N", "C∩N/C", "C only", "N only"]
    atable = []
    for r in agree_rows:
        g = r["agreement"]
        pct = lambda v: "-" if v is None else f"{100 * v:.1f}%"
        atable.append([("* " if r["kind"] in AGREEMENT_KINDS else "  ") + r["name"], f"{g['cairn_messages']:,}",
                       f"{g['cairn_message_ids']:,}", f"{g['notmuch_message_ids']:,}", f"{g['common']:,}",
                       pct(g["common_over_notmuch"]), pct(g["common_over_cairn"]),
                       f"{g['cairn_only_count']:,}", f"{g['notmuch_only_count']:,}"])
    widths = [max(len(r[i]) for r in [aheader] + atable) for i in range(len(aheader))]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    p(line(aheader))
    p(line(["-" * w for w in widths]))
    for r in atable:
        p(line(r))
    p("")
    quoted = [r["agreement"] for r in agree_rows if r["kind"] in AGREEMENT_KINDS]
    exact = sum(1 for g in quoted if g["cairn_only_count"] == 0 and g["notmuch_only_count"] == 0)
    recall = [g["common_over_notmuch"] for g in quoted if g["common_over_notmuch"] is not None]
    precision = [g["common_over_cairn"] for g in quoted if g["common_over_cairn"] is not None]
    agreement_summary = {
        "quoted_queries": len(quoted),
        "identical": exact,
        "median_common_over_notmuch": statistics.median(recall) if recall else None,
        "min_common_over_notmuch": min(recall) if recall else None,
        "median_common_over_cairn": statistics.median(precision) if precision else None,
        "min_common_over_cairn": min(precision) if precision else None,
    }
    p(f"  word/from queries: {exact} of {len(quoted)} identical; C∩N/N median "
      f"{fmt(agreement_summary['median_common_over_notmuch'] and 100 * agreement_summary['median_common_over_notmuch'], '{:.1f}%')}, "
      f"min {fmt(agreement_summary['min_common_over_notmuch'] and 100 * agreement_summary['min_common_over_notmuch'], '{:.1f}%')}; "
      f"C∩N/C median {fmt(agreement_summary['median_common_over_cairn'] and 100 * agreement_summary['median_common_over_cairn'], '{:.1f}%')}, "
      f"min {fmt(agreement_summary['min_common_over_cairn'] and 100 * agreement_summary['min_common_over_cairn'], '{:.1f}%')}")
    p("")
    p(f"Differences (up to {EXAMPLES} Message-IDs each side; file relative to the mail root; hint = where the "
      "query's word occurs literally in the raw file, for one-word queries):")
    for r in agree_rows:
        g = r["agreement"]
        if not g["cairn_only"] and not g["notmuch_only"]:
            continue
        p(f"  {r['name']}  cairn '{r['queries']['cairn']}' / notmuch '{r['queries']['notmuch']}':")
        for side, label in (("cairn_only", "only cairn"), ("notmuch_only", "only notmuch")):
            count = g[f"{side}_count"]
            if not count:
                continue
            p(f"    {label} ({count:,}):")
            for e in g[side]:
                p(f"      {e['message_id']}  {e['file']}" + (f"  [{e['hint']}]" if e["hint"] else ""))
    if failures:
        p("")
        p("Commands that failed (their timings are left out):")
        for f in failures[:40]:
            p("  " + f)
    print("\n".join(out))

    if a.json:
        document = {
            "benchmark": "search",
            "environment": {
                "cairn_binary": os.environ.get("BENCH_CAIRN_BINARY"),
                "cairn_sha256": os.environ.get("BENCH_CAIRN_SHA256"),
                "cairn_version": os.environ.get("BENCH_CAIRN_VERSION"),
                "cairn_key_cache": os.environ.get("CAIRN_KEY_CACHE", "on") not in ("0", "off"),
                "tools": os.environ.get("BENCH_TOOLS"),
                "host": os.environ.get("BENCH_HOST"),
                "runs": runs,
                "percentile": plabel,
            },
            "ingest": ingest_doc,
            "baseline": {"cairn_stats_median_s": baseline, "cairn_stats_all_s": stats_all,
                         "cairn_version_median_s": statistics.median(version_times)},
            "queries": rows,
            "summary": summary,
            "agreement": agreement_summary,
            "failures": failures,
        }
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2, ensure_ascii=False)
            f.write("\n")
        print(f"\nJSON written to {a.json}")


def main(argv):
    if len(argv) >= 3 and argv[1] == "check-queries":
        print(len(read_queries(argv[2])))
        return 0
    if len(argv) >= 2 and argv[1] == "run":
        parser = argparse.ArgumentParser(prog="search_bench.py run")
        for option in ("--queries", "--work", "--ingest", "--cairn", "--archive", "--user", "--notmuch-config",
                       "--muhome", "--mail-root"):
            parser.add_argument(option, required=True)
        parser.add_argument("--runs", type=int, required=True)
        parser.add_argument("--json")
        a = parser.parse_args(argv[2:])
        report(a, *measure(a))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
