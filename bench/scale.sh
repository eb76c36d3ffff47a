#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Scale benchmark: generate N messages from the shared corpus, import them into a fresh archive,
# then time the query set with a warm cache. See bench/README.md ("scale.sh").
#
#   bench/scale.sh [--messages N] [--runs R] [--seed S] [--queries FILE] [--corpus DIR]
#                  [--json FILE] [--keep] [--workdir DIR] [CAIRN_BINARY]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")

messages=1000000
runs=20
seed=1
queries="$here/scale_queries.txt"
corpus="${CAIRN_CORPUS:-$(dirname "$repo")/shared/corpus}"
json_out=""
keep=0
workdir=""
cairn_src="$repo/build/app/cli/cairn"

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "scale.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --messages) messages=${2:?}; shift 2 ;;
        --runs) runs=${2:?}; shift 2 ;;
        --seed) seed=${2:?}; shift 2 ;;
        --queries) queries=${2:?}; shift 2 ;;
        --corpus) corpus=${2:?}; shift 2 ;;
        --json) json_out=${2:?}; shift 2 ;;
        --keep) keep=1; shift ;;
        --workdir) workdir=${2:?}; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) cairn_src=$1; shift ;;
    esac
done

[[ "$messages" =~ ^[0-9]+$ ]] && [ "$messages" -ge 1 ] || die "--messages needs a positive number"
[[ "$runs" =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] || die "--runs needs a positive number"
[ -x "$cairn_src" ] || die "no cairn binary at $cairn_src (build it, or pass its path)"
cairn_src=$(realpath "$cairn_src")
worker_src="$(dirname "$cairn_src")/cairn-extract-worker"
[ -x "$worker_src" ] || die "no cairn-extract-worker next to $cairn_src"
for set in linux-mips openbmc; do
    [ -f "$corpus/$set/$set.maildir.tar.zst" ] || die "corpus missing: $corpus/$set/$set.maildir.tar.zst"
done
for tool in zstd tar python3 /usr/bin/time sha256sum; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
done
[ -n "$json_out" ] && json_out=$(realpath -m "$json_out")
python3 "$here/scale_report.py" queries "$queries" >/dev/null

if [ -n "$workdir" ]; then
    mkdir -p "$workdir"; work=$(realpath "$workdir")
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/cairn-scale.XXXXXX")
fi
cleanup() {
    if [ "$keep" = 1 ]; then echo "scale.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Own binaries (a rebuild of the tree during the run cannot change them), own HOME/XDG.
mkdir -p "$work/bin" "$work/home"
cp "$cairn_src" "$(dirname "$cairn_src")/cairn-full" "$worker_src" "$work/bin/"
cairn="$work/bin/cairn"
export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config"
export XDG_CACHE_HOME="$work/home/.cache" XDG_STATE_HOME="$work/home/.local/state" XDG_RUNTIME_DIR="$work/home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export CAIRN_PASSPHRASE="scale-bench-passphrase"
export CAIRN_EXTRACT_WORKER="$work/bin/cairn-extract-worker"
unset CAIRN_ARCHIVE CAIRN_KEY_CACHE   # key cache stays ON: the queries skip the key derivation
user=scale
archive="$work/archive"
facts="$work/facts.tsv"
: >"$facts"
fact() { printf '%s\t%s\n' "$1" "$2" >>"$facts"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
log() { echo "scale.sh: $(date +%T) $*" >&2; }

fact messages "$messages"
fact cairn "$cairn_src"
fact cairn_sha256 "$(sha256sum "$cairn" | cut -d' ' -f1)"
fact cairn_version "$("$cairn" --version 2>&1 | head -1)"
fact host "$(uname -srm)"
fact cpus "$(nproc)"
fact date "$(date -u +%FT%TZ)"
log "work dir $work, $messages messages, $runs runs, load $(load)"

# 1. Sources.
for set in linux-mips openbmc; do
    mkdir -p "$work/corpus/$set"
    zstd -dc "$corpus/$set/$set.maildir.tar.zst" | tar x -C "$work/corpus/$set"
done
src_args=()
for d in "$work"/corpus/*/*/; do [ -d "$d/cur" ] && src_args+=(--source "$d"); done
[ ${#src_args[@]} -ge 1 ] || die "no maildir found in the unpacked corpus"

# 2. Generate.
log "generating"
python3 "$here/generate_mail.py" "${src_args[@]}" --out "$work/mail" --messages "$messages" --seed "$seed" \
    --format mbox >"$work/generate.out" 2>"$work/generate.log"
read -r gen_line <"$work/generate.out"
for kv in $gen_line; do
    case "$kv" in
        bytes=*) fact gen_bytes_mb "$(python3 -c "print(${kv#bytes=}/1e6)")"; gen_bytes=${kv#bytes=} ;;
        seconds=*) fact gen_seconds "${kv#seconds=}" ;;
        rate=*) fact gen_rate "${kv#rate=}" ;;
    esac
done
fact load_gen "$(load)"
rm -rf "$work/corpus"
log "$(tail -1 "$work/generate.log")"

# 3. Import into a fresh archive.
"$cairn" --archive "$archive" --quiet init >/dev/null
log "importing (progress in $work/import.log)"
set +e
/usr/bin/time -f '%e %M' -o "$work/import.time" \
    "$cairn" --archive "$archive" --json import --user "$user" "$work/mail" >"$work/import.json" 2>"$work/import.log"
rc=$?
set -e
[ $rc -eq 0 ] || { tail -20 "$work/import.log" >&2; die "import failed with exit code $rc"; }
read -r import_s import_kb < <(tail -1 "$work/import.time")
fact load_import "$(load)"
"$cairn" --archive "$archive" stats --json >"$work/stats.json"
python3 - "$work/import.json" "$work/stats.json" "$import_s" "$import_kb" "$messages" "$gen_bytes" >>"$facts" <<'EOF'
import json, sys
imp = json.load(open(sys.argv[1])); st = json.load(open(sys.argv[2]))
secs, kb, n, raw = float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
sb = st["stored_bytes"]
rows = {
    "import_seconds": secs, "import_rate": n / secs, "import_mbps": imp["bytes_read"] / 1e6 / secs,
    "import_rss_mb": kb / 1024, "messages_stored": imp["messages_stored"],
    "import_failures": len(imp.get("failures", [])), "archive_messages": st["messages"],
    "packs_mb": sb["packs"] / 1e6, "catalog_mb": sb["catalog"] / 1e6, "index_mb": sb["index"] / 1e6,
    "total_mb": sb["total"] / 1e6, "raw_mb": st["raw_bytes"] / 1e6, "total_pct": 100.0 * sb["total"] / st["raw_bytes"],
}
for k, v in rows.items():
    print(f"{k}\t{v}")
EOF
log "imported: $(grep -E '^(import_seconds|import_rate|messages_stored|import_failures)' "$facts" | tr '\t\n' '= ')"
rm -rf "$work/mail"   # the queries need only the archive; frees the disk

# 4. Warm the page cache with the archive's files, then time the queries.
find "$archive" -type f -exec cat {} + >/dev/null
log "timing queries, load $(load)"
python3 "$here/scale_report.py" run --queries "$queries" --cairn "$cairn" --archive "$archive" --user "$user" \
    --runs "$runs" --facts "$facts" --raw "$work/query_times.tsv" ${json_out:+--json "$json_out"} | tee "$work/report.md"
log "done, load $(load)"
