// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/db/database.h"

#include <sqlite3.h>

#include <cerrno>

#include <fmt/format.h>

namespace cairn::db {

Result<Database> Database::open(const std::filesystem::path& path, OpenMode mode) {
    // SQLite counts its memory under one process-wide mutex by default, which makes threads on
    // connections of their own (a count on two cores) wait for each other at every allocation.
    // It can only be turned off before SQLite initialises, which the first open does.
    static const bool memory_statistics_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
    (void)memory_statistics_off;
    sqlite3* handle = nullptr;
    int flags = mode == OpenMode::ReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    flags |= SQLITE_OPEN_NOMUTEX;
    int status = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
    if (status != SQLITE_OK) {
        std::string message = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(status);
        sqlite3_close(handle);
        ErrorCode code = status == SQLITE_CANTOPEN ? ErrorCode::NotFound : ErrorCode::Io;
        return make_error(code, fmt::format("cannot open the database: {}", message), path.string());
    }
    Database database(handle, path);
    sqlite3_busy_timeout(handle, 10000);
    sqlite3_extended_result_codes(handle, 1);
    if (mode == OpenMode::ReadWrite) {
        // WAL lets readers (list, export, a second process) run while an import writes.
        // synchronous=FULL: a committed catalog row must survive power loss, because the pack
        // truncation on open trusts the committed pack length.
        CAIRN_TRY_VOID(database.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
    } else {
        CAIRN_TRY_VOID(database.execute("PRAGMA foreign_keys=ON;"));
    }
    return database;
}

Database::Database(Database&& other) noexcept : m_handle(other.m_handle), m_path(std::move(other.m_path)) {
    other.m_handle = nullptr;
}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        sqlite3_close_v2(m_handle);
        m_handle = other.m_handle;
        m_path = std::move(other.m_path);
        other.m_handle = nullptr;
    }
    return *this;
}

Database::~Database() { sqlite3_close_v2(m_handle); }

bool Database::in_transaction() const { return sqlite3_get_autocommit(m_handle) == 0; }

namespace {

/// An error from the connection's last failure, naming the database file.
Error connection_error(sqlite3* handle, std::string_view what) {
    int code = sqlite3_extended_errcode(handle);
    ErrorCode error_code = ErrorCode::Io;
    switch (code & 0xff) {
    case SQLITE_FULL: error_code = ErrorCode::NoSpace; break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: error_code = ErrorCode::Busy; break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: error_code = ErrorCode::Corrupt; break;
    case SQLITE_CONSTRAINT: error_code = ErrorCode::AlreadyExists; break;
    case SQLITE_READONLY:
    case SQLITE_PERM: error_code = ErrorCode::PermissionDenied; break;
    default: break;
    }
    // SQLite reports a write refused for size (a file size limit) as an I/O error; the system
    // error tells what it really was.
    int system_error = sqlite3_system_errno(handle);
    if ((code & 0xff) == SQLITE_IOERR && (system_error == ENOSPC || system_error == EFBIG))
        error_code = ErrorCode::NoSpace;
    // By the time the error reaches us SQLite may have made other system calls (rolling back),
    // so the errno is not always the failed write's: an I/O error is most often a full disk.
    const bool failed_write = (code & 0xff) == SQLITE_IOERR;
    const char* file = sqlite3_db_filename(handle, "main");
    std::string hint = error_code == ErrorCode::NoSpace
                           ? " (free some disk space and run the same command again)"
                           : failed_write ? " (if the disk is full, free some disk space and run the same command again)"
                                          : "";
    return Error{error_code, fmt::format("{}: {}{}", what, sqlite3_errmsg(handle), hint), file ? file : ""};
}

}  // namespace

Error Database::error(std::string_view what) const { return connection_error(m_handle, what); }

Result<void> Database::execute(std::string_view sql) {
    std::string text(sql);
    char* message = nullptr;
    if (sqlite3_exec(m_handle, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        sqlite3_free(message);
        return std::unexpected(error("database statement failed"));
    }
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(m_handle, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &statement,
                           nullptr) != SQLITE_OK)
        return std::unexpected(error(fmt::format("cannot prepare \"{}\"", sql.substr(0, 60))));
    return Statement(statement);
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(m_handle); }
int Database::changes() const { return sqlite3_changes(m_handle); }

Statement::Statement(Statement&& other) noexcept : m_statement(other.m_statement) { other.m_statement = nullptr; }

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(m_statement);
        m_statement = other.m_statement;
        other.m_statement = nullptr;
    }
    return *this;
}

Statement::~Statement() { sqlite3_finalize(m_statement); }

Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(m_statement, index, value);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text64(m_statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    sqlite3_bind_blob64(m_statement, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind_null(int index) {
    sqlite3_bind_null(m_statement, index);
    return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
    return value ? bind(index, *value) : bind_null(index);
}

Result<bool> Statement::step() {
    int status = sqlite3_step(m_statement);
    if (status == SQLITE_ROW)
        return true;
    if (status == SQLITE_DONE)
        return false;
    Error failure = connection_error(sqlite3_db_handle(m_statement), "database step failed");
    sqlite3_reset(m_statement);
    return std::unexpected(std::move(failure));
}

Result<void> Statement::run() {
    auto stepped = step();
    reset();
    if (!stepped)
        return std::unexpected(stepped.error());
    return {};
}

void Statement::reset() {
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

std::int64_t Statement::column_int(int column) const { return sqlite3_column_int64(m_statement, column); }

double Statement::column_double(int column) const { return sqlite3_column_double(m_statement, column); }

std::string Statement::column_text(int column) const {
    const auto* text = sqlite3_column_text(m_statement, column);
    return text ? std::string(reinterpret_cast<const char*>(text),
                              static_cast<std::size_t>(sqlite3_column_bytes(m_statement, column)))
                : std::string();
}

std::string Statement::column_blob(int column) const {
    const void* data = sqlite3_column_blob(m_statement, column);
    return data ? std::string(static_cast<const char*>(data),
                              static_cast<std::size_t>(sqlite3_column_bytes(m_statement, column)))
                : std::string();
}

bool Statement::column_is_null(int column) const { return sqlite3_column_type(m_statement, column) == SQLITE_NULL; }

Result<Transaction> Transaction::begin(Database& database) {
    CAIRN_TRY_VOID(database.execute("BEGIN IMMEDIATE"));
    return Transaction(database);
}

Transaction::~Transaction() {
    if (m_database)
        (void)m_database->execute("ROLLBACK");
}

Result<void> Transaction::commit() {
    Database* database = m_database;
    m_database = nullptr;
    auto committed = database->execute("COMMIT");
    if (!committed) {
        (void)database->execute("ROLLBACK");
        return committed;
    }
    return {};
}

}  // namespace cairn::db
