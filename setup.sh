#!/usr/bin/env bash
# setup.sh: install what Cairn needs on Debian 12, then build it (build/app/cli/cairn).
# Run as root, or as a user with sudo. Safe to run again.
#   ./setup.sh               install packages and build
#   ./setup.sh --deps-only   install packages only (test.sh uses this)
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  build-essential cmake ninja-build pkg-config git
  libsqlite3-dev libssl-dev libargon2-dev libzstd-dev libarchive-dev
  libgmime-3.0-dev libfmt-dev libcli11-dev doctest-dev nlohmann-json3-dev
  libicu-dev libgumbo-dev libpoppler-cpp-dev libxml2-dev libkeyutils-dev
  libpff-dev libbfio-dev libcurl4-openssl-dev
  # the desktop app (cairn-desktop): wxWidgets with its WebKitGTK preview and its own translations
  # (wx3.2-i18n: the wizard's Back/Next/Finish and other wx labels), msgfmt/xgettext for ours,
  # and Xvfb for its end-to-end test
  libwxgtk3.2-dev libwxgtk-webview3.2-dev wx3.2-i18n xvfb xauth gettext
  clang-14 libclang-rt-14-dev llvm-14
  zstd tar python3
  # only for the side-by-side benchmark in bench/
  maildir-utils notmuch time
  # only for tests: pffexport cross-checks the PST reader; Dovecot is the real IMAP/POP3
  # server the account tests start on loopback (no system service is used); mbsync is the
  # IMAP benchmark's yardstick; openssl makes the tests' throwaway certificates
  pff-tools dovecot-imapd dovecot-pop3d isync openssl
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ "${1:-}" = "--deps-only" ] && exit 0

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build
echo
echo "Built: $(pwd)/build/app/cli/cairn"
