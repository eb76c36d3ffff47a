#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/ingest.sh: ingest benchmark of Cairn against mu and notmuch on the bulk maildir corpora.
#
# Usage: bench/ingest.sh [options] [CAIRN_BINARY]
#   CAIRN_BINARY        default: build/app/cli/cairn (relative to the repository)
#   --runs N            runs per tool and set; medians are quoted (default 3)
#   --json FILE         also write the summary table as JSON to FILE
#   --corpus DIR        corpus directory (default: $CAIRN_CORPUS, else ../shared/corpus next to the repository)
#   --sets A,B          sets to run (default: linux-mips,openbmc)
#   --no-compare        skip mu and notmuch (Cairn figures only)
#   --keep              keep the temporary directory (raw measurements, logs, archives) and print its path
#   -h, --help          this help
#
# Needs: zstd, GNU tar, python3, /usr/bin/time (Debian package `time`), mu (maildir-utils), notmuch.
# Touches nothing outside a temporary directory (under $TMPDIR, default /tmp). No network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
helper="$here/ingest_report.py"

usage() { sed -n '3,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "ingest.sh: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

runs=3
json_out=""
corpus="${CAIRN_CORPUS:-$repo/../shared/corpus}"
sets="linux-mips,openbmc"
compare=1
keep=0
cairn=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) [ $# -ge 2 ] || die "--runs needs a value"; runs="$2"; shift 2 ;;
    --runs=*) runs="${1#*=}"; shift ;;
    --json) [ $# -ge 2 ] || die "--json needs a file"; json_out="$2"; shift 2 ;;
    --json=*) json_out="${1#*=}"; shift ;;
    --corpus) [ $# -ge 2 ] || die "--corpus needs a directory"; corpus="$2"; shift 2 ;;
    --corpus=*) corpus="${1#*=}"; shift ;;
    --sets) [ $# -ge 2 ] || die "--sets needs a list"; sets="$2"; shift 2 ;;
    --sets=*) sets="${1#*=}"; shift ;;
    --no-compare) compare=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$cairn" ] || die "only one cairn binary may be given"; cairn="$1"; shift ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, not '$runs'"
[ -n "$cairn" ] || cairn="$repo/build/app/cli/cairn"
cairn="$(realpath -m -- "$cairn")"
[ -x "$cairn" ] || die "no cairn binary at $cairn (build it: cmake --build build --target cairn, or pass its path)"
if [ -n "$json_out" ]; then
  json_out="$(realpath -m -- "$json_out")"
  [ -d "$(dirname "$json_out")" ] || die "directory of --json file does not exist: $(dirname "$json_out")"
fi

# Tools.
missing=()
for tool in zstd tar python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (Debian package: time)")
if [ "$compare" -eq 1 ]; then
  command -v mu >/dev/null || missing+=("mu (Debian package: maildir-utils)")
  command -v notmuch >/dev/null || missing+=("notmuch (Debian package: notmuch)")
