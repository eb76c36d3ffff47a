#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/search.sh: search benchmark of Cairn against notmuch and mu on the bulk maildir corpora.
#
# Usage: bench/search.sh [options] [CAIRN_BINARY]
#   CAIRN_BINARY        default: build/app/cli/cairn (relative to the repository); cairn-extract-worker
#                       must be beside it
#   --runs N            timed runs per query and command; medians are quoted (default 5)
#   --queries TSV       the query set (default: bench/search_queries.tsv)
#   --json FILE         also write everything (ingest, latencies, agreement) as JSON to FILE
#   --corpus DIR        corpus directory (default: $CAIRN_CORPUS, else ../shared/corpus next to the repository)
#   --key-cache         let cairn keep the unlocked key in the kernel keyring between commands (off by default:
#                       every command pays the passphrase key derivation, and nothing outside the temporary
#                       directory is touched)
#   --keep              keep the temporary directory (archive, databases, logs) and print its path
#   -h, --help          this help
#
# Needs: zstd, GNU tar, python3, /usr/bin/time (Debian package `time`), mu (maildir-utils), notmuch.
# Touches nothing outside a temporary directory (under $TMPDIR, default /tmp). No network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
helper="$here/search_bench.py"
ingest_helper="$here/ingest_report.py"

usage() { sed -n '3,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "search.sh: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

runs=5
json_out=""
queries="$here/search_queries.tsv"
corpus="${CAIRN_CORPUS:-$repo/../shared/corpus}"
key_cache=0
keep=0
cairn=""
sets=(linux-mips openbmc)
user="bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) [ $# -ge 2 ] || die "--runs needs a value"; runs="$2"; shift 2 ;;
    --runs=*) runs="${1#*=}"; shift ;;
    --queries) [ $# -ge 2 ] || die "--queries needs a file"; queries="$2"; shift 2 ;;
    --queries=*) queries="${1#*=}"; shift ;;
    --json) [ $# -ge 2 ] || die "--json needs a file"; json_out="$2"; shift 2 ;;
    --json=*) json_out="${1#*=}"; shift ;;
    --corpus) [ $# -ge 2 ] || die "--corpus needs a directory"; corpus="$2"; shift 2 ;;
    --corpus=*) corpus="${1#*=}"; shift ;;
    --key-cache) key_cache=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$cairn" ] || die "only one cairn binary may be given"; cairn="$1"; shift ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, not '$runs'"
[ -n "$cairn" ] || cairn="$repo/build/app/cli/cairn"
cairn="$(realpath -m -- "$cairn")"
[ -x "$cairn" ] || die "no cairn binary at $cairn (build it: cmake --build build --target cairn cairn-extract-worker, or pass its path)"
worker="$(dirname "$cairn")/cairn-extract-worker"
[ -x "$worker" ] || die "no cairn-extract-worker beside $cairn (build the target cairn-extract-worker)"
[ -x "$(dirname "$cairn")/cairn-full" ] || die "no cairn-full beside $cairn (build the target cairn)"
[ -f "$queries" ] || die "no query set at $queries"
queries="$(realpath -- "$queries")"
if [ -n "$json_out" ]; then
  json_out="$(realpath -m -- "$json_out")"
  [ -d "$(dirname "$json_out")" ] || die "directory of --json file does not exist: $(dirname "$json_out")"
fi

# Tools.
missing=()
for tool in zstd tar python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (Debian package: time)")
command -v mu >/dev/null || missing+=("mu (Debian package: maildir-utils)")
command -v notmuch >/dev/null || missing+=("notmuch (Debian package: notmuch)")
[ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]}"
query_count="$(python3 "$helper" check-queries "$queries")" || die "the query set $queries is not valid"

# Corpus.
if [ ! -d "$corpus" ]; then
  echo "search.sh: corpus not found at $corpus" >&2
  echo "search.sh: set CAIRN_CORPUS or pass --corpus DIR (it must hold linux-mips/linux-mips.maildir.tar.zst and openbmc/openbmc.maildir.tar.zst)" >&2
  exit 2
fi
corpus="$(cd "$corpus" && pwd)"
for s in "${sets[@]}"; do
  [ -f "$corpus/$s/$s.maildir.tar.zst" ] || {
    echo "search.sh: corpus set missing: $corpus/$s/$s.maildir.tar.zst" >&2
    echo "search.sh: set CAIRN_CORPUS or pass --corpus DIR" >&2
    exit 2
  }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/cairn-search-bench.XXXXXX")"
