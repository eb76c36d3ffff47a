// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.h"

struct sqlite3;
struct sqlite3_stmt;

/// RAII over SQLite; the only module that includes sqlite3.h.
namespace cairn::db {

enum class OpenMode { ReadWrite, ReadOnly };

class Statement;

class Database {
public:
    /// Opens (ReadWrite: creates) a database in WAL mode with foreign keys on.
    static Result<Database> open(const std::filesystem::path& path, OpenMode mode);

    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    ~Database();

    /// Runs one or more statements that return no rows.
    Result<void> execute(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);
    std::int64_t last_insert_id() const;
    /// Rows changed by the last statement.
    int changes() const;
    const std::filesystem::path& path() const { return m_path; }
    /// The raw connection, for core/db internals only (registering the FTS5 tokenizer); no other
    /// module includes sqlite3.h, so nothing else can use it.
    sqlite3* handle() const { return m_handle; }
    /// Between BEGIN and COMMIT (or ROLLBACK).
    bool in_transaction() const;

private:
    Database(sqlite3* handle, std::filesystem::path path) : m_handle(handle), m_path(std::move(path)) {}
    Error error(std::string_view what) const;
    sqlite3* m_handle = nullptr;
    std::filesystem::path m_path;
    friend class Statement;
};

/// A prepared statement. Bind indexes start at 1, column indexes at 0.
class Statement {
public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind_blob(int index, std::string_view bytes);
    Statement& bind_null(int index);
    Statement& bind(int index, std::optional<std::int64_t> value);

    /// True when a row is ready, false when done.
    Result<bool> step();
    /// step() for statements that return no rows; resets the statement afterwards.
    Result<void> run();
    void reset();

    std::int64_t column_int(int column) const;
    double column_double(int column) const;
    std::string column_text(int column) const;
    std::string column_blob(int column) const;
    bool column_is_null(int column) const;

private:
    explicit Statement(sqlite3_stmt* statement) : m_statement(statement) {}
    // No pointer back to the Database: a Database (and a Catalog holding it) may be moved while
    // its cached statements live on.
    sqlite3_stmt* m_statement = nullptr;
    friend class Database;
};

/// BEGIN IMMEDIATE on construction; rolls back unless commit() was called.
class Transaction {
public:
    static Result<Transaction> begin(Database& database);
    Transaction(Transaction&& other) noexcept : m_database(other.m_database) { other.m_database = nullptr; }
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Result<void> commit();

private:
    explicit Transaction(Database& database) : m_database(&database) {}
    Database* m_database;
};

}  // namespace cairn::db
