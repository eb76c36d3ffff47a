// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/search/search_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <thread>
#include <unordered_set>

#include "core/db/packed_text.h"
#include "core/db/text_snippet.h"
#include "core/db/text_tokenizer.h"
#include "core/search/document_key.h"
#include "core/search/index_schema.h"
#include "core/search/query.h"

namespace cairn::search {
namespace {

// Bumped when the tokenizer or the columns change: an index of another version is rebuilt.
constexpr int IndexVersion = 4;
// The versions before: 3 had no term list (given one by add_terms_from_index), 2 was keyed by
// message id (converted in place by convert_from_message_id_keys).
constexpr int TermlessVersion = 3;
constexpr int MessageIdKeyedVersion = 2;

// At most this many terms of a query's prefixes are named in its MATCH (the prefixes with the
// fewest first); the other prefixes are left to FTS5. Each term costs the MATCH a reader in
// every segment of the index (about 60 us at a million messages): past a few hundred, the
// readers cost more than FTS5's own expansion.
constexpr std::size_t MaxExpandedTerms = 512;

constexpr const char* SettingsSchema =
    "CREATE TABLE IF NOT EXISTS index_settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);";

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start)
            lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

/// A hit's snippet comes from the body, else the attachment text, the subject, the file names,
/// then the address and header columns: the subject and sender are on the result line already.
db::SnippetFunction snippet_function() {
    db::SnippetFunction function{"cairn_snippet", {}, 16, "cairn_snippet_column"};
    for (const char* name : {"body", "attachment", "subject", "filename", "sender", "recipients", "cc", "bcc", "headers"})
        for (int column = 0; column < static_cast<int>(std::size(IndexColumns)); ++column)
            if (std::string_view(IndexColumns[column]) == name)
                function.column_preference.push_back(column);
    return function;
}

/// The snippet in column FIRST of ROW and, after it, the number of the index column it is from.
void set_snippet(SearchHit& hit, db::Statement& row, int first) {
    hit.snippet = row.column_text(first);
    const std::int64_t column = row.column_int(first + 1);
    hit.snippet_field = !row.column_is_null(first + 1) && column >= 0 &&
                                static_cast<std::size_t>(column) < std::size(IndexColumns)
                            ? IndexColumns[column]
                            : "";
}

Result<CompiledQuery> compile_query_or_error(const std::string& query, const QueryOptions& options) {
    auto compiled = compile_query(query, options);
    if (auto* error = std::get_if<QuerySyntaxError>(&compiled)) {
        std::string pointer = query + "\n" + std::string(std::min(error->position, query.size()), ' ') + "^";
        return make_error(ErrorCode::InvalidArgument, fmt::format("{} (at position {})\n{}", error->message,
                                                                  error->position, pointer),
                          "query");
    }
    return std::get<CompiledQuery>(std::move(compiled));
}

/// Binds VALUES from INDEX on; returns the next parameter's index.
int bind_values(db::Statement& statement, int index, const std::vector<SqlValue>& values) {
    for (const auto& value : values) {
        if (const auto* number = std::get_if<std::int64_t>(&value))
            statement.bind(index++, *number);
        else
            statement.bind(index++, std::get<std::string>(value));
    }
    return index;
}

/// A connection to the index file PATH (index/<user>.db) with the archive's catalog attached as
/// `catalog`, and the tokenizer and functions the index's statements use.
/// RECORDER, if given, receives the tokens of the documents written through this connection.
Result<db::Database> open_connection(const std::filesystem::path& path, db::OpenMode mode,
                                     db::TokenRecorder* recorder = nullptr) {
    auto database = CAIRN_TRY(db::Database::open(path, mode));
    CAIRN_TRY_VOID(db::register_text_tokenizer(database, recorder));
    CAIRN_TRY_VOID(db::register_unpack_text(database));
    CAIRN_TRY_VOID(db::register_snippet_function(database, snippet_function()));
    auto attach = CAIRN_TRY(database.prepare("ATTACH DATABASE ? AS catalog"));
    // Read-only: a search must never change the catalog, and the writer owns it.
    attach.bind(1, "file:" + (path.parent_path().parent_path() / "catalog.db").string() + "?mode=ro");
    CAIRN_TRY_VOID(attach.run());
    return database;
}

/// Records that the index is of this version (its tokens, columns and tables).
Result<void> write_current_version(db::Database& database) {
    return database.execute(
        fmt::format("INSERT OR REPLACE INTO index_settings(key, value) VALUES('version', '{}')", IndexVersion));
}

/// The index columns in schema order, comma-separated, for statements that copy whole documents.
const std::string& columns() {
    static const std::string names = [] {
        std::string joined;
        for (const char* name : IndexColumns)
            joined += (joined.empty() ? "" : ", ") + std::string(name);
        return joined;
    }();
    return names;
}

/// ", ?" for each index column.
std::string column_parameters() {
    std::string parameters;
    for (std::size_t column = 0; column < std::size(IndexColumns); ++column)
        parameters += ", ?";
    return parameters;
}

/// A setting of the index (index_settings); nothing when unset, or before the table exists.
Result<std::optional<std::string>> read_setting(db::Database& database, const char* key) {
    auto exists = CAIRN_TRY(
        database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'index_settings'"));
    if (!CAIRN_TRY(exists.step()))
        return std::optional<std::string>();
    auto query = CAIRN_TRY(database.prepare("SELECT value FROM index_settings WHERE key = ?"));
    query.bind(1, key);
    if (!CAIRN_TRY(query.step()))
        return std::optional<std::string>();
    return std::optional<std::string>(query.column_text(0));
}

/// The catalog generation recorded in an index (SearchIndex::catalog_generation).
Result<std::int64_t> read_catalog_generation(db::Database& database) {
    auto value = CAIRN_TRY(read_setting(database, "catalog_generation"));
    std::int64_t generation = 0;
    if (value && std::from_chars(value->data(), value->data() + value->size(), generation).ec != std::errc())
        return make_error(ErrorCode::Corrupt, "the index's catalog generation is not a number", database.path().string());
    return generation;
}

/// A count is read in this many slices of the dated documents' keys when it is slow enough
/// (SearchIndex::count_in_slices). Each slice costs FTS5 a new start in every segment (about a
/// millisecond at a million messages): few slices, still enough to share among two threads.
constexpr std::int64_t CountSlices = 8;
/// Before them, the newest this-many-th of the dated keys is counted alone, to tell.
constexpr std::int64_t ProbeShare = 32;
/// From this many terms of expanded prefixes on, a count is read in two halves at once
/// (SearchIndex::count_in_slices).
constexpr std::size_t ManyMatchTerms = 16;

/// The FROM and WHERE of a search, with the values of its `?` in order.
///
/// With full-text terms, the search is driven by the FTS5 match: `documents` is the outer loop,
/// read newest first (its rowids are date-ordered keys, document_key.h) with the query's
/// top-level dates as a rowid range, and only the residual condition is tested on each match,
/// so a page stops after its last hit. A document in this index is always a message of this
/// user (the import adds documents only for the user's placements), so the placement test is
/// needed only when the residual names a folder. Without full-text terms the search runs over
/// the catalog's messages; in an archive of one user every message is theirs, so there the
/// placement test (a few b-tree probes per candidate) is left out as well.
struct SearchPlan {
    std::string from_where;
    std::vector<SqlValue> parameters;
    bool driven_by_text = false;
    /// The message id and the document key (0 when catalog-driven) of a row.
    std::string id_column = "m.id";
    std::string key_column = "0";
    /// What a count selects, and what follows the WHERE before an ORDER BY: read from the
    /// user's placements, a message in two matching folders is one row of the join twice.
    std::string count_expression = "count(*)";
    std::string group_by;
};

std::string placement_test(const std::string& condition) {
    return "EXISTS (SELECT 1 FROM catalog.placements p JOIN catalog.folders f ON f.id = p.folder_id"
           " JOIN catalog.users u ON u.id = f.user_id WHERE p.message_id = m.id AND u.name = ? AND (" +
           condition + "))";
}

/// The user's placements joined to their folders and messages (and JOINS), where CONDITION
/// holds.
std::string placements_join(const std::string& condition, const std::string& joins = "") {
    return " FROM catalog.placements p JOIN catalog.folders f ON f.id = p.folder_id"
           " JOIN catalog.users u ON u.id = f.user_id JOIN catalog.messages m ON m.id = p.message_id" +
           joins + " WHERE u.name = ? AND (" + condition + ")";
}

/// A count needs no message id; a page does.
enum class PlanPurpose { Count, Page };

/// FEW: the catalog conditions leave few messages (SearchIndex::few_candidates), so they are
/// read first. WITHIN: only documents with keys in this range (a slice of a count,
/// count_in_slices).
SearchPlan plan_search(const CompiledQuery& compiled, bool sole_user, const std::string& user, PlanPurpose purpose,
                       bool few = false, std::optional<DocumentKeyRange> within = std::nullopt) {
    SearchPlan plan;
    if (compiled.driving_match.empty()) {
        if ((compiled.uses_folder || !sole_user) && (purpose == PlanPurpose::Count || few)) {
            // Counted, or few: every candidate is read anyway, and from the placements a folder
            // condition picks the folders first and then only their placements. Testing each
            // message for a placement instead costs a few lookups per message of the archive:
            // folder:openbmc took 41 ms of 34,000 messages that way.
            plan.from_where = placements_join(compiled.condition);
            plan.parameters.emplace_back(user);
            plan.parameters.insert(plan.parameters.end(), compiled.parameters.begin(), compiled.parameters.end());
            plan.count_expression = "count(DISTINCT m.id)";
            plan.group_by = " GROUP BY m.id";
            return plan;
        }
        plan.from_where = " FROM catalog.messages m WHERE ";
        if (compiled.uses_folder || !sole_user) {
            plan.from_where += placement_test(compiled.condition);
            plan.parameters.emplace_back(user);
        } else {
            plan.from_where += "(" + compiled.condition + ")";
        }
        plan.parameters.insert(plan.parameters.end(), compiled.parameters.begin(), compiled.parameters.end());
        return plan;
    }
    plan.driven_by_text = true;
    plan.key_column = "documents.rowid";
    std::string condition = compiled.residual_condition;
    std::vector<SqlValue> condition_parameters = compiled.residual_parameters;
    std::optional<DocumentKeyRange> keys;
    if (compiled.driving_dated) {
        keys = document_key_range(compiled.driving_date_from, compiled.driving_date_until);
        if (!keys) {
            // A bound beyond the dates with exact keys: the catalog's date decides.
            std::string dates = "m.date IS NOT NULL";
            if (compiled.driving_date_from) {
                dates += " AND m.date >= ?";
                condition_parameters.emplace_back(*compiled.driving_date_from);
            }
            if (compiled.driving_date_until) {
                dates += " AND m.date < ?";
                condition_parameters.emplace_back(*compiled.driving_date_until);
            }
            condition = "(" + condition + ") AND " + dates;
        }
    }
    if (within)
        keys = keys ? DocumentKeyRange{std::max(keys->first, within->first), std::min(keys->end, within->end)}
                    : *within;
    const bool needs_message = condition != "1";
    // A residual about a folder that holds few of the user's messages: their document keys are
    // gathered first, and each match FTS5 reads is looked up among them ('+': not handed to FTS5
    // as rowids to seek one by one). Testing each match for a placement instead walks all of a
    // common word's matches when the folder is small: `folder:small kernel`, 55 ms of 28,000.
    const bool keys_from_placements = needs_message && compiled.residual_uses_folder && few;
    plan.from_where = " FROM documents";
    if ((needs_message && !keys_from_placements) || purpose != PlanPurpose::Count)
        plan.from_where += " JOIN document_texts t ON t.key = documents.rowid";
    if (needs_message && !keys_from_placements)
        plan.from_where += " JOIN catalog.messages m ON m.id = t.message_id";
    plan.from_where += " WHERE documents MATCH ?";
    plan.parameters.emplace_back(compiled.driving_match);
    if (keys) {
        plan.from_where += " AND documents.rowid >= ? AND documents.rowid < ?";
        plan.parameters.emplace_back(keys->first);
        plan.parameters.emplace_back(keys->end);
    }
    if (keys_from_placements) {
        plan.from_where += " AND +documents.rowid IN (SELECT placed.key" +
                           placements_join(condition, " JOIN document_texts placed ON placed.message_id = m.id") + ")";
        plan.parameters.emplace_back(user);
        plan.parameters.insert(plan.parameters.end(), condition_parameters.begin(), condition_parameters.end());
    } else if (needs_message) {
        if (compiled.residual_uses_folder) {
            plan.from_where += " AND " + placement_test(condition);
            plan.parameters.emplace_back(user);
        } else {
            plan.from_where += " AND (" + condition + ")";
        }
        plan.parameters.insert(plan.parameters.end(), condition_parameters.begin(), condition_parameters.end());
    }
    plan.id_column = "t.message_id";
    return plan;
}

/// The number of COMPILED's hits among the documents with keys in WITHIN (all: nullopt).
/// FEW as for plan_search.
Result<std::uint64_t> count_matches(db::Database& database, const CompiledQuery& compiled, bool sole_user,
                                    const std::string& user, bool few, std::optional<DocumentKeyRange> within) {
    SearchPlan plan = plan_search(compiled, sole_user, user, PlanPurpose::Count, few, within);
    auto statement = CAIRN_TRY(database.prepare("SELECT " + plan.count_expression + plan.from_where));
    bind_values(statement, 1, plan.parameters);
    CAIRN_TRY(statement.step());
    return static_cast<std::uint64_t>(statement.column_int(0));
}

}  // namespace

std::filesystem::path index_path(const std::filesystem::path& archive, const std::string& user) {
    // Letters, digits, '-', '_' and '.' stay readable; anything else is escaped, so a user name
    // can never name another file.
    std::string name;
    for (unsigned char c : user) {
        if (std::isalnum(c) || c == '-' || c == '_' || (c == '.' && !name.empty()))
            name.push_back(static_cast<char>(c));
        else
            name += fmt::format("%{:02X}", c);
    }
    return archive / "index" / (name + ".db");
}

Result<SearchIndex> SearchIndex::open(const std::filesystem::path& archive, const std::string& user, Mode mode,
                                      ProgressObserver* observer) {
    auto path = index_path(archive, user);
    if (mode == Mode::ReadWrite) {
        std::error_code error;
        std::filesystem::create_directories(path.parent_path(), error);
        if (error)
            return make_error(ErrorCode::Io, fmt::format("cannot create the index directory: {}", error.message()),
                              path.parent_path().string());
    } else if (std::error_code error; !std::filesystem::exists(path, error)) {
        return make_error(ErrorCode::NotFound,
                          fmt::format("user {} has no search index yet (import mail for them, or run `cairn reindex`)",
                                      user),
                          path.string());
    }
    auto recorder = std::make_unique<db::TokenRecorder>();
    auto database = CAIRN_TRY(open_connection(
        path, mode == Mode::ReadWrite ? db::OpenMode::ReadWrite : db::OpenMode::ReadOnly, recorder.get()));
    // Every catalog message has a placement (they are added in one transaction), so with one
    // user every message is theirs.
    bool sole_user = false;
    {
        auto users = CAIRN_TRY(database.prepare("SELECT count(*) = 1 AND max(name) = ? FROM catalog.users"));
        users.bind(1, user);
        sole_user = CAIRN_TRY(users.step()) && users.column_int(0) == 1;
    }
    SearchIndex index(std::move(recorder), std::move(database), user);
    index.m_sole_user = sole_user;
    if (mode == Mode::ReadWrite) {
        CAIRN_TRY_VOID(index.m_database.execute(SettingsSchema));
        const std::optional<std::string> version = CAIRN_TRY(index.setting("version"));
        if (version == std::to_string(MessageIdKeyedVersion)) {
            CAIRN_TRY_VOID(index.convert_from_message_id_keys(observer));
        } else if (version == std::to_string(TermlessVersion)) {
            CAIRN_TRY_VOID(index.add_terms_from_index(observer));
        } else if (version != std::to_string(IndexVersion)) {
            // Another version's tokens would give silently wrong results: start this index over.
            CAIRN_TRY_VOID(index.m_database.execute(DropIndexSchema));
            CAIRN_TRY_VOID(index.m_database.execute(IndexSchema));
            CAIRN_TRY_VOID(write_current_version(index.m_database));
            // Empty now: complete for no generation of the catalog.
            CAIRN_TRY_VOID(index.m_database.execute("DELETE FROM index_settings WHERE key = 'catalog_generation'"));
        }
    }
    {
        auto term_list = CAIRN_TRY(
            index.m_database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'index_terms'"));
        index.m_has_term_list = CAIRN_TRY(term_list.step());
    }
    return index;
}

Result<void> SearchIndex::convert_from_message_id_keys(ProgressObserver* observer) {
    // Version 2 had the same tokenizer and columns, keyed by message id: its texts (the costly
    // part, attachment text from worker processes) are kept and only re-keyed and re-tokenized,
    // in one transaction, so an interruption leaves version 2 to convert again next time.
    CAIRN_TRY_VOID(m_database.execute("BEGIN IMMEDIATE"));
    auto rollback_on_error = [this](Result<void> result) -> Result<void> {
        if (!result)
            (void)m_database.execute("ROLLBACK");
        return result;
    };
    return rollback_on_error([&]() -> Result<void> {
        CAIRN_TRY_VOID(m_database.execute("DROP TABLE documents; DROP VIEW document_view;"
                                          "ALTER TABLE document_texts RENAME TO old_document_texts;"));
        CAIRN_TRY_VOID(m_database.execute(IndexSchema));
        Progress progress;
        progress.current = "convert the search index of " + m_user;
        {
            auto total = CAIRN_TRY(m_database.prepare("SELECT count(*) FROM old_document_texts"));
            CAIRN_TRY(total.step());
            progress.total = static_cast<std::uint64_t>(total.column_int(0));
        }
        // Keys first, then the documents in key order (see m_pending for why).
        std::vector<std::pair<std::int64_t, std::int64_t>> keyed;  // (key, message id)
        {
            auto rows = CAIRN_TRY(m_database.prepare(
                "SELECT o.id, m.date FROM old_document_texts o LEFT JOIN catalog.messages m ON m.id = o.id ORDER BY o.id"));
            std::unordered_set<std::int64_t> taken;
            while (CAIRN_TRY(rows.step())) {
                const std::int64_t message_id = rows.column_int(0);
                const std::optional<std::int64_t> date =
                    rows.column_is_null(1) ? std::nullopt : std::optional<std::int64_t>(rows.column_int(1));
                std::int64_t key = document_key(date, message_id);
                while (taken.contains(key))
                    --key;
                taken.insert(key);
                keyed.emplace_back(key, message_id);
            }
        }
        std::sort(keyed.begin(), keyed.end());
        auto copy = CAIRN_TRY(m_database.prepare(
            "INSERT INTO document_texts(key, message_id, " + columns() + ") SELECT ?, id, " + columns() +
            " FROM old_document_texts WHERE id = ?"));
        auto tokenize = CAIRN_TRY(m_database.prepare(
            "INSERT INTO documents(rowid, " + columns() + ") SELECT key, " + columns() +
            " FROM document_view WHERE key = ?"));
        for (const auto& [key, message_id] : keyed) {
            copy.bind(1, key).bind(2, message_id);
            CAIRN_TRY_VOID(copy.run());
            tokenize.bind(1, key);
            m_recorder->set_recording(true);
            auto tokenized = tokenize.run();
            m_recorder->set_recording(false);
            CAIRN_TRY_VOID(tokenized);
            ++progress.done;
            if (progress.done % 1000 == 0) {
                CAIRN_TRY_VOID(write_recorded_terms());  // the recorder's memory stays bounded
                if (observer)
                    observer->update(progress);
            }
        }
        CAIRN_TRY_VOID(write_recorded_terms());
        CAIRN_TRY_VOID(m_database.execute("DROP TABLE old_document_texts"));
        CAIRN_TRY_VOID(write_current_version(m_database));
        CAIRN_TRY_VOID(m_database.execute("COMMIT"));
        if (observer)
            observer->finish(progress);
        return {};
    }());
}

Result<void> SearchIndex::add_terms_from_index(ProgressObserver* observer) {
    // FTS5 lists its terms through an fts5vocab table, reading every term's matches to count
    // them: once, here; a search needs the terms of one prefix in a millisecond.
    Progress progress;
    progress.current = "list the terms of the search index of " + m_user;
    if (observer)
        observer->update(progress);
    auto transaction = CAIRN_TRY(db::Transaction::begin(m_database));
    CAIRN_TRY_VOID(m_database.execute(IndexSchema));
    CAIRN_TRY_VOID(m_database.execute(
        "CREATE VIRTUAL TABLE temp.index_vocabulary USING fts5vocab(main, documents, 'row');"
        "INSERT OR IGNORE INTO index_terms(term) SELECT term FROM temp.index_vocabulary;"
        "DROP TABLE temp.index_vocabulary;"));
    CAIRN_TRY_VOID(write_current_version(m_database));
    CAIRN_TRY_VOID(transaction.commit());
    if (observer)
        observer->finish(progress);
    return {};
}

Result<void> SearchIndex::write_recorded_terms() {
    if (m_recorder->size() == 0)
        return {};
    std::vector<std::string> terms = m_recorder->take_sorted();
    auto inserted = [&]() -> Result<void> {
        db::Statement& insert = CAIRN_TRY(cached(m_insert_term, "INSERT OR IGNORE INTO index_terms(term) VALUES(?)"));
        for (const std::string& term : terms) {
            insert.reset();
            insert.bind(1, term);
            CAIRN_TRY_VOID(insert.run());
        }
        return {};
    }();
    // Kept for the next try: a document whose terms are not listed would be missed by prefixes.
    if (!inserted)
        for (const std::string& term : terms)
            m_recorder->record(term);
    return inserted;
}

Result<std::optional<std::vector<std::string>>> SearchIndex::prefix_terms(std::string_view prefix) {
    // An index of version 3 searched read-only (the desktop does while another program holds
    // the writer lock) has no term list yet.
    if (!m_has_term_list)
        return std::optional<std::vector<std::string>>();
    const std::vector<std::string> tokens = db::tokenize_for_search(prefix);
    // A prefix of several words (`"device tre"*`) is a phrase's last word: FTS5's to expand.
    if (tokens.size() != 1)
        return std::optional<std::vector<std::string>>();
    // Tokens are UTF-8, which has no byte 0xFF: the last byte plus one bounds the range.
    std::string after = tokens.front();
    after.back() = static_cast<char>(static_cast<unsigned char>(after.back()) + 1);
    auto query = CAIRN_TRY(m_database.prepare("SELECT term FROM index_terms WHERE term >= ? AND term < ? LIMIT ?"));
    query.bind(1, tokens.front()).bind(2, after).bind(3, static_cast<std::int64_t>(MaxExpandedTerms + 1));
    std::vector<std::string> terms;
    while (CAIRN_TRY(query.step())) {
        std::string term = query.column_text(0);
        // A term that the tokenizer would not read back as itself cannot be named in a MATCH.
        if (terms.size() == MaxExpandedTerms || db::tokenize_for_search(term) != std::vector<std::string>{term})
            return std::optional<std::vector<std::string>>();
        terms.push_back(std::move(term));
    }
    return std::optional<std::vector<std::string>>(std::move(terms));
}

Result<CompiledQuery> SearchIndex::compile(const std::string& query) {
    std::vector<std::pair<std::string, std::vector<std::string>>> expansions;
    for (const std::string& prefix : query_prefixes(query))
        if (auto terms = CAIRN_TRY(prefix_terms(prefix)))
            expansions.emplace_back(prefix, std::move(*terms));
    std::stable_sort(expansions.begin(), expansions.end(),
                     [](const auto& left, const auto& right) { return left.second.size() < right.second.size(); });
    QueryOptions options;
    std::size_t named = 0;
    for (auto& [prefix, terms] : expansions) {
        if (named + terms.size() > MaxExpandedTerms)
            break;
        named += terms.size();
        options.prefix_expansions.emplace(std::move(prefix), std::move(terms));
    }
    return compile_query_or_error(query, options);
}

Result<void> SearchIndex::begin() { return m_database.execute("BEGIN IMMEDIATE"); }

Result<void> SearchIndex::commit() {
    CAIRN_TRY_VOID(write_pending());
    return m_database.execute("COMMIT");
}

Result<std::reference_wrapper<db::Statement>> SearchIndex::cached(std::optional<db::Statement>& statement,
                                                                  std::string_view sql) {
    if (!statement)
        statement.emplace(CAIRN_TRY(m_database.prepare(sql)));
    statement->reset();
    return std::ref(*statement);
}

Result<bool> SearchIndex::contains(std::int64_t message_id) {
    if (m_pending_keys.contains(message_id))
        return true;
    db::Statement& query = CAIRN_TRY(cached(m_contains, "SELECT 1 FROM document_texts WHERE message_id = ?"));
    query.bind(1, message_id);
    const bool found = CAIRN_TRY(query.step());
    query.reset();  // a kept statement left on a row would hold its read transaction open
    return found;
}

Result<std::int64_t> SearchIndex::free_document_key(std::optional<std::int64_t> date, std::int64_t message_id) {
    db::Statement& taken = CAIRN_TRY(cached(m_key_taken, "SELECT 1 FROM document_texts WHERE key = ?"));
    std::int64_t key = document_key(date, message_id);
    while (true) {
        taken.reset();
        taken.bind(1, key);
        if (!m_pending.contains(key) && !CAIRN_TRY(taken.step()))
            return key;
        --key;
    }
}

Result<void> SearchIndex::add(std::int64_t message_id, std::optional<std::int64_t> date, IndexDocument document) {
    if (CAIRN_TRY(contains(message_id)))
        CAIRN_TRY_VOID(remove(message_id));
    const std::int64_t key = CAIRN_TRY(free_document_key(date, message_id));
    m_pending.emplace(key, PendingDocument{message_id, std::move(document)});
    m_pending_keys.emplace(message_id, key);
    return {};
}

Result<void> SearchIndex::write_pending() {
    for (const auto& [key, pending] : m_pending)
        CAIRN_TRY_VOID(write_document(key, pending.message_id, pending.document));
    m_pending.clear();
    m_pending_keys.clear();
    return write_recorded_terms();
}

Result<void> SearchIndex::write_document(std::int64_t key, std::int64_t message_id, const IndexDocument& document) {
    // The text goes in compressed; the index gets it as it is (FTS5 reads the stored text back
    // through document_view only for snippets and deletes).
    const std::string* texts[] = {&document.sender,  &document.recipients, &document.cc,
                                  &document.bcc,     &document.subject,    &document.body,
                                  &document.attachment, &document.filename, &document.headers};
    static_assert(std::extent_v<decltype(texts)> == std::size(IndexColumns), "one text per index column, in order");
    static const std::string insert_text =
        "INSERT INTO document_texts(key, message_id, " + columns() + ") VALUES(?, ?" + column_parameters() + ")";
    static const std::string insert_document =
        "INSERT INTO documents(rowid, " + columns() + ") VALUES(?" + column_parameters() + ")";
    db::Statement& text = CAIRN_TRY(cached(m_insert_text, insert_text));
    db::Statement& index = CAIRN_TRY(cached(m_insert_document, insert_document));
    text.bind(1, key).bind(2, message_id);
    index.bind(1, key);
    int parameter = 0;
    for (const std::string* column : texts) {
        db::bind_packed_text(text, parameter + 3, db::pack_text(*column));
        index.bind(parameter + 2, std::string_view(*column));
        ++parameter;
    }
    CAIRN_TRY_VOID(text.run());
    m_recorder->set_recording(true);
    auto indexed = index.run();
    m_recorder->set_recording(false);
    return indexed;
}

Result<void> SearchIndex::remove(std::int64_t message_id) {
    if (const auto pending = m_pending_keys.find(message_id); pending != m_pending_keys.end()) {
        m_pending.erase(pending->second);
        m_pending_keys.erase(pending);
        return {};
    }
    // An index over external content forgets a row only when told its old text.
    auto forget = CAIRN_TRY(m_database.prepare(
        "INSERT INTO documents(documents, rowid, " + columns() + ") SELECT 'delete', key, " + columns() +
        " FROM document_view WHERE key = (SELECT key FROM document_texts WHERE message_id = ?)"));
    forget.bind(1, message_id);
    CAIRN_TRY_VOID(forget.run());
    auto text = CAIRN_TRY(m_database.prepare("DELETE FROM document_texts WHERE message_id = ?"));
    text.bind(1, message_id);
    return text.run();
}

Result<std::vector<SearchIndex::MissingMessage>> SearchIndex::missing_messages() {
    CAIRN_TRY_VOID(write_pending());
    auto query = CAIRN_TRY(m_database.prepare(
        "SELECT DISTINCT p.message_id, m.date FROM catalog.placements p JOIN catalog.folders f ON f.id = p.folder_id "
        "JOIN catalog.users u ON u.id = f.user_id JOIN catalog.messages m ON m.id = p.message_id WHERE u.name = ? "
        "AND p.message_id NOT IN (SELECT message_id FROM document_texts) ORDER BY p.message_id"));
    query.bind(1, m_user);
    std::vector<MissingMessage> missing;
    while (CAIRN_TRY(query.step())) {
        MissingMessage message;
        message.message_id = query.column_int(0);
        if (!query.column_is_null(1))
            message.date = query.column_int(1);
        missing.push_back(message);
    }
    return missing;
}

Result<std::optional<std::string>> SearchIndex::setting(const char* key) { return read_setting(m_database, key); }

Result<std::int64_t> SearchIndex::catalog_generation() { return read_catalog_generation(m_database); }

Result<SearchIndex::State> SearchIndex::read_state(const std::filesystem::path& archive, const std::string& user) {
    auto database = CAIRN_TRY(db::Database::open(index_path(archive, user), db::OpenMode::ReadOnly));
    const std::optional<std::string> version = CAIRN_TRY(read_setting(database, "version"));
    return State{version == std::to_string(IndexVersion), CAIRN_TRY(read_catalog_generation(database))};
}

Result<void> SearchIndex::set_catalog_generation(std::int64_t generation) {
    auto upsert = CAIRN_TRY(m_database.prepare(
        "INSERT OR REPLACE INTO index_settings(key, value) VALUES('catalog_generation', ?)"));
    upsert.bind(1, std::to_string(generation));
    return upsert.run();
}

Result<bool> SearchIndex::is_current_version() {
    auto value = CAIRN_TRY(setting("version"));
    return value && *value == std::to_string(IndexVersion);
}

Result<std::uint64_t> SearchIndex::document_count() {
    CAIRN_TRY_VOID(write_pending());
    auto query = CAIRN_TRY(m_database.prepare("SELECT count(*) FROM document_texts"));
    CAIRN_TRY(query.step());
    return static_cast<std::uint64_t>(query.column_int(0));
}

Result<std::uint64_t> SearchIndex::count(const std::string& query) {
    CAIRN_TRY_VOID(write_pending());
    auto compiled = CAIRN_TRY(compile(query));
    // A prefix left to FTS5 is expanded over the whole index by every MATCH, whatever its key
    // range, so a query with one is not worth slicing. Nor is a count inside a write transaction: another
    // connection would not see its documents.
    // A count from the catalog reads every candidate anyway; only one driven by full text uses
    // the folder's few messages (plan_search).
    const bool few = !compiled.driving_match.empty() && CAIRN_TRY(few_candidates(compiled));
    if (!compiled.driving_match.empty() && !compiled.has_prefix_terms && !m_database.in_transaction())
        return count_in_slices(compiled, few);
    return count_matches(m_database, compiled, m_sole_user, m_user, few, std::nullopt);
}

Result<std::uint64_t> SearchIndex::count_in_slices(const CompiledQuery& compiled, bool few) {
    // Dated documents have keys from 0 up in date order, undated ones keys below 0. (One
    // subquery per bound: each is then a b-tree edge, not a scan.)
    auto bounds = CAIRN_TRY(m_database.prepare(
        "SELECT (SELECT min(key) FROM document_texts), (SELECT max(key) FROM document_texts),"
        " (SELECT min(key) FROM document_texts WHERE key >= 0)"));
    if (!CAIRN_TRY(bounds.step()) || bounds.column_is_null(0))
        return 0;
    const std::int64_t lowest = bounds.column_int(0);
    const std::int64_t highest = bounds.column_int(1);
    if (bounds.column_is_null(2))
        return count_matches(m_database, compiled, m_sole_user, m_user, few, std::nullopt);
    const DocumentKeyRange dated{bounds.column_int(2), highest + 1};

    // A MATCH of many terms (an expanded prefix) starts a reader per term in every segment at
    // each slice: 10 ms for init*'s 163 terms at a million messages, more than a probe would
    // tell. Such a count goes in two halves, one per thread, from the start. Any other count
    // reads the newest 32nd of the dates first, alone: it tells whether the rest is worth a
    // second thread, and is a small share of the work done on one thread only.
    const bool many_terms = compiled.expanded_prefix_terms >= ManyMatchTerms;
    std::vector<DocumentKeyRange> slices;
    std::int64_t rest_end = dated.end;
    if (!many_terms) {
        rest_end = dated.end - std::max<std::int64_t>(1, (dated.end - dated.first) / ProbeShare);
        slices.push_back({rest_end, dated.end});
    }
    // Newest first, as many documents as the dates spread them; the undated ones last (with
    // many terms, in the older half).
    const std::int64_t slice_count = many_terms ? 2 : CountSlices;
    const std::int64_t width = (rest_end - dated.first + slice_count - 1) / slice_count;
    for (std::int64_t end = rest_end; end > dated.first; end -= width)
        slices.push_back({std::max(dated.first, end - width), end});
    if (lowest < dated.first) {
        if (many_terms)
            slices.back().first = lowest;
        else
            slices.push_back({lowest, dated.first});
    }

    std::uint64_t total = 0;
    if (!many_terms) {
        const auto started = std::chrono::steady_clock::now();
        total = CAIRN_TRY(count_matches(m_database, compiled, m_sole_user, m_user, few, slices.front()));
        if (slices.size() == 1)
            return total;
        // FTS5 tests a key range's end only at a match: a slice reads on past its end to the
        // next match. Where matches are sparse, that is most of the index for every slice
        // (filename:dts*, no match in a million messages: 15 ms whole, 56 ms in slices), so
        // only a probe with many matches shows that slices will stop near their ends.
        if (std::chrono::steady_clock::now() - started < m_parallel_count_after || total < m_parallel_count_matches)
            return total + CAIRN_TRY(count_matches(m_database, compiled, m_sole_user, m_user, few,
                                                   DocumentKeyRange{lowest, slices.front().first}));
    } else if (slices.size() == 1) {
        return count_matches(m_database, compiled, m_sole_user, m_user, few, slices.front());
    }

    // Many matches: FTS5 reads every one of them on one core. A second connection on another
    // thread takes slices too, until none are left.
    std::atomic<std::size_t> next_slice{many_terms ? 0u : 1u};
    auto count_slices = [&](db::Database& database, std::uint64_t& counted) -> Result<void> {
        for (std::size_t slice; (slice = next_slice.fetch_add(1)) < slices.size();) {
            auto in_slice = count_matches(database, compiled, m_sole_user, m_user, few, slices[slice]);
            if (!in_slice) {
                next_slice = slices.size();
                return std::unexpected(in_slice.error());
            }
            counted += *in_slice;
        }
        return {};
    };
    std::uint64_t worker_total = 0;
    Result<void> worker_result;
    std::thread worker([&] {
        try {
            // Without a second connection, this thread takes no slice: the first counts them all.
            if (auto connection = open_connection(m_database.path(), db::OpenMode::ReadOnly))
                worker_result = count_slices(*connection, worker_total);
        } catch (const std::exception& error) {
            next_slice = slices.size();
            worker_result = make_error(ErrorCode::Internal, fmt::format("counting failed: {}", error.what()));
        }
    });
    Result<void> result = count_slices(m_database, total);
    worker.join();
    CAIRN_TRY_VOID(result);
    CAIRN_TRY_VOID(worker_result);
    return total + worker_total;
}

Result<std::vector<SearchHit>> SearchIndex::search(const SearchRequest& request) {
    CAIRN_TRY_VOID(write_pending());
    auto compiled = CAIRN_TRY(compile(request.query));
    const bool few = CAIRN_TRY(few_candidates(compiled));
    SearchPlan plan = plan_search(compiled, m_sole_user, m_user, PlanPurpose::Page, few);
    // bm25 (rank) reads every match's column sizes: only computed when sorting by it. A page
    // newest first is read by FTS5 in its own order and ends at the LIMIT, so the snippets are
    // made in the same statement, for the page's rows only; sorted by relevance, every match is
    // ranked before the LIMIT, so the page comes first and its snippets after (add_snippets).
    const bool by_relevance = request.sort == SortOrder::Relevance && plan.driven_by_text;
    const bool snippets_in_page = plan.driven_by_text && !by_relevance;
    std::string sql = "SELECT " + plan.id_column + ", " + plan.key_column + ", " +
                      (by_relevance ? "documents.rank" : "0") + (snippets_in_page ? ", cairn_snippet(documents), cairn_snippet_column(documents)" : "") +
                      plan.from_where + plan.group_by;
    if (by_relevance)
        sql += " ORDER BY documents.rank, documents.rowid DESC";
    else if (plan.driven_by_text)
        sql += " ORDER BY documents.rowid DESC";  // newest first: FTS5 reads its matches so, to the page's end
    else if (few)
        sql += " ORDER BY +m.date DESC, +m.id DESC";  // '+': sort the few, do not walk the date index
    else
        sql += " ORDER BY m.date DESC, m.id DESC";
    sql += " LIMIT ? OFFSET ?";
    auto page = CAIRN_TRY(m_database.prepare(sql));
    int index = bind_values(page, 1, plan.parameters);
    page.bind(index++, static_cast<std::int64_t>(request.limit));
    page.bind(index++, static_cast<std::int64_t>(request.offset));
    std::vector<SearchHit> hits;
    std::vector<std::int64_t> keys;
    while (CAIRN_TRY(page.step())) {
        SearchHit hit;
        hit.message_id = page.column_int(0);
        hit.rank = page.column_double(2);
        if (snippets_in_page)
            set_snippet(hit, page, 3);
        hits.push_back(std::move(hit));
        keys.push_back(page.column_int(1));
    }
    CAIRN_TRY_VOID(add_details(hits));
    if (by_relevance && !hits.empty())
        CAIRN_TRY_VOID(add_snippets(compiled, hits, keys));
    return hits;
}

Result<bool> SearchIndex::few_candidates(const CompiledQuery& compiled) {
    // SQLite orders a page newest first by walking the date index and testing each message,
    // even when a size condition (larger:1M) has its own index and leaves a few hundred of a
    // million messages: 250 ms. So does a folder condition, with a placement lookup for every
    // message. A bounded count on the size index or on the user's placements tells; then those
    // few are sorted instead. Other catalog conditions either are dates (the walk is right) or
    // have no index (the walk is as good as anything). A search driven by full text reads its
    // matches newest first as well; there only a folder condition is worth the count.
    const bool by_text = !compiled.driving_match.empty();
    const bool by_placements = by_text ? compiled.residual_uses_folder : compiled.uses_folder;
    if (!by_placements && (by_text || compiled.condition.find("m.size") == std::string::npos))
        return false;
    const std::string& condition = by_text ? compiled.residual_condition : compiled.condition;
    const std::vector<SqlValue>& parameters = by_text ? compiled.residual_parameters : compiled.parameters;
    // A negated word in the condition (folder:X -word) is a MATCH over the whole index: the
    // bounded count would pay for it once more than the walk does.
    if (by_text ? compiled.residual_has_match : compiled.condition_has_match)
        return false;
    // Where the two cost the same: a page newest first of larger:100K (5,995 of a million
    // messages) took 13 ms sorted and 21 ms walked; the walk reads about 50 / share rows.
    constexpr int FewCandidates = 8000;
    const std::string limit = " LIMIT " + std::to_string(FewCandidates);
    auto count = CAIRN_TRY(m_database.prepare(
        by_placements ? "SELECT count(*) FROM (SELECT DISTINCT m.id" + placements_join(condition) + limit + ")"
                      : "SELECT count(*) FROM (SELECT 1 FROM catalog.messages m WHERE (" + condition + ")" + limit +
                            ")"));
    int index = 1;
    if (by_placements)
        count.bind(index++, m_user);
    bind_values(count, index, parameters);
    CAIRN_TRY(count.step());
    return count.column_int(0) < FewCandidates;
}

Result<void> SearchIndex::add_details(std::vector<SearchHit>& hits) {
    // What is shown of each hit.
    auto details = CAIRN_TRY(m_database.prepare(
        "SELECT m.date, m.sender, m.recipients, m.subject, m.size, m.attachment_names, "
        "(SELECT group_concat(f.path, char(10)) FROM catalog.placements p JOIN catalog.folders f ON f.id = p.folder_id "
        " JOIN catalog.users u ON u.id = f.user_id WHERE p.message_id = m.id AND u.name = ?) "
        "FROM catalog.messages m WHERE m.id = ?"));
    for (auto& hit : hits) {
        details.reset();
        details.bind(1, m_user).bind(2, hit.message_id);
        if (CAIRN_TRY(details.step())) {
            if (!details.column_is_null(0))
                hit.date = details.column_int(0);
            hit.from = details.column_text(1);
            hit.to = details.column_text(2);
            hit.subject = details.column_text(3);
            hit.size = static_cast<std::uint64_t>(details.column_int(4));
            hit.attachment_names = split_lines(details.column_text(5));
            hit.folders = split_lines(details.column_text(6));
        }
    }
    return {};
}

Result<void> SearchIndex::add_snippets(const CompiledQuery& compiled, std::vector<SearchHit>& hits,
                                       const std::vector<std::int64_t>& keys) {
    if (!compiled.has_prefix_terms && compiled.expanded_prefix_terms == 0) {
        // A term or phrase MATCH with rowid = ? is a few b-tree seeks per hit.
        auto snippets = CAIRN_TRY(m_database.prepare(
            "SELECT cairn_snippet(documents), cairn_snippet_column(documents) FROM documents "
            "WHERE documents MATCH ? AND rowid = ?"));
        for (std::size_t position = 0; position < hits.size(); ++position) {
            snippets.reset();
            snippets.bind(1, compiled.relevance_match).bind(2, keys[position]);
            if (CAIRN_TRY(snippets.step()))
                set_snippet(hits[position], snippets, 0);
        }
        return {};
    }
    // A prefix is expanded over the whole index by every MATCH, or its terms each seek in every
    // segment, so here one statement for the page: the match is evaluated once and only the page's rows get a snippet. The '+' keeps
    // SQLite from handing the IN list to FTS5, which would run the MATCH once per value.
    std::string listed;
    for (const std::int64_t key : keys)
        listed += (listed.empty() ? "" : ",") + std::to_string(key);
    auto snippets = CAIRN_TRY(m_database.prepare(
        "SELECT rowid, cairn_snippet(documents), cairn_snippet_column(documents) FROM documents "
        "WHERE documents MATCH ? AND +rowid IN (" + listed + ")"));
    snippets.bind(1, compiled.relevance_match);
    while (CAIRN_TRY(snippets.step())) {
        const std::int64_t key = snippets.column_int(0);
        for (std::size_t position = 0; position < hits.size(); ++position)
            if (keys[position] == key)
                set_snippet(hits[position], snippets, 1);
    }
    return {};
}

}  // namespace cairn::search