fi
if [ ${#missing[@]} -gt 0 ]; then
  hint=""
  [ "$compare" -eq 0 ] || hint=" (--no-compare skips mu and notmuch)"
  die "missing tools: ${missing[*]}$hint"
fi

# Corpus.
IFS=',' read -r -a set_list <<<"$sets"
if [ ! -d "$corpus" ]; then
  echo "ingest.sh: corpus not found at $corpus" >&2
  echo "ingest.sh: set CAIRN_CORPUS or pass --corpus DIR (it must hold linux-mips/linux-mips.maildir.tar.zst and openbmc/openbmc.maildir.tar.zst)" >&2
  exit 2
fi
corpus="$(cd "$corpus" && pwd)"
for s in "${set_list[@]}"; do
  [ -f "$corpus/$s/$s.maildir.tar.zst" ] || {
    echo "ingest.sh: corpus set missing: $corpus/$s/$s.maildir.tar.zst" >&2
    echo "ingest.sh: set CAIRN_CORPUS or pass --corpus DIR" >&2
    exit 2
  }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/cairn-ingest-bench.XXXXXX")"
cleanup() {
  local rc=$?
  if [ "$keep" -eq 1 ]; then
    echo "ingest.sh: kept $work" >&2
  else
    rm -rf -- "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
results="$work/results.tsv"
: >"$results"
mkdir -p "$work/logs"

record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$results"; }

# Isolate the tools from the caller's configuration.
export CAIRN_PASSPHRASE="cairn-ingest-benchmark"
unset CAIRN_ARCHIVE NOTMUCH_PROFILE NOTMUCH_DATABASE MAILDIR MU_HOME || true
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
  XDG_CACHE_HOME="$work/home/.cache"
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
  echo "ingest.sh: $2" >&2
  for f in "$work/logs/$1.err" "$work/logs/$1.out"; do
    [ -s "$f" ] && { echo "--- $f (last lines)" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

cairn_import() { # LABEL ARCHIVE MAILDIR [import options...]; tolerates exit 1 (some items failed; counted)
  local label="$1" archive="$2" maildir="$3"; shift 3
  local rc=0
  timed "$label" "$cairn" --archive "$archive" --quiet --json import "$@" "$maildir" || rc=$?
  [ "$rc" -le 1 ] || fail "$label" "cairn import failed (exit $rc)"
}

cairn_stats() { # ARCHIVE OUT.json
  "$cairn" --archive "$1" --json stats >"$2" 2>"$2.err" || { cat "$2.err" >&2; die "cairn stats failed on $1"; }
}

get() { python3 "$helper" get "$@"; }

# Snapshot the binaries (cairn hands import to cairn-full, beside it): the build tree may be rebuilt while the
# benchmark runs, and every run must use the same ones.
cp -- "$cairn" "$work/cairn"
cp -- "$(dirname "$cairn")/cairn-full" "$work/cairn-full"
cairn_source="$cairn"
cairn="$work/cairn"
export BENCH_CAIRN_BINARY="$cairn_source"
BENCH_CAIRN_SHA256="$(sha256sum "$cairn" | cut -d' ' -f1)"
BENCH_CAIRN_VERSION="$("$cairn" --version 2>/dev/null | head -n 1 || echo '?')"
BENCH_TOOLS="mu $(mu --version 2>/dev/null | head -n 1 | grep -o '[0-9][0-9.]*' | head -n 1 || echo '?'); $(notmuch --version 2>/dev/null || echo 'notmuch ?')"
BENCH_HOST="$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
export BENCH_CAIRN_SHA256 BENCH_CAIRN_VERSION BENCH_TOOLS BENCH_HOST BENCH_RUNS="$runs"
log "cairn:   $cairn_source ($BENCH_CAIRN_VERSION, sha256 ${BENCH_CAIRN_SHA256:0:16}..., copied for the run)"
[ "$compare" -eq 1 ] && log "mu:      $(mu --version 2>/dev/null | head -n 1)" && log "notmuch: $(notmuch --version)"
log "corpus:  $corpus; sets: ${set_list[*]}; runs: $runs; work dir: $work"

for s in "${set_list[@]}"; do
  log "$s: unpacking"
  mkdir -p "$work/corpus"
  zstd -dc -- "$corpus/$s/$s.maildir.tar.zst" | tar -x -C "$work/corpus"
  maildir="$work/corpus/$s"
  [ -d "$maildir/cur" ] || [ -d "$maildir/new" ] || die "$s: the archive did not unpack to a maildir at $maildir"
  mkdir -p "$maildir/cur" "$maildir/new" "$maildir/tmp"   # mu wants all three
  read -r messages raw_bytes < <(python3 "$helper" count "$maildir")
  record "$s" messages "$messages"
  record "$s" raw_bytes "$raw_bytes"
  log "$s: $messages messages, $raw_bytes bytes"
  # Warm the page cache so every tool reads the same, cached files.
  find "$maildir" -type f -exec cat {} + >/dev/null

  # --- Cairn
  for ((r = 1; r <= runs; r++)); do
    archive="$work/archive-$s-$r"
    rm -rf -- "$archive"
    "$cairn" --archive "$archive" init >"$work/logs/init-$s-$r.log" 2>&1 || fail "init-$s-$r" "cairn init failed"
    label="cairn-$s-$r"
    cairn_import "$label" "$archive" "$maildir"
    record "$s" cairn_seconds "$elapsed"
    record "$s" cairn_rss_kb "$rss_kb"
    record "$s" cairn_messages "$(get "$work/logs/$label.out" messages_stored)"
    record "$s" cairn_failures "$(get "$work/logs/$label.out" failures)"
    cairn_stats "$archive" "$work/logs/stats-$s-$r.json"
    packs=$(get "$work/logs/stats-$s-$r.json" stored_bytes.packs)
    catalog=$(get "$work/logs/stats-$s-$r.json" stored_bytes.catalog)
    record "$s" packs_bytes "$packs"
    record "$s" catalog_bytes "$catalog"
    record "$s" index_bytes "$(get "$work/logs/stats-$s-$r.json" stored_bytes.index)"
    record "$s" packs_catalog_bytes "$((packs + catalog))"
    record "$s" archive_raw_bytes "$(get "$work/logs/stats-$s-$r.json" raw_bytes)"
    log "$s: cairn run $r/$runs: ${elapsed}s, peak RSS $((rss_kb / 1024)) MB, packs+catalog $(((packs + catalog) / 1000000)) MB"
    if [ "$r" -lt "$runs" ]; then rm -rf -- "$archive"; continue; fi

    # Last run: the same maildir again as a second user, then again as the first user, unchanged.
    before=$(get "$work/logs/stats-$s-$r.json" stored_bytes.total)
    label="cairn-$s-second-user"
    cairn_import "$label" "$archive" "$maildir" --user second
    record "$s" second_user_seconds "$elapsed"
    cairn_stats "$archive" "$work/logs/stats-$s-second.json"
    after=$(get "$work/logs/stats-$s-second.json" stored_bytes.total)
    record "$s" second_user_added_bytes "$((after - before))"
    log "$s: cairn second user: ${elapsed}s, added $((after - before)) bytes"

    label="cairn-$s-rerun"
    cairn_import "$label" "$archive" "$maildir"   # same (default) user as the first import
    record "$s" rerun_seconds "$elapsed"
    record "$s" rerun_files_unchanged "$(get "$work/logs/$label.out" files_unchanged)"
    cairn_stats "$archive" "$work/logs/stats-$s-rerun.json"
    record "$s" rerun_added_bytes "$(( $(get "$work/logs/stats-$s-rerun.json" stored_bytes.total) - after ))"
    log "$s: cairn unchanged re-run: ${elapsed}s"
    rm -rf -- "$archive"
  done

  if [ "$compare" -eq 1 ]; then
    # --- mu (maildir-utils): mu init, then the timed mu index; fresh store each run.
    for ((r = 1; r <= runs; r++)); do
      muhome="$work/mu-$s-$r"
      rm -rf -- "$muhome"; mkdir -p "$muhome"
      mu init --quiet --maildir="$maildir" --muhome="$muhome" >"$work/logs/mu-init-$s-$r.log" 2>&1 \
        || fail "mu-init-$s-$r" "mu init failed"
      label="mu-$s-$r"
      timed "$label" mu index --quiet --muhome="$muhome" || fail "$label" "mu index failed"
      record "$s" mu_seconds "$elapsed"
      record "$s" mu_rss_kb "$rss_kb"
      record "$s" mu_messages "$(python3 "$helper" mu-count "$muhome")"
      log "$s: mu run $r/$runs: ${elapsed}s"
      rm -rf -- "$muhome"
    done

    # --- notmuch: a config whose mail root is the maildir and whose database is a fresh directory
    # outside it (so the maildir stays untouched for the other tools); the timed `notmuch new`.
    for ((r = 1; r <= runs; r++)); do
      nm="$work/notmuch-$s-$r"
      rm -rf -- "$nm"; mkdir -p "$nm/db"
      cat >"$nm/config" <<EOF
[database]
mail_root=$maildir
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
      label="notmuch-$s-$r"
      NOTMUCH_CONFIG="$nm/config" timed "$label" notmuch new --quiet || fail "$label" "notmuch new failed"
      record "$s" notmuch_seconds "$elapsed"
      record "$s" notmuch_rss_kb "$rss_kb"
      record "$s" notmuch_messages "$(NOTMUCH_CONFIG="$nm/config" notmuch count '*' 2>/dev/null || true)"
      log "$s: notmuch run $r/$runs: ${elapsed}s"
      rm -rf -- "$nm"
    done
  fi
  rm -rf -- "$maildir"
done

echo
echo "Cairn ingest benchmark: $runs run(s) per tool and set, medians; $BENCH_HOST; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cairn: $cairn_source ($BENCH_CAIRN_VERSION, sha256 $BENCH_CAIRN_SHA256)"
[ "$compare" -eq 0 ] || echo "tools: $BENCH_TOOLS"
echo
if [ -n "$json_out" ]; then
  python3 "$helper" report "$results" --json "$json_out"
  echo
  echo "JSON written to $json_out"
else
  python3 "$helper" report "$results"
fi