cleanup() {
  local rc=$?
  if [ "$keep" -eq 1 ]; then
    echo "search.sh: kept $work" >&2
  else
    rm -rf -- "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
results="$work/ingest.tsv"
: >"$results"
mkdir -p "$work/logs"

record() { printf '%s\t%s\n' "$1" "$2" >>"$results"; }

# Isolate the tools from the caller's configuration.
export CAIRN_PASSPHRASE="cairn-search-benchmark"
if [ "$key_cache" -eq 1 ]; then export CAIRN_KEY_CACHE=1; else export CAIRN_KEY_CACHE=0; fi
unset CAIRN_ARCHIVE NOTMUCH_PROFILE NOTMUCH_DATABASE NOTMUCH_CONFIG MAILDIR MU_HOME || true
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
  XDG_CACHE_HOME="$work/home/.cache"
export TZ=UTC   # Cairn's dates are UTC; notmuch and mu read date: in local time
mkdir -p "$HOME"

# timed LABEL CMD...: runs CMD with stdout/stderr in $work/logs/LABEL.{out,err}; sets $elapsed (seconds, ns clock)
# and $rss_kb (peak resident set from GNU time); returns CMD's exit code.
timed() {
  local label="$1"; shift
  local start end rc=0
  start=$(date +%s%N)
  /usr/bin/time -o "$work/logs/$label.time" -f '%M' "$@" >"$work/logs/$label.out" 2>"$work/logs/$label.err" || rc=$?
  end=$(date +%s%N)
  elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  rss_kb=$(tail -n 1 "$work/logs/$label.time" | tr -dc '0-9')
  return "$rc"
}

# fail LABEL MESSAGE: stop with the tail of the command's log.
fail() {
  echo "search.sh: $2" >&2
  for f in "$work/logs/$1.err" "$work/logs/$1.out"; do
    [ -s "$f" ] && { echo "--- $f (last lines)" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

get() { python3 "$ingest_helper" get "$@"; }

# Snapshot the binaries side by side (cairn finds cairn-full and cairn-extract-worker beside itself): the build tree may be
# rebuilt while the benchmark runs, and every command must use the same binaries.
mkdir -p "$work/bin"
cp -- "$cairn" "$work/bin/cairn"
cp -- "$worker" "$work/bin/cairn-extract-worker"
cp -- "$(dirname "$cairn")/cairn-full" "$work/bin/cairn-full"
cairn_source="$cairn"
cairn="$work/bin/cairn"
export BENCH_CAIRN_BINARY="$cairn_source"
BENCH_CAIRN_SHA256="$(sha256sum "$cairn" | cut -d' ' -f1)"
BENCH_CAIRN_VERSION="$("$cairn" --version 2>/dev/null | head -n 1 || echo '?')"
BENCH_TOOLS="mu $(mu --version 2>/dev/null | head -n 1 | grep -o '[0-9][0-9.]*' | head -n 1 || echo '?'); $(notmuch --version 2>/dev/null || echo 'notmuch ?')"
BENCH_HOST="$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
export BENCH_CAIRN_SHA256 BENCH_CAIRN_VERSION BENCH_TOOLS BENCH_HOST BENCH_RUNS="$runs"
log "cairn:   $cairn_source ($BENCH_CAIRN_VERSION, sha256 ${BENCH_CAIRN_SHA256:0:16}..., copied for the run; key cache $([ "$key_cache" -eq 1 ] && echo on || echo off))"
log "mu:      $(mu --version 2>/dev/null | head -n 1)"
log "notmuch: $(notmuch --version)"
log "corpus:  $corpus; runs: $runs; queries: $query_count from $queries; work dir: $work"

# --- The mail: both sets under one root, which every tool reads.
mail="$work/mail"
mkdir -p "$mail"
messages=0
raw_bytes=0
for s in "${sets[@]}"; do
  log "$s: unpacking"
  zstd -dc -- "$corpus/$s/$s.maildir.tar.zst" | tar -x -C "$mail"
  [ -d "$mail/$s/cur" ] || [ -d "$mail/$s/new" ] || die "$s: the archive did not unpack to a maildir at $mail/$s"
  mkdir -p "$mail/$s/cur" "$mail/$s/new" "$mail/$s/tmp"   # mu wants all three
  read -r m b < <(python3 "$ingest_helper" count "$mail/$s")
  log "$s: $m messages, $b bytes"
  messages=$((messages + m))
  raw_bytes=$((raw_bytes + b))
done
record messages "$messages"
record raw_bytes "$raw_bytes"
# Warm the page cache so every tool reads the same, cached files.
find "$mail" -type f -exec cat {} + >/dev/null

# --- Cairn: one archive, one user, both maildirs in one import (folders linux-mips and openbmc).
archive="$work/archive"
"$cairn" --archive "$archive" init >"$work/logs/init.log" 2>&1 || fail init "cairn init failed"
log "cairn: importing $messages messages (with indexing)"
rc=0
timed cairn-import "$cairn" --archive "$archive" --quiet --json import --user "$user" "$mail" || rc=$?
[ "$rc" -le 1 ] || fail cairn-import "cairn import failed (exit $rc)"
record cairn_seconds "$elapsed"
record cairn_rss_kb "$rss_kb"
record cairn_messages "$(get "$work/logs/cairn-import.out" messages_stored)"
"$cairn" --archive "$archive" --json stats >"$work/logs/stats.json" 2>"$work/logs/stats.err" || fail stats "cairn stats failed"
record index_bytes "$(get "$work/logs/stats.json" stored_bytes.index)"
record stored_total_bytes "$(get "$work/logs/stats.json" stored_bytes.total)"
record archive_raw_bytes "$(get "$work/logs/stats.json" raw_bytes)"
log "cairn: import ${elapsed}s, index $(( $(get "$work/logs/stats.json" stored_bytes.index) / 1000000 )) MB"

# --- notmuch: mail_root is the directory holding both maildirs, the database is outside it.
nm="$work/notmuch"
mkdir -p "$nm/db"
cat >"$nm/config" <<EOF
[database]
mail_root=$mail
path=$nm/db

[user]
name=Cairn Benchmark
primary_email=bench@example.invalid

[new]
tags=unread;inbox;
ignore=

[search]
exclude_tags=

[maildir]
synchronize_flags=true
EOF
log "notmuch: indexing"
NOTMUCH_CONFIG="$nm/config" timed notmuch-new notmuch new --quiet || fail notmuch-new "notmuch new failed"
record notmuch_seconds "$elapsed"
record notmuch_rss_kb "$rss_kb"
record notmuch_messages "$(NOTMUCH_CONFIG="$nm/config" notmuch count '*' 2>/dev/null || true)"
record notmuch_db_bytes "$(du -sb "$nm/db" | cut -f1)"
log "notmuch: new ${elapsed}s"

# --- mu: mu init on the root (not timed), then the timed mu index.
muhome="$work/mu"
mkdir -p "$muhome"
mu init --quiet --maildir="$mail" --muhome="$muhome" >"$work/logs/mu-init.log" 2>&1 || fail mu-init "mu init failed"
log "mu: indexing"
timed mu-index mu index --quiet --muhome="$muhome" || fail mu-index "mu index failed"
record mu_seconds "$elapsed"
record mu_rss_kb "$rss_kb"
record mu_messages "$(python3 "$ingest_helper" mu-count "$muhome")"
record mu_db_bytes "$(du -sb "$muhome" | cut -f1)"
log "mu: index ${elapsed}s"

# --- Queries: latency, hit counts, agreement with notmuch.
log "queries: $query_count x $runs runs (plus one warm-up run) per command"
echo
echo "Cairn search benchmark: $runs run(s) per query and command; $BENCH_HOST; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cairn: $cairn_source ($BENCH_CAIRN_VERSION, sha256 $BENCH_CAIRN_SHA256; key cache $([ "$key_cache" -eq 1 ] && echo on || echo off))"
echo "tools: $BENCH_TOOLS"
echo
python3 "$helper" run --queries "$queries" --runs "$runs" --work "$work" --ingest "$results" \
  --cairn "$cairn" --archive "$archive" --user "$user" --notmuch-config "$nm/config" --muhome "$muhome" \
  --mail-root "$mail" ${json_out:+--json "$json_out"}
