// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "core/base/progress.h"
#include "core/base/result.h"
#include "core/db/database.h"
#include "core/db/text_tokenizer.h"
#include "core/search/query.h"

/// One full-text index per user (index/<user>.db, DESIGN.md §5). Display fields (date, from,
/// subject, size, folder) come from the catalog, which searches ATTACH read-only.
namespace cairn::search {

/// The text of one message, as the index stores it (see index_schema.h for the columns).
struct IndexDocument {
    std::string sender, recipients, cc, bcc, subject, body, attachment, filename, headers;
};

enum class SortOrder { Date, Relevance };

struct SearchRequest {
    std::string query;
    SortOrder sort = SortOrder::Date;
    std::uint64_t limit = 50;
    std::uint64_t offset = 0;
};

struct SearchHit {
    std::int64_t message_id = 0;
    std::optional<std::int64_t> date;
    std::string from, to, subject;
    std::vector<std::string> folders;
    std::uint64_t size = 0;
    std::vector<std::string> attachment_names;
    /// Text around the matches, with each match between \x02 and \x03 (the caller marks them up).
    std::string snippet;
    /// The index column the snippet comes from: "body", "attachment" (the attachments' text),
    /// "subject", "filename", "sender"...; empty without a snippet.
    std::string snippet_field;
    double rank = 0;  ///< bm25, lower is better (0 without full-text terms)
};

/// The index file of a user, named so that any user name is a safe file name.
std::filesystem::path index_path(const std::filesystem::path& archive, const std::string& user);

class SearchIndex {
public:
    enum class Mode { ReadOnly, ReadWrite };
    /// ReadWrite creates the file if needed. The catalog is attached read-only for searches.
    /// Opened for writing, an index of the previous version (keyed by message id) is converted
    /// in place, keeping its texts (no message is read or extracted again); OBSERVER, if given,
    /// follows that. An index of any other version is started over.
    static Result<SearchIndex> open(const std::filesystem::path& archive, const std::string& user, Mode mode,
                                    ProgressObserver* observer = nullptr);

    SearchIndex(SearchIndex&&) = default;
    SearchIndex& operator=(SearchIndex&&) = default;

    // -- writing (one writer: the archive's)
    Result<void> begin();
    /// Writes the transaction's documents (held back by add, see m_pending) and commits.
    Result<void> commit();
    Result<bool> contains(std::int64_t message_id);
    /// Adds (or replaces) a message's document. DATE is the catalog's date of the message,
    /// which orders it among the results (document_key.h).
    Result<void> add(std::int64_t message_id, std::optional<std::int64_t> date, IndexDocument document);
    /// Removes a message's document, if the index has it.
    Result<void> remove(std::int64_t message_id);
    struct MissingMessage {
        std::int64_t message_id = 0;
        std::optional<std::int64_t> date;
    };
    /// Messages the user has in the catalog that the index lacks (after a crash between the
    /// catalog's commit and the index's, or a lost index file), by message id.
    Result<std::vector<MissingMessage>> missing_messages();
    /// How many documents the index holds.
    Result<std::uint64_t> document_count();

    /// The catalog's index generation for this user that the index is complete for (see
    /// store::Catalog::index_generation); 0 when never recorded. Set inside a transaction.
    Result<std::int64_t> catalog_generation();
    Result<void> set_catalog_generation(std::int64_t generation);
    /// Whether the index was built by this version's tokenizer and columns. Opened for writing,
    /// an index of another version is started over; opened read-only, it is only reported.
    Result<bool> is_current_version();

    /// is_current_version() and catalog_generation() of USER's index, read without the rest of
    /// open() (the catalog attached, the tokenizer): a search checks them before every query.
    struct State {
        bool current_version = false;
        std::int64_t catalog_generation = 0;
    };
    static Result<State> read_state(const std::filesystem::path& archive, const std::string& user);

    // -- searching
    /// InvalidArgument with the position and reason when the query cannot be read.
    Result<std::vector<SearchHit>> search(const SearchRequest& request);
    Result<std::uint64_t> count(const std::string& query);

