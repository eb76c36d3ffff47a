// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/// The full-text index, one SQLite file per user: index/<user>.db. The rowid of a document is
/// its key (document_key.h: date-ordered, so FTS5 yields matches newest first), which
/// document_texts maps to the catalog's message id; the columns are what the query language's
/// field prefixes search.
namespace cairn::search {

inline constexpr const char* IndexSchema = R"sql(
-- The text of each document, long columns zstd-compressed (core/db/packed_text.h): FTS5 keeps
-- its own copy uncompressed otherwise, three quarters of the index file.
CREATE TABLE IF NOT EXISTS document_texts(
  key INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL UNIQUE,
  sender, recipients, cc, bcc, subject, body, attachment, filename, headers);
CREATE VIEW IF NOT EXISTS document_view AS SELECT key,
  unpack_text(sender) AS sender, unpack_text(recipients) AS recipients, unpack_text(cc) AS cc,
  unpack_text(bcc) AS bcc, unpack_text(subject) AS subject, unpack_text(body) AS body,
  unpack_text(attachment) AS attachment, unpack_text(filename) AS filename, unpack_text(headers) AS headers
  FROM document_texts;
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
  content = 'document_view', content_rowid = 'key',
  tokenize = 'cairn');
-- Every term the documents have had (SearchIndex::prefix_terms; terms of removed documents
-- stay, and match nothing).
CREATE TABLE IF NOT EXISTS index_terms(term TEXT PRIMARY KEY) WITHOUT ROWID;
)sql";

/// What an index of another version is dropped with.
inline constexpr const char* DropIndexSchema = R"sql(
DROP TABLE IF EXISTS documents;
DROP VIEW IF EXISTS document_view;
DROP TABLE IF EXISTS document_texts;
DROP TABLE IF EXISTS index_terms;
)sql";

/// Column names in schema order, as the query compiler uses them.
inline constexpr const char* IndexColumns[] = {"sender", "recipients", "cc", "bcc", "subject",
                                               "body", "attachment", "filename", "headers"};

}  // namespace cairn::search
