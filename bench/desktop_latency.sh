#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/desktop_latency.sh: start-up time and search-as-you-type latency of the real cairn-desktop
# on the linux-mips corpus, driven through its --test-script hook under xvfb-run.
#
# Usage: bench/desktop_latency.sh [options]
#   --build DIR         build directory holding app/cli/cairn and app/desktop/cairn-desktop (default: build)
#   --runs N            app starts; medians are quoted (default 5)
#   --corpus FILE       the maildir tarball (default: $CAIRN_CORPUS/linux-mips/linux-mips.maildir.tar.zst,
#                       else ../shared/corpus/... next to the repository)
#   --rare WORD         the rare word (default: soundcard, in about 20 lines of the corpus)
#   --keep              keep the temporary directory (archive, scripts, logs) and print its path
#   -h, --help          this help
#
# The archive is made once with the command line (cairn init, cairn import); each run then starts
# the app on it in a fresh profile and types each query into the search box as a person would
# (the app's 150 ms typing pause included). Per query it reports, from the keystroke, the time to
# the rows shown and to the first row shown in the preview, and the search alone (query to rows).
# Start-up is from the process start (kernel's record) to the window shown.
# Needs: zstd, GNU tar, python3, xvfb-run. Touches nothing outside a temporary directory. No network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
usage() { sed -n '3,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "desktop_latency.sh: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

build="$repo/build"
runs=5
corpus_root="${CAIRN_CORPUS:-$repo/../shared/corpus}"
corpus=""
rare="soundcard"
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build) [ $# -ge 2 ] || die "--build needs a directory"; build="$2"; shift 2 ;;
    --runs) [ $# -ge 2 ] || die "--runs needs a value"; runs="$2"; shift 2 ;;
    --corpus) [ $# -ge 2 ] || die "--corpus needs a file"; corpus="$2"; shift 2 ;;
    --rare) [ $# -ge 2 ] || die "--rare needs a word"; rare="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
corpus="${corpus:-$corpus_root/linux-mips/linux-mips.maildir.tar.zst}"
cairn="$build/app/cli/cairn"
desktop="$build/app/desktop/cairn-desktop"
[ -x "$cairn" ] || die "no $cairn (build it first)"
[ -x "$desktop" ] || die "no $desktop (build it first)"
[ -f "$corpus" ] || die "no corpus at $corpus"
command -v xvfb-run >/dev/null || die "xvfb-run is needed (apt install xvfb xauth)"

work="$(mktemp -d "${TMPDIR:-/tmp}/cairn-desktop-latency.XXXXXX")"
if [ "$keep" = 1 ]; then
  echo "keeping $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi

export CAIRN_ARCHIVE="$work/archive"
export CAIRN_PASSPHRASE="desktop latency bench 1"
export CAIRN_KEY_CACHE=0
log "unpacking $(basename "$corpus")"
mkdir -p "$work/maildir"
zstd -q -d -c "$corpus" | tar -x -C "$work/maildir"
log "archiving it (cairn init, cairn import)"
"$cairn" -q init > "$work/init.txt"  # the recovery key of a throwaway archive
"$cairn" -q import --user bench "$work/maildir"
messages="$("$cairn" search --user bench --count '' 2>/dev/null || true)"
log "archive ready (${messages:-?} messages); measuring $runs runs"

# The queries, typed one after the other; the empty one last, so the box changes for it too.
queries=("kernel" "$rare" '"cache flush"' "subject:patch after:2010-01-01" "")
{
  echo "wait-idle 600"
  echo "startup-time"
  for query in "${queries[@]}"; do
    echo "search $query"
    echo "wait-idle 120"
    echo "search-time"
  done
  echo "quit"
} > "$work/script.txt"

for run in $(seq 1 "$runs"); do
  profile="$work/profile-$run"
  mkdir -p "$profile/runtime" && chmod 700 "$profile/runtime"
  HOME="$profile" XDG_CONFIG_HOME="$profile/config" XDG_DATA_HOME="$profile/data" \
    XDG_RUNTIME_DIR="$profile/runtime" CAIRN_TEST_ARTIFACTS="$profile" \
    xvfb-run -a -s '-screen 0 1280x900x24' "$desktop" --archive "$CAIRN_ARCHIVE" \
    --test-script "$work/script.txt" 2> "$work/run-$run.log" || die "run $run failed: see $work/run-$run.log (--keep)"
  log "run $run done"
done

python3 - "$work" "$runs" "$(uptime)" "$(basename "$corpus")" "${queries[@]}" <<'EOF'
import re, statistics, sys
work, runs, load, corpus, queries = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
startup, timings = [], {}
pattern = re.compile(r'search time: ([\d.]+) ms for "(.*)" \((\d+) rows\); from the keystroke: ([\d.]+) ms to the rows, '
                     r'([\d.]+) ms to the first one previewed')
for run in range(1, runs + 1):
    for line in open(f"{work}/run-{run}.log", encoding="utf-8", errors="replace"):
        if m := re.search(r"startup time: ([\d.]+) s", line):
            startup.append(float(m.group(1)) * 1000)
        elif m := pattern.search(line):
            timings.setdefault(m.group(2), []).append((float(m.group(1)), int(m.group(3)), float(m.group(4)),
                                                       float(m.group(5))))
print(f"cairn-desktop on {corpus}, {runs} runs, medians (ms); load at the end: {load.strip()}")
print(f"start-up (process start to window shown): {statistics.median(startup):.0f} ms "
      f"(all: {', '.join(f'{s:.0f}' for s in startup)})")
print(f"{'query':36} {'rows':>5} {'keystroke->rows':>16} {'keystroke->preview':>19} {'search only':>12}")
for query in queries:
    found = timings.get(query, [])
    if not found:
        print(f"{query or '(empty)':36} no measurement")
        continue
    median = lambda index: statistics.median(t[index] for t in found)
    # No row: nothing to preview. 0: the message shown before is listed again and stays selected
    # and shown, as the list keeps the reader's message; nothing is read.
    preview = "-" if found[0][1] == 0 else "kept" if median(3) == 0 else f"{median(3):.0f}"
    print(f"{query or '(empty)':36} {found[0][1]:>5} {median(2):>16.0f} {preview:>19} {median(0):>12.0f}")
print("keystroke->rows includes the 150 ms typing pause before a search starts; 'kept': the message")
print("previewed before is in the new list too and stays selected, so no preview is read.")
EOF
