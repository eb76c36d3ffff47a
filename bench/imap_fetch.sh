#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/imap_fetch.sh: archiving an IMAP account with `cairn fetch`, side by side with mbsync
# (isync) pulling the same mailbox, against a Dovecot on loopback loaded with a corpus maildir.
#
# Usage: bench/imap_fetch.sh [options] [CAIRN_BINARY]
#   CAIRN_BINARY        default: build/app/cli/cairn (relative to the repository)
#   --runs N            timed runs per tool; medians are quoted (default 3)
#   --corpus DIR        corpus directory (default: $CAIRN_CORPUS, else ../shared/corpus next to the repository)
#   --set NAME          corpus maildir set (default: openbmc)
#   --keep              keep the temporary directory and print its path
#   -h, --help          this help
#
# Needs: dovecot (dovecot-imapd), mbsync (isync), openssl, zstd, GNU tar. Starts its own Dovecot
# on 127.0.0.1 with a throwaway configuration under $TMPDIR; touches no system service. No network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
usage() { sed -n '3,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "imap_fetch.sh: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

runs=3
corpus="${CAIRN_CORPUS:-$repo/../shared/corpus}"
set_name=openbmc
keep=0
cairn=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) [ $# -ge 2 ] || die "--runs needs a value"; runs="$2"; shift 2 ;;
    --corpus) [ $# -ge 2 ] || die "--corpus needs a directory"; corpus="$2"; shift 2 ;;
    --set) [ $# -ge 2 ] || die "--set needs a name"; set_name="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$cairn" ] || die "only one cairn binary may be given"; cairn="$1"; shift ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer"
[ -n "$cairn" ] || cairn="$repo/build/app/cli/cairn"
cairn="$(realpath -m -- "$cairn")"
[ -x "$cairn" ] || die "no cairn binary at $cairn (build it, or pass its path)"
dovecot_binary="$(command -v dovecot || true)"
[ -n "$dovecot_binary" ] || [ -x /usr/sbin/dovecot ] && dovecot_binary="${dovecot_binary:-/usr/sbin/dovecot}"
[ -x "$dovecot_binary" ] || die "dovecot not installed (Debian: dovecot-imapd; ./setup.sh --deps-only)"
for tool in mbsync openssl zstd tar python3; do command -v "$tool" >/dev/null || die "missing tool: $tool"; done
archive_file="$corpus/$set_name/$set_name.maildir.tar.zst"
[ -f "$archive_file" ] || die "corpus set not found: $archive_file (set CAIRN_CORPUS or --corpus)"

work="$(mktemp -d "${TMPDIR:-/tmp}/cairn-imap-bench.XXXXXX")"
dovecot_pid=""
cleanup() {
  if [ -n "$dovecot_pid" ]; then kill -TERM -- "-$dovecot_pid" 2>/dev/null || kill "$dovecot_pid" 2>/dev/null || true; fi
  if [ "$keep" -eq 1 ]; then echo "kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
# Copied, so a rebuild during the run cannot change the binary halfway (with its text
# extraction worker and cairn-full, which it looks for beside itself).
cp "$cairn" "$(dirname "$cairn")/cairn-full" "$work/"
[ -x "$(dirname "$cairn")/cairn-extract-worker" ] && cp "$(dirname "$cairn")/cairn-extract-worker" "$work/"
cairn="$work/cairn"
export HOME="$work/home" XDG_DATA_HOME="$work/home/data" CAIRN_KEY_CACHE=0 CAIRN_PASSPHRASE="imap bench passphrase"
mkdir -p "$HOME"

log "unpacking $set_name"
mkdir -p "$work/unpacked" "$work/mail/bench"
zstd -dc "$archive_file" | tar -x -C "$work/unpacked"
maildir="$(dirname "$(find "$work/unpacked" -type d -name cur | head -n1)")"
mkdir -p "$work/mail/bench/cur" "$work/mail/bench/new" "$work/mail/bench/tmp"
find "$maildir/cur" "$maildir/new" -type f -exec mv -t "$work/mail/bench/cur/" {} + 2>/dev/null || true
messages=$(find "$work/mail/bench/cur" -type f | wc -l)
raw_bytes=$(find "$work/mail/bench/cur" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')

# Dovecot: a self-signed certificate, one user, the maildir as its INBOX.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/key.pem" \
  -out "$work/cert.pem" -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
fingerprint=$(openssl x509 -in "$work/cert.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [ "$(id -u)" -eq 0 ]; then
  # Dovecot will not access mail as root.
  mail_user=nobody; chmod 755 "$work"; chown -R nobody "$work/mail"
  ids="mail_uid = $(id -u nobody)
mail_gid = $(id -g nobody)"
  extra=""
else
  ids="mail_uid = $(id -u)
mail_gid = $(id -g)"
  extra="default_login_user = $(id -un)
default_internal_user = $(id -un)
service anvil {
  chroot =
}
service imap-login {
  chroot =
}"
fi
echo "bench:{PLAIN}bench-password::::::" > "$work/users"
cat > "$work/dovecot.conf" <<CONF
base_dir = $work/run
state_dir = $work/state
log_path = $work/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$work/cert.pem
ssl_key = <$work/key.pem
auth_mechanisms = plain login
first_valid_uid = 1
first_valid_gid = 0
$ids
mail_location = maildir:$work/mail/%u
$extra
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $work/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $work/users
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = $port
    ssl = yes
  }
}
CONF
setsid "$dovecot_binary" -F -c "$work/dovecot.conf" > "$work/dovecot.stderr" 2>&1 &
dovecot_pid=$!
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }
calc() { python3 -c "print($1)"; }

cairn_run() {  # DIR: a fresh archive with the account; prints the seconds of `cairn fetch`
  local archive="$1"
  "$cairn" --archive "$archive" --quiet init >/dev/null
  CAIRN_ACCOUNT_PASSWORD=bench-password "$cairn" --archive "$archive" --quiet account add imap bench \
    --host 127.0.0.1 --port "$port" --login bench --trust-certificate "$fingerprint" >/dev/null
  local started; started=$(now)
  "$cairn" --archive "$archive" --quiet --json fetch > "$archive.json"
  calc "$(now) - $started"
}
mbsync_run() {  # DIR: a fresh maildir; prints the seconds of `mbsync -a`
  local target="$1"; mkdir -p "$target"
  cat > "$target.rc" <<RC
IMAPAccount bench
Host localhost
Port $port
User bench
Pass bench-password
SSLType IMAPS
CertificateFile $work/cert.pem

IMAPStore remote
Account bench

MaildirStore local
Path $target/
Inbox $target/INBOX
SubFolders Verbatim

Channel bench
Far :remote:
Near :local:
Patterns *
Create Near
Sync Pull
SyncState *
RC
  local started; started=$(now)
  mbsync -q -c "$target.rc" -a
  calc "$(now) - $started"
}

log "warming up Dovecot's index and the page cache (untimed)"
cairn_run "$work/warm-archive" >/dev/null
mbsync_run "$work/warm-maildir" >/dev/null
rm -rf "$work/warm-archive" "$work/warm-maildir"

: > "$work/cairn.times"; : > "$work/mbsync.times"; : > "$work/rerun.times"
for run in $(seq "$runs"); do
  log "run $run/$runs: cairn fetch"
  cairn_run "$work/archive-$run" >> "$work/cairn.times"
  started=$(now); "$cairn" --archive "$work/archive-$run" --quiet fetch; calc "$(now) - $started" >> "$work/rerun.times"
  log "run $run/$runs: mbsync"
  mbsync_run "$work/maildir-$run" >> "$work/mbsync.times"
  rm -rf "$work/maildir-$run"
done
archived=$(python3 -c "import json,sys; d=json.load(open('$work/archive-1.json')); print(d['accounts'][0]['messages_seen'])")
cairn_seconds=$(median < "$work/cairn.times")
mbsync_seconds=$(median < "$work/mbsync.times")
rerun_seconds=$(median < "$work/rerun.times")
echo
echo "IMAP fetch from Dovecot on loopback (IMAPS), $set_name: $messages messages, $(calc "round($raw_bytes / 1e6, 1)") MB; medians of $runs runs"
printf '%-28s %10s %12s %10s\n' tool seconds messages/s MB/s
printf '%-28s %10.2f %12.0f %10.1f\n' "cairn fetch (archived)" "$cairn_seconds" "$(calc "$archived / $cairn_seconds")" "$(calc "$raw_bytes / 1e6 / $cairn_seconds")"
printf '%-28s %10.2f %12.0f %10.1f\n' "mbsync (maildir)" "$mbsync_seconds" "$(calc "$messages / $mbsync_seconds")" "$(calc "$raw_bytes / 1e6 / $mbsync_seconds")"
printf '%-28s %10.2f\n' "cairn fetch, nothing new" "$rerun_seconds"
echo "cairn archived $archived of $messages messages; cairn / mbsync rate: $(calc "round($mbsync_seconds / $cairn_seconds, 2)")x"
