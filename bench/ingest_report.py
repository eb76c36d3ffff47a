#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helper for bench/ingest.sh.

  ingest_report.py count DIR                 print "<messages> <bytes>" of a maildir (files under cur/ and new/)
  ingest_report.py get FILE KEY[.KEY...]     print one value from a JSON document (e.g. stored_bytes.packs)
  ingest_report.py mu-count MUHOME           print "messages in store" from `mu info`
  ingest_report.py report RESULTS.tsv [--json OUT]
                                             print the summary table (and write it as JSON)

RESULTS.tsv has one measurement per line: set <TAB> metric <TAB> value.
Metrics seen several times (one per run) are summarised by their median.
"""
import json
import os
import statistics
import subprocess
import sys

# Targets from the issue.  Storage target is per set; sets not listed have none.
STORAGE_TARGET_PCT = {"linux-mips": 30.0, "openbmc": 45.0}
SECOND_USER_TARGET_PCT = 3.0
MU_RATE_TARGET = 2.0

MB = 1_000_000.0


def count(directory):
    messages = 0
    total = 0
    for sub in ("cur", "new"):
        root = os.path.join(directory, sub)
        if not os.path.isdir(root):
            continue
        for dirpath, _, files in os.walk(root):
            for name in files:
                if name.startswith("."):
                    continue
                messages += 1
                total += os.path.getsize(os.path.join(dirpath, name))
    print(messages, total)


def get(path, key):
    with open(path, encoding="utf-8") as f:
        value = json.load(f)
    for part in key.split("."):
        value = value[part]
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, list):
        value = len(value)
    print(value)


def mu_count(muhome):
    out = subprocess.run(["mu", "info", f"--muhome={muhome}", "--nocolor"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if "messages in store" in line:
            digits = [c for c in line.split("messages in store", 1)[1] if c.isdigit()]
            if digits:
                print("".join(digits))
                return
    print("")


def load(path):
    data = {}
    order = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            name, metric, value = line.split("\t")
            if name not in data:
                data[name] = {}
                order.append(name)
            data[name].setdefault(metric, []).append(float(value) if value != "" else None)
    return order, data


def median(values):
    values = [v for v in (values or []) if v is not None]
    return statistics.median(values) if values else None


def summarise(name, m):
    def med(metric):
        return median(m.get(metric))

    messages = med("messages")
    raw_bytes = med("raw_bytes")
    row = {
        "set": name,
        "messages": int(messages) if messages is not None else None,
        "raw_bytes": int(raw_bytes) if raw_bytes is not None else None,
        "raw_mb": raw_bytes / MB if raw_bytes else None,
        "runs": len(m.get("cairn_seconds", [])),
    }

    def rate(seconds):
        if seconds and messages:
            return messages / seconds
        return None

    cs = med("cairn_seconds")
    row["cairn"] = {
        "seconds_median": cs,
        "seconds_all": m.get("cairn_seconds", []),
        "messages_per_s": rate(cs),
        "mb_per_s": raw_bytes / MB / cs if cs and raw_bytes else None,
        "peak_rss_mb": (max(v for v in m["cairn_rss_kb"] if v is not None) / 1024.0) if m.get("cairn_rss_kb") else None,
        "peak_rss_mb_median": med("cairn_rss_kb") / 1024.0 if med("cairn_rss_kb") is not None else None,
        "messages_archived": med("cairn_messages"),
        "failures": med("cairn_failures"),
        "packs_bytes": med("packs_bytes"),
        "catalog_bytes": med("catalog_bytes"),
        "index_bytes": med("index_bytes"),
        "archive_raw_bytes": med("archive_raw_bytes"),
    }
    archive_raw = row["cairn"]["archive_raw_bytes"] or raw_bytes
    pc = med("packs_catalog_bytes")
    row["cairn"]["packs_catalog_pct_of_raw"] = 100.0 * pc / archive_raw if pc is not None and archive_raw else None
    added = med("second_user_added_bytes")
    row["cairn"]["second_user_added_bytes"] = added
    row["cairn"]["second_user_added_pct_of_raw"] = 100.0 * added / archive_raw if added is not None and archive_raw else None
    row["cairn"]["second_user_seconds"] = med("second_user_seconds")
    row["cairn"]["rerun_seconds"] = med("rerun_seconds")
    row["cairn"]["rerun_added_bytes"] = med("rerun_added_bytes")
    row["cairn"]["rerun_files_unchanged"] = med("rerun_files_unchanged")

    for tool in ("mu", "notmuch"):
        s = med(f"{tool}_seconds")
        if s is None:
            row[tool] = None
            continue
        row[tool] = {
            "seconds_median": s,
            "seconds_all": m.get(f"{tool}_seconds", []),
            "messages_per_s": rate(s),
            "peak_rss_mb": (max(v for v in m[f"{tool}_rss_kb"] if v is not None) / 1024.0) if m.get(f"{tool}_rss_kb") else None,
            "messages_indexed": med(f"{tool}_messages"),
        }

    cr = row["cairn"]["messages_per_s"]
    row["ratio_cairn_mu"] = cr / row["mu"]["messages_per_s"] if cr and row["mu"] else None
    row["ratio_cairn_notmuch"] = cr / row["notmuch"]["messages_per_s"] if cr and row["notmuch"] else None

    storage_target = STORAGE_TARGET_PCT.get(name)
    pct = row["cairn"]["packs_catalog_pct_of_raw"]
    sec = row["cairn"]["second_user_added_pct_of_raw"]
    row["targets"] = {
        "ingest_vs_mu": {"target": f">= {MU_RATE_TARGET:g}x mu messages/s",
                         "pass": None if row["ratio_cairn_mu"] is None else row["ratio_cairn_mu"] >= MU_RATE_TARGET},
        "packs_catalog": {"target": f"<= {storage_target:g}% of raw" if storage_target else None,
                          "pass": None if storage_target is None or pct is None else pct <= storage_target},
        "second_user": {"target": f"< {SECOND_USER_TARGET_PCT:g}% of raw",
                        "pass": None if sec is None else sec < SECOND_USER_TARGET_PCT},
        "peak_memory": {"target": "bounded (must not grow with the corpus; judged by reading)", "pass": None},
    }
    return row


def fmt(value, spec="{:.2f}"):
    if value is None:
        return "n/a"
    return spec.format(value)


def verdict(ok):
    return "" if ok is None else (" PASS" if ok else " FAIL")


def report(path, json_out):
    order, data = load(path)
    rows = [summarise(name, data[name]) for name in order]

    lines = []
    header = ["metric"] + [r["set"] for r in rows] + ["target"]
    table = []

    def add(label, values, target=""):
        table.append([label] + values + [target])

    add("messages", [fmt(r["messages"], "{:,}") for r in rows])
    add("raw MB", [fmt(r["raw_mb"], "{:.1f}") for r in rows])
    add("runs", [str(r["runs"]) for r in rows])
    add("cairn import, median s", [fmt(r["cairn"]["seconds_median"]) for r in rows])
    add("cairn messages/s", [fmt(r["cairn"]["messages_per_s"], "{:,.0f}") for r in rows])
    add("cairn MB/s", [fmt(r["cairn"]["mb_per_s"], "{:.1f}") for r in rows])
    add("cairn peak RSS MB (max of runs)", [fmt(r["cairn"]["peak_rss_mb"], "{:.0f}") for r in rows],
        "bounded")
    add("(packs+catalog)/raw %",
        [fmt(r["cairn"]["packs_catalog_pct_of_raw"], "{:.1f}") + verdict(r["targets"]["packs_catalog"]["pass"])
         for r in rows],
        "; ".join(f"{k} <= {v:g}%" for k, v in STORAGE_TARGET_PCT.items()))
    add("second user: added % of raw",
        [fmt(r["cairn"]["second_user_added_pct_of_raw"], "{:.2f}") + verdict(r["targets"]["second_user"]["pass"])
         for r in rows],
        f"< {SECOND_USER_TARGET_PCT:g}%")
    add("second user import s", [fmt(r["cairn"]["second_user_seconds"]) for r in rows])
    add("unchanged re-run s", [fmt(r["cairn"]["rerun_seconds"]) for r in rows])
    add("mu index, median s", [fmt(r["mu"]["seconds_median"] if r["mu"] else None) for r in rows])
    add("mu messages/s", [fmt(r["mu"]["messages_per_s"] if r["mu"] else None, "{:,.0f}") for r in rows])
    add("notmuch new, median s", [fmt(r["notmuch"]["seconds_median"] if r["notmuch"] else None) for r in rows])
    add("notmuch messages/s", [fmt(r["notmuch"]["messages_per_s"] if r["notmuch"] else None, "{:,.0f}") for r in rows])
    add("cairn/mu (messages/s)",
        [fmt(r["ratio_cairn_mu"], "{:.1f}x") + verdict(r["targets"]["ingest_vs_mu"]["pass"]) for r in rows],
        f">= {MU_RATE_TARGET:g}x")
    add("cairn/notmuch (messages/s)", [fmt(r["ratio_cairn_notmuch"], "{:.1f}x") for r in rows])

    widths = [max(len(str(row[i])) for row in [header] + table) for i in range(len(header))]
    def line(cells):
        return "  ".join(str(c).ljust(w) if i == 0 or i == len(cells) - 1 else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    lines.append(line(header))
    lines.append(line(["-" * w for w in widths]))
    lines.extend(line(row) for row in table)
    print("\n".join(lines))

    notes = []
    for r in rows:
        c = r["cairn"]
        if c["messages_archived"] is not None and r["messages"] is not None and int(c["messages_archived"]) != r["messages"]:
            notes.append(f"{r['set']}: cairn archived {int(c['messages_archived'])} of {r['messages']} message files")
        if c["failures"]:
            notes.append(f"{r['set']}: cairn reported {int(c['failures'])} failed items")
        for tool in ("mu", "notmuch"):
            t = r[tool]
            if t and t["messages_indexed"] is not None and r["messages"] is not None and int(t["messages_indexed"]) != r["messages"]:
                notes.append(f"{r['set']}: {tool} indexed {int(t['messages_indexed'])} of {r['messages']} message files"
                         + (" (notmuch keeps one entry per Message-ID)" if tool == "notmuch" else ""))
        if c["rerun_added_bytes"]:
            notes.append(f"{r['set']}: the unchanged re-run added {int(c['rerun_added_bytes'])} bytes")
    if notes:
        print()
        print("Notes:")
        for n in notes:
            print("  - " + n)

    if json_out:
        document = {
            "benchmark": "ingest",
            "environment": {
                "cairn_binary": os.environ.get("BENCH_CAIRN_BINARY"),
                "cairn_sha256": os.environ.get("BENCH_CAIRN_SHA256"),
                "cairn_version": os.environ.get("BENCH_CAIRN_VERSION"),
                "tools": os.environ.get("BENCH_TOOLS"),
                "host": os.environ.get("BENCH_HOST"),
                "runs": int(os.environ["BENCH_RUNS"]) if os.environ.get("BENCH_RUNS") else None,
            },
            "targets": {
                "ingest_vs_mu_rate": MU_RATE_TARGET,
                "packs_catalog_pct_of_raw": STORAGE_TARGET_PCT,
                "second_user_added_pct_of_raw": SECOND_USER_TARGET_PCT,
                "peak_memory": "bounded",
            },
            "sets": rows,
            "notes": notes,
        }
        with open(json_out, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2)
            f.write("\n")


def main(argv):
    if len(argv) >= 3 and argv[1] == "count":
        count(argv[2])
    elif len(argv) >= 4 and argv[1] == "get":
        get(argv[2], argv[3])
    elif len(argv) >= 3 and argv[1] == "mu-count":
        mu_count(argv[2])
    elif len(argv) >= 3 and argv[1] == "report":
        json_out = None
        if len(argv) >= 5 and argv[3] == "--json":
            json_out = argv[4]
        report(argv[2], json_out)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