    const std::string& user() const { return m_user; }
    /// A count driven by full text takes a second thread when the newest 32nd of its dates took
    /// at least THRESHOLD (the whole will take about 32 times as long) and found at least MATCHES
    /// (so that slices, which FTS5 reads on to the next match past their ends, end soon after).
    /// Below that, slicing and a second connection cost more than they save (measured at a
    /// million messages). Tests set zero and zero.
    void set_parallel_count_after(std::chrono::microseconds threshold, std::uint64_t matches) {
        m_parallel_count_after = threshold;
        m_parallel_count_matches = matches;
    }

private:
    Result<std::optional<std::string>> setting(const char* key);
    /// Converts an index of version 2 (rowid = message id) to the date-ordered keys.
    Result<void> convert_from_message_id_keys(ProgressObserver* observer);
    /// Gives an index of version 3 its term list, from FTS5's own.
    Result<void> add_terms_from_index(ProgressObserver* observer);
    /// Adds the terms the recorder collected from the documents written since to index_terms.
    Result<void> write_recorded_terms();
    /// The index's terms that begin with PREFIX, for a MATCH to name instead of `PREFIX*`: FTS5
    /// (3.40) merges the matches of every such term over the whole index before it yields the
    /// first, however few rows are wanted or whatever the key range, where it reads an OR of
    /// terms lazily, newest first. Nothing when FTS5 should expand it: a prefix of more than one
    /// token, or one with more than MaxExpandedTerms terms.
    Result<std::optional<std::vector<std::string>>> prefix_terms(std::string_view prefix);
    /// QUERY compiled, with its prefixes expanded where prefix_terms says so, up to
    /// MaxExpandedTerms terms in all.
    Result<CompiledQuery> compile(const std::string& query);
    /// A key for a new document: its document_key, or the next free one below it.
    Result<std::int64_t> free_document_key(std::optional<std::int64_t> date, std::int64_t message_id);
    /// Writes the documents held back by add, in key order.
    Result<void> write_pending();
    Result<void> write_document(std::int64_t key, std::int64_t message_id, const IndexDocument& document);
    /// Whether a query's size or folder condition leaves so few messages that reading them first
    /// beats walking the date index or the full-text matches.
    Result<bool> few_candidates(const CompiledQuery& compiled);
    /// count() of a query driven by full text, read in slices of document keys: on two threads
    /// when the newest slice shows the whole is slow.
    Result<std::uint64_t> count_in_slices(const CompiledQuery& compiled, bool few);
    /// STATEMENT, prepared from SQL on first use and reset: the import path runs a few
    /// statements per document, and preparing them each time cost more than running them.
    Result<std::reference_wrapper<db::Statement>> cached(std::optional<db::Statement>& statement, std::string_view sql);
    /// Adds the catalog's display fields to each hit.
    Result<void> add_details(std::vector<SearchHit>& hits);
    /// Fills each hit's snippet for the query's positive terms; KEYS are the hits' document
    /// keys, in the same order.
    Result<void> add_snippets(const CompiledQuery& compiled, std::vector<SearchHit>& hits,
                              const std::vector<std::int64_t>& keys);
    SearchIndex(std::unique_ptr<db::TokenRecorder> recorder, db::Database database, std::string user)
        : m_recorder(std::move(recorder)), m_database(std::move(database)), m_user(std::move(user)) {}
    /// The tokenizer of m_database gives it the tokens of documents written (write_document);
    /// declared before m_database, so destroyed after it.
    std::unique_ptr<db::TokenRecorder> m_recorder;
    db::Database m_database;
    std::string m_user;
    bool m_sole_user = false;  ///< the archive has no other user: no placement test needed
    bool m_has_term_list = false;  ///< index_terms exists (not in a version 3 index opened read-only)
    std::chrono::microseconds m_parallel_count_after{1500};
    std::uint64_t m_parallel_count_matches = 64;
    // Declared after m_database, so destroyed before it.
    std::optional<db::Statement> m_contains, m_key_taken, m_insert_text, m_insert_document, m_insert_term;
    /// Documents added in this transaction, by key, written in key order when it commits (or
    /// before a read). FTS5 buffers a transaction's words only while rowids ascend, and writes
    /// out its buffer at every step back: an import's dates jump back and forth, so written as
    /// they come, most documents would become a segment of their own for FTS5 to merge later.
    struct PendingDocument {
        std::int64_t message_id = 0;
        IndexDocument document;
    };
    std::map<std::int64_t, PendingDocument> m_pending;
    std::unordered_map<std::int64_t, std::int64_t> m_pending_keys;  ///< message id -> key in m_pending
};

}  // namespace cairn::search
