#!/usr/bin/env bash
# test.sh: install what the tests need, build, and run the whole suite twice: once as built
# for users, once under AddressSanitizer + UndefinedBehaviorSanitizer; then run each fuzz
# target for a short time. CI (.ci/run) runs exactly this. The desktop's GUI test is left out of
# the sanitizer run: GTK leaks by design, which LeakSanitizer would report.
#   ./test.sh              everything
#   ./test.sh --quick      the normal build's suite only
set -euo pipefail
cd "$(dirname "$0")"
jobs=$(nproc)
passed=0; failed=0
# run_ctest DIR [ctest options]: runs the suite, keeps a count for the closing line.
run_ctest() {
  local dir=$1; shift
  local log; log=$(mktemp)
  local status=0
  (cd "$dir" && ctest --output-on-failure -j "$jobs" "$@") 2>&1 | tee "$log" || status=$?
  local total; total=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1 \2/p' "$log" | tail -n1)
  rm -f "$log"
  if [ -n "$total" ]; then
    set -- $total
    failed=$((failed + $1)); passed=$((passed + $2 - $1))
  fi
  return $status
}

./setup.sh --deps-only

echo "== build and test (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"
run_ctest build

if [ "${1:-}" = "--quick" ]; then echo "$passed passed, $failed failed"; exit 0; fi

echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCAIRN_SANITIZE=ON >/dev/null
cmake --build build-sanitize -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest build-sanitize -LE "slow|gui"

echo "== fuzz targets (a short time box each)"
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAIRN_FUZZ=ON \
  -DCAIRN_BUILD_TESTS=ON >/dev/null
cmake --build build-fuzz -j "$jobs" --target fuzz_targets
fuzz_seconds=${CAIRN_FUZZ_SECONDS:-30}
for target in build-fuzz/tests/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  corpus_dir=$(mktemp -d)
  echo "-- $(basename "$target") for ${fuzz_seconds}s"
  "$target" -max_total_time="$fuzz_seconds" -max_len=65536 -rss_limit_mb=2048 "$corpus_dir" 2>&1 | tail -n 3
  rm -rf "$corpus_dir"
done
echo "== all tests passed"
echo "$passed passed, $failed failed"
