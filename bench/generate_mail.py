#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate N unique RFC 5322 messages for scale benchmarks (bench/scale.sh).

  generate_mail.py --source MAILDIR [--source MAILDIR ...] --out DIR --messages N
                   [--seed S] [--format mbox|maildir] [--per-file K]

Every message is a recombination of real messages from the source maildirs (cur/ and new/):

- the header block (From, To, Cc, Subject, Received, ...) comes from one source message;
- the body comes from another, together with that message's MIME headers (MIME-Version and every
  Content-* field), so a multipart body keeps the boundary its Content-Type names;
- Message-ID is replaced by a new unique one, and Date by a deterministic date in 2000..2025;
- a plain-text body (text/plain, not base64) has its paragraphs shuffled, or, one time in four,
  is spliced with the paragraphs of a second compatible text body (same charset and encoding);
  other bodies (multipart, HTML, base64) are kept whole.

Output: --format mbox (default) writes DIR/scale-000.mbox, DIR/scale-001.mbox, ... of --per-file
messages each (default 100,000) with mboxrd quoting; --format maildir writes DIR/cur/NNNNNNNNN:2,S.
The same --seed and sources give the same bytes.  Memory is bounded by the size of the sources
(they are read once into memory), not by N.  Messages/s goes to stderr.  Python 3.11 stdlib only.
"""
import argparse
import email.utils
import os
import random
import re
import sys
import time

DATE_FIRST = 946684800   # 2000-01-01T00:00:00Z
DATE_LAST = 1767225599   # 2025-12-31T23:59:59Z

HEADER_NAME = re.compile(rb"^([!-9;-~]+)[ \t]*:")
MBOX_QUOTE = re.compile(rb"^(>*From )", re.M)
CHARSET = re.compile(rb'charset\s*=\s*"?([^";\s]+)', re.I)


class Source:
    """One source message, split into the parts the recombination needs."""
    __slots__ = ("headers", "mime", "body", "kind", "charset", "cte")

    def __init__(self, headers, mime, body, kind, charset, cte):
        self.headers = headers   # bytes: the non-MIME header fields, without Message-ID and Date
        self.mime = mime         # bytes: MIME-Version and Content-* fields
        self.body = body         # bytes: everything after the blank line
        self.kind = kind         # "text" (shuffleable plain text) or "whole"
        self.charset = charset
        self.cte = cte


def split_fields(block):
    """Split a header block (bytes, LF line ends) into [(lower-case name, raw field bytes)]."""
    fields = []
    for line in block.split(b"\n"):
        if not line:
            continue
        if line[:1] in (b" ", b"\t") and fields:
            name, raw = fields[-1]
            fields[-1] = (name, raw + b"\n" + line)
            continue
        m = HEADER_NAME.match(line)
        if m:
            fields.append((m.group(1).lower(), line))
        elif line.startswith(b"From ") and not fields:
            continue                      # an mbox separator left in a file
        # anything else is not a header line: dropped
    return fields


def parse(raw):
    raw = raw.replace(b"\r\n", b"\n")
    cut = raw.find(b"\n\n")
    if cut < 0:
        return None
    fields = split_fields(raw[:cut])
    body = raw[cut + 2:]
    if not fields or not body.strip():
        return None
    names = {n for n, _ in fields}
    if b"from" not in names:
        return None
    headers, mime = [], []
    content_type = b"text/plain"
    cte = b"7bit"
    for name, field in fields:
        if name in (b"message-id", b"date"):
            continue
        if name.startswith(b"content-") or name == b"mime-version":
            mime.append(field)
            value = field.split(b":", 1)[1].strip().lower()
            if name == b"content-type":
                content_type = value
            elif name == b"content-transfer-encoding":
                cte = value
        else:
            headers.append(field)
    m = CHARSET.search(content_type)
    charset = m.group(1).lower() if m else b"us-ascii"
    plain = content_type.startswith(b"text/plain") and cte in (b"7bit", b"8bit", b"quoted-printable", b"")
    kind = "text" if plain else "whole"
    if not body.endswith(b"\n"):
        body += b"\n"
    return Source(b"\n".join(headers), b"\n".join(mime), body, kind, charset, cte)


def load(dirs):
    sources = []
    for d in dirs:
        for sub in ("cur", "new"):
            path = os.path.join(d, sub)
            if not os.path.isdir(path):
                continue
            for name in sorted(os.listdir(path)):
                with open(os.path.join(path, name), "rb") as f:
                    s = parse(f.read())
                if s is not None:
                    sources.append(s)
    return sources


def paragraphs(body):
    return [p for p in body.split(b"\n\n") if p.strip()]


def make_body(rng, src, texts_by_key):
    if src.kind != "text":
        return src.body
    paras = paragraphs(src.body)
    if rng.random() < 0.25:
        pool = texts_by_key[(src.charset, src.cte)]
        other = pool[rng.randrange(len(pool))]
        more = paragraphs(other.body)
        if more:
            take = rng.randint(1, len(more))
            start = rng.randrange(len(more) - take + 1)
            paras = paras + more[start:start + take]
    rng.shuffle(paras)
    return b"\n\n".join(paras) + b"\n"


def mbox_from_line(sender_ts):
    return b"From scale@generator.invalid " + time.strftime(
        "%a %b %e %H:%M:%S %Y", time.gmtime(sender_ts)).encode() + b"\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", action="append", required=True, help="a maildir (with cur/ or new/); repeatable")
    ap.add_argument("--out", required=True)
    ap.add_argument("--messages", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=("mbox", "maildir"), default="mbox")
    ap.add_argument("--per-file", type=int, default=100_000, help="messages per mbox file")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()

    t0 = time.monotonic()
    sources = load(a.source)
    if len(sources) < 2:
        sys.exit("generate_mail.py: fewer than 2 usable source messages")
    texts_by_key = {}
    for s in sources:
        if s.kind == "text":
            texts_by_key.setdefault((s.charset, s.cte), []).append(s)
    t_load = time.monotonic() - t0
    if not a.quiet:
        print(f"generate_mail: {len(sources)} source messages loaded in {t_load:.1f} s", file=sys.stderr)

    os.makedirs(a.out, exist_ok=True)
    if a.format == "maildir":
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(a.out, sub), exist_ok=True)

    rng = random.Random(a.seed)
    n_src = len(sources)
    out = None
    total_bytes = 0
    t1 = time.monotonic()
    last_report = t1
    for i in range(a.messages):
        h = rng.randrange(n_src)
        b = rng.randrange(n_src - 1)
        if b >= h:
            b += 1
        hs, bs = sources[h], sources[b]
        ts = rng.randint(DATE_FIRST, DATE_LAST)
        body = make_body(rng, bs, texts_by_key)
        msg = b"".join((
            hs.headers, b"\n",
            b"Date: ", email.utils.formatdate(ts, localtime=False).encode(), b"\n",
            b"Message-ID: <scale.", str(a.seed).encode(), b".", str(i).encode(), b"@generator.invalid>\n",
            bs.mime, b"\n" if bs.mime else b"",
            b"\n", body))
        if a.format == "mbox":
            if i % a.per_file == 0:
                if out:
                    out.close()
                out = open(os.path.join(a.out, f"scale-{i // a.per_file:03d}.mbox"), "wb", buffering=1 << 20)
            data = mbox_from_line(ts) + MBOX_QUOTE.sub(rb">\1", msg) + b"\n"
            out.write(data)
        else:
            data = msg
            with open(os.path.join(a.out, "cur", f"{i:09d}.scale:2,S"), "wb") as f:
                f.write(data)
        total_bytes += len(data)
        now = time.monotonic()
        if not a.quiet and now - last_report >= 5:
            last_report = now
            print(f"generate_mail: {i + 1} messages, {(i + 1) / (now - t1):.0f} messages/s", file=sys.stderr)
    if out:
        out.close()
    dt = time.monotonic() - t1
    rate = a.messages / dt if dt > 0 else 0.0
    print(f"generate_mail: {a.messages} messages, {total_bytes / 1e6:.1f} MB in {dt:.1f} s "
          f"({rate:.0f} messages/s, {total_bytes / 1e6 / dt if dt else 0:.1f} MB/s; loading sources {t_load:.1f} s)",
          file=sys.stderr)
    # A machine-readable line for scale.sh.
    print(f"messages={a.messages} bytes={total_bytes} seconds={dt:.3f} load_seconds={t_load:.3f} rate={rate:.1f}")


if __name__ == "__main__":
    main()
