// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/search/search_index.h"

#include <fmt/format.h>

#include <charconv>

#include "core/db/packed_text.h"
#include "core/db/text_snippet.h"
#include "core/db/text_tokenizer.h"
#include "core/search/index_schema.h"
#include "core/search/query.h"

namespace cairn::search {
namespace {

// Bumped when the tokenizer or the columns change: an index of another version is rebuilt.
constexpr int IndexVersion = 2;

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
    db::SnippetFunction function{"cairn_snippet", {}, 16};
    for (const char* name : {"body", "attachment", "subject", "filename", "sender", "recipients", "cc", "bcc", "headers"})
        for (int column = 0; column < static_cast<int>(std::size(IndexColumns)); ++column)
            if (std::string_view(IndexColumns[column]) == name)
                function.column_preference.push_back(column);
    return function;
}

Result<CompiledQuery> compile(const std::string& query) {
    auto compiled = compile_query(query);
    if (auto* error = std::get_if<QuerySyntaxError>(&compiled)) {
        std::string pointer = query + "\n" + std::string(std::min(error->position, query.size()), ' ') + "^";
        return make_error(ErrorCode::InvalidArgument, fmt::format("{} (at position {})\n{}", error->message,
                                                                  error->position, pointer),
                          "query");
    }
    return std::get<CompiledQuery>(std::move(compiled));
}

/// The FROM and WHERE every search shares. A message counts once, however many of the user's
/// folders hold it: the placement (and so `f`, `u`) is tested in an EXISTS. With full-text
/// terms, the search is driven from the FTS5 match (the rows it finds are few) rather than
/// from all messages.
///
/// Three shortcuts keep common words fast at a million messages: a document in this index is
/// always a message of this user (the import adds documents only for the user's placements), so
/// without a folder condition the placement test is needed only when no full-text term drives
/// the search; in an archive of one user every message is theirs, so there it is not needed
/// either (it costs a few b-tree probes per candidate row: 130 ms for 38,000 rows); and a search
/// driven by the index tests only the residual condition (CompiledQuery::driving_match).
std::string search_body(const CompiledQuery& compiled, bool sole_user, bool& binds_user) {
    const bool driven_by_text = !compiled.driving_match.empty();
    const std::string& condition = driven_by_text ? compiled.residual_condition : compiled.condition;
    const bool uses_folder = driven_by_text ? compiled.residual_uses_folder : compiled.uses_folder;
    std::string sql;
    if (driven_by_text)
        sql += " FROM documents JOIN catalog.messages m ON m.id = documents.rowid";
    else
        sql += " FROM catalog.messages m";
    binds_user = uses_folder || (!driven_by_text && !sole_user);
    if (binds_user) {
        sql += " WHERE EXISTS (SELECT 1 FROM catalog.placements p JOIN catalog.folders f ON f.id = p.folder_id"
               " JOIN catalog.users u ON u.id = f.user_id WHERE p.message_id = m.id AND u.name = ? AND (";
        sql += condition + "))";
    } else {
        sql += " WHERE (" + condition + ")";
    }
    if (driven_by_text)
        sql += " AND documents MATCH ?";
    return sql;
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

/// Binds what search_body's SQL needs: the user (when tested), the condition's parameters and
/// the MATCH. Returns the next parameter's index.
int bind_body(db::Statement& statement, const CompiledQuery& compiled, const std::string& user, bool binds_user) {
    int index = 1;
    if (binds_user)
        statement.bind(index++, user);
    const bool driven_by_text = !compiled.driving_match.empty();
    index = bind_values(statement, index, driven_by_text ? compiled.residual_parameters : compiled.parameters);
    if (driven_by_text)
        statement.bind(index++, compiled.driving_match);
    return index;
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

Result<SearchIndex> SearchIndex::open(const std::filesystem::path& archive, const std::string& user, Mode mode) {
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
    auto database = CAIRN_TRY(db::Database::open(
        path, mode == Mode::ReadWrite ? db::OpenMode::ReadWrite : db::OpenMode::ReadOnly));
    CAIRN_TRY_VOID(db::register_text_tokenizer(database));
    CAIRN_TRY_VOID(db::register_unpack_text(database));
    CAIRN_TRY_VOID(db::register_snippet_function(database, snippet_function()));
    if (mode == Mode::ReadWrite) {
        CAIRN_TRY_VOID(database.execute(SettingsSchema));
        bool current = false;
        {
            // Finished before the DROP below, which an unfinished statement would block.
            auto version = CAIRN_TRY(database.prepare("SELECT value FROM index_settings WHERE key = 'version'"));
            current = CAIRN_TRY(version.step()) && version.column_text(0) == std::to_string(IndexVersion);
        }
        if (!current) {
            // Another version's tokens would give silently wrong results: start this index over.
            CAIRN_TRY_VOID(database.execute(DropIndexSchema));
            CAIRN_TRY_VOID(database.execute(IndexSchema));
            CAIRN_TRY_VOID(database.execute(fmt::format(
                "INSERT OR REPLACE INTO index_settings(key, value) VALUES('version', '{}')", IndexVersion)));
            // Empty now: complete for no generation of the catalog.
            CAIRN_TRY_VOID(database.execute("DELETE FROM index_settings WHERE key = 'catalog_generation'"));
        }
    }
    auto catalog = (archive / "catalog.db").string();
    auto attach = CAIRN_TRY(database.prepare("ATTACH DATABASE ? AS catalog"));
    // Read-only: a search must never change the catalog, and the writer owns it.
    attach.bind(1, "file:" + catalog + "?mode=ro");
    CAIRN_TRY_VOID(attach.run());
    // Every catalog message has a placement (they are added in one transaction), so with one
    // user every message is theirs.
    auto users = CAIRN_TRY(database.prepare("SELECT count(*) = 1 AND max(name) = ? FROM catalog.users"));
    users.bind(1, user);
    const bool sole_user = CAIRN_TRY(users.step()) && users.column_int(0) == 1;
    SearchIndex index(std::move(database), user);
    index.m_sole_user = sole_user;
    return index;
}

Result<void> SearchIndex::begin() { return m_database.execute("BEGIN IMMEDIATE"); }
Result<void> SearchIndex::commit() { return m_database.execute("COMMIT"); }

Result<bool> SearchIndex::contains(std::int64_t message_id) {
    auto query = CAIRN_TRY(m_database.prepare("SELECT 1 FROM document_texts WHERE id = ?"));
    query.bind(1, message_id);
    return query.step();
}

Result<void> SearchIndex::add(std::int64_t message_id, const IndexDocument& document) {
    // The text goes in compressed; the index gets it as it is (FTS5 reads the stored text back
    // through document_view only for snippets and deletes).
    if (CAIRN_TRY(contains(message_id)))
        CAIRN_TRY_VOID(remove(message_id));
    const std::string* columns[] = {&document.sender, &document.recipients, &document.cc,
                                    &document.bcc,    &document.subject,    &document.body,
                                    &document.attachment, &document.filename, &document.headers};
    auto text = CAIRN_TRY(m_database.prepare(
        "INSERT INTO document_texts(id, sender, recipients, cc, bcc, subject, body, attachment, filename, headers) "
        "VALUES(?,?,?,?,?,?,?,?,?,?)"));
    auto index = CAIRN_TRY(m_database.prepare(
        "INSERT INTO documents(rowid, sender, recipients, cc, bcc, subject, body, attachment, filename, headers) "
        "VALUES(?,?,?,?,?,?,?,?,?,?)"));
    text.bind(1, message_id);
    index.bind(1, message_id);
    int parameter = 2;
    for (const std::string* column : columns) {
        db::bind_packed_text(text, parameter, db::pack_text(*column));
        index.bind(parameter, std::string_view(*column));
        ++parameter;
    }
    CAIRN_TRY_VOID(text.run());
    return index.run();
}

Result<void> SearchIndex::remove(std::int64_t message_id) {
    // An index over external content forgets a row only when told its old text.
    auto forget = CAIRN_TRY(m_database.prepare(
        "INSERT INTO documents(documents, rowid, sender, recipients, cc, bcc, subject, body, attachment, filename, "
        "headers) SELECT 'delete', id, sender, recipients, cc, bcc, subject, body, attachment, filename, headers "
        "FROM document_view WHERE id = ?"));
    forget.bind(1, message_id);
    CAIRN_TRY_VOID(forget.run());
    auto text = CAIRN_TRY(m_database.prepare("DELETE FROM document_texts WHERE id = ?"));
    text.bind(1, message_id);
    return text.run();
}

Result<std::vector<std::int64_t>> SearchIndex::missing_messages() {
    auto query = CAIRN_TRY(m_database.prepare(
        "SELECT DISTINCT p.message_id FROM catalog.placements p JOIN catalog.folders f ON f.id = p.folder_id "
        "JOIN catalog.users u ON u.id = f.user_id WHERE u.name = ? "
        "AND p.message_id NOT IN (SELECT id FROM document_texts) ORDER BY p.message_id"));
    query.bind(1, m_user);
    std::vector<std::int64_t> ids;
    while (CAIRN_TRY(query.step()))
        ids.push_back(query.column_int(0));
    return ids;
}

Result<std::optional<std::string>> SearchIndex::setting(const char* key) {
    auto exists = CAIRN_TRY(m_database.prepare(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'index_settings'"));
    if (!CAIRN_TRY(exists.step()))
        return std::optional<std::string>();
    auto query = CAIRN_TRY(m_database.prepare("SELECT value FROM index_settings WHERE key = ?"));
    query.bind(1, key);
    if (!CAIRN_TRY(query.step()))
        return std::optional<std::string>();
    return std::optional<std::string>(query.column_text(0));
}

Result<std::int64_t> SearchIndex::catalog_generation() {
    auto value = CAIRN_TRY(setting("catalog_generation"));
    std::int64_t generation = 0;
    if (value && std::from_chars(value->data(), value->data() + value->size(), generation).ec != std::errc())
        return make_error(ErrorCode::Corrupt, "the index's catalog generation is not a number", m_database.path().string());
    return generation;
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
    auto query = CAIRN_TRY(m_database.prepare("SELECT count(*) FROM document_texts"));
    CAIRN_TRY(query.step());
    return static_cast<std::uint64_t>(query.column_int(0));
}

Result<std::uint64_t> SearchIndex::count(const std::string& query) {
    auto compiled = CAIRN_TRY(compile(query));
    if (!compiled.driving_match.empty() && compiled.residual_condition == "1") {
        // All full text: the index's own rows are the user's messages, no catalog row is needed.
        auto statement = CAIRN_TRY(m_database.prepare("SELECT count(*) FROM documents WHERE documents MATCH ?"));
        statement.bind(1, compiled.driving_match);
        CAIRN_TRY(statement.step());
        return static_cast<std::uint64_t>(statement.column_int(0));
    }
    bool binds_user = false;
    auto statement = CAIRN_TRY(m_database.prepare("SELECT count(*)" + search_body(compiled, m_sole_user, binds_user)));
    bind_body(statement, compiled, m_user, binds_user);
    CAIRN_TRY(statement.step());
    return static_cast<std::uint64_t>(statement.column_int(0));
}

Result<std::vector<SearchHit>> SearchIndex::search(const SearchRequest& request) {
    auto compiled = CAIRN_TRY(compile(request.query));
    const bool ranked = !compiled.relevance_match.empty();

    // First the page: ids only. snippet() is costly, and computed in the same query it would run
    // for every match before the sort and the LIMIT (seconds for a common word).
    // bm25 (rank) reads every match's column sizes: only computed when sorting by it.
    const bool by_relevance = request.sort == SortOrder::Relevance && ranked;
    if (!by_relevance) {
        if (auto newest = CAIRN_TRY(newest_page_by_probing(compiled, request)))
            return add_details(compiled, std::move(*newest));
    }
    bool binds_user = false;
    std::string page_sql =
        std::string("SELECT m.id, ") + (by_relevance ? "documents.rank" : "0") + search_body(compiled, m_sole_user, binds_user);
    if (by_relevance)
        page_sql += " ORDER BY documents.rank, m.id DESC";
    else if (CAIRN_TRY(few_size_candidates(compiled)))
        page_sql += " ORDER BY +m.date DESC, +m.id DESC";  // '+': sort the few, do not walk the date index
    else
        page_sql += " ORDER BY m.date DESC, m.id DESC";
    page_sql += " LIMIT ? OFFSET ?";
    auto page = CAIRN_TRY(m_database.prepare(page_sql));
    int index = bind_body(page, compiled, m_user, binds_user);
    page.bind(index++, static_cast<std::int64_t>(request.limit));
    page.bind(index++, static_cast<std::int64_t>(request.offset));
    std::vector<SearchHit> hits;
    while (CAIRN_TRY(page.step())) {
        SearchHit hit;
        hit.message_id = page.column_int(0);
        hit.rank = page.column_double(1);
        hits.push_back(std::move(hit));
    }

    return add_details(compiled, std::move(hits));
}

Result<bool> SearchIndex::few_size_candidates(const CompiledQuery& compiled) {
    // SQLite orders a page newest first by walking the date index and testing each message,
    // even when a size condition (larger:1M) has its own index and leaves a few hundred of a
    // million messages: 250 ms. A bounded count on the size index tells; then those few are
    // sorted instead. Other catalog conditions either are dates (the walk is right) or have no
    // index (the walk is as good as anything).
    if (!compiled.driving_match.empty() || compiled.uses_folder ||
        compiled.condition.find("m.size") == std::string::npos)
        return false;
    constexpr int FewCandidates = 2000;
    auto count = CAIRN_TRY(m_database.prepare("SELECT count(*) FROM (SELECT 1 FROM catalog.messages m WHERE (" +
                                              compiled.condition + ") LIMIT " + std::to_string(FewCandidates) + ")"));
    bind_values(count, 1, compiled.parameters);
    CAIRN_TRY(count.step());
    return count.column_int(0) < FewCandidates;
}

Result<std::optional<std::vector<SearchHit>>> SearchIndex::newest_page_by_probing(const CompiledQuery& compiled,
                                                                                 const SearchRequest& request) {
    // For a word in most messages ("kernel" in 700,000 of a million), the page newest first is
    // quicker found from the newest messages, asking the index about each one, than by sorting
    // every match by date. The index answers a rowid probe with a few b-tree seeks; a prefix
    // would be expanded anew for each probe, so not for those. If the newest messages do not
    // fill the page, the word is not common enough: the usual plan follows.
    const std::uint64_t wanted = request.offset + request.limit;
    if (compiled.driving_match.empty() || compiled.has_prefix_terms || wanted == 0 || wanted > 500)
        return std::optional<std::vector<SearchHit>>();
    const std::int64_t window = static_cast<std::int64_t>(2 * wanted + 100);
    const bool binds_user = compiled.residual_uses_folder || !m_sole_user;
    std::string sql = "SELECT m.id FROM (SELECT * FROM catalog.messages ORDER BY date DESC, id DESC LIMIT ?) m WHERE ";
    if (binds_user)
        sql += "EXISTS (SELECT 1 FROM catalog.placements p JOIN catalog.folders f ON f.id = p.folder_id"
               " JOIN catalog.users u ON u.id = f.user_id WHERE p.message_id = m.id AND u.name = ? AND (" +
               compiled.residual_condition + "))";
    else
        sql += "(" + compiled.residual_condition + ")";
    sql += " AND EXISTS (SELECT 1 FROM documents WHERE documents MATCH ? AND documents.rowid = m.id)"
           " ORDER BY m.date DESC, m.id DESC LIMIT ? OFFSET ?";
    auto page = CAIRN_TRY(m_database.prepare(sql));
    int index = 1;
    page.bind(index++, window);
    if (binds_user)
        page.bind(index++, m_user);
    index = bind_values(page, index, compiled.residual_parameters);
    page.bind(index++, compiled.driving_match);
    page.bind(index++, static_cast<std::int64_t>(request.limit));
    page.bind(index++, static_cast<std::int64_t>(request.offset));
    std::vector<SearchHit> hits;
    while (CAIRN_TRY(page.step())) {
        SearchHit hit;
        hit.message_id = page.column_int(0);
        hits.push_back(std::move(hit));
    }
    // A full page from the window is the true page: every message outside it is older than
    // every message in it.
    if (hits.size() < request.limit)
        return std::optional<std::vector<SearchHit>>();
    return std::optional<std::vector<SearchHit>>(std::move(hits));
}

Result<std::vector<SearchHit>> SearchIndex::add_details(const CompiledQuery& compiled, std::vector<SearchHit> hits) {
    const bool ranked = !compiled.relevance_match.empty();
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
    if (ranked && !hits.empty())
        CAIRN_TRY_VOID(add_snippets(compiled, hits));
    return hits;
}

Result<void> SearchIndex::add_snippets(const CompiledQuery& compiled, std::vector<SearchHit>& hits) {
    if (!compiled.has_prefix_terms) {
        // A term or phrase MATCH with rowid = ? is a few b-tree seeks per hit.
        auto snippets = CAIRN_TRY(m_database.prepare(
            "SELECT cairn_snippet(documents) FROM documents WHERE documents MATCH ? AND rowid = ?"));
        for (auto& hit : hits) {
            snippets.reset();
            snippets.bind(1, compiled.relevance_match).bind(2, hit.message_id);
            if (CAIRN_TRY(snippets.step()))
                hit.snippet = snippets.column_text(0);
        }
        return {};
    }
    // A prefix is expanded over the whole index by every MATCH, so here one statement for the
    // page: the match is evaluated once and only the page's rows get a snippet. The '+' keeps
    // SQLite from handing the IN list to FTS5, which would run the MATCH once per value.
    std::string ids;
    for (const auto& hit : hits)
        ids += (ids.empty() ? "" : ",") + std::to_string(hit.message_id);
    auto snippets = CAIRN_TRY(m_database.prepare(
        "SELECT rowid, cairn_snippet(documents) FROM documents WHERE documents MATCH ? AND +rowid IN (" + ids + ")"));
    snippets.bind(1, compiled.relevance_match);
    while (CAIRN_TRY(snippets.step())) {
        const std::int64_t id = snippets.column_int(0);
        for (auto& hit : hits)
            if (hit.message_id == id)
                hit.snippet = snippets.column_text(1);
    }
    return {};
}

}  // namespace cairn::search
