// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/// The full-text index, one SQLite file per user: index/<user>.db. The rowid of a document is
/// the catalog's message id; the columns are what the query language's field prefixes search.
namespace cairn::search {

inline constexpr const char* IndexSchema = R"sql(
CREATE VIRTUAL TABLE IF NOT EXISTS documents USING fts5(
  sender,       -- from:  names and addresses of From and Sender
  recipients,   -- to:    To
  cc,           -- cc:
  bcc,          -- bcc:
  subject,      -- subject:
  body,         -- body:  text/plain and text/html reduced to text, nested messages included
  attachment,   -- attachment: text extracted from attachments
  filename,     -- filename: attachment file names, and member names of attached archives
  headers,      -- Message-ID, List-Id (searched by plain words only)
  tokenize = 'cairn');
)sql";

/// Column names in schema order, as the query compiler uses them.
inline constexpr const char* IndexColumns[] = {"sender", "recipients", "cc", "bcc", "subject",
                                               "body", "attachment", "filename", "headers"};

}  // namespace cairn::search
