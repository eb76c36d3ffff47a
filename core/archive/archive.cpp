// SPDX-License-Identifier: GPL-3.0-or-later
// Creating and opening an archive, its keys and catalog, and searching it. Reading messages is in
// archive_messages.cpp, importing in import_job.cpp and indexing in indexing.cpp: apart, so that
// `cairn search` (app/cli/search_main.cpp) links none of the MIME, source and export libraries.
#include "core/archive/archive.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <span>

#include <fmt/format.h>

#include "core/archive/archive_impl.h"
#include "core/platform/key_cache.h"
#include "core/search/search_index.h"

namespace cairn {
namespace {

constexpr const char* CatalogFileName = "catalog.db";
constexpr const char* LockFileName = "lock";

Result<int> take_writer_lock(const std::filesystem::path& directory) {
    auto path = directory / LockFileName;
    int descriptor = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (descriptor < 0)
        return make_errno_error(errno, "cannot open the archive's lock file", path.string());
    if (::flock(descriptor, LOCK_EX | LOCK_NB) != 0) {
        int error_number = errno;
        ::close(descriptor);
        if (error_number == EWOULDBLOCK)
            return make_error(ErrorCode::Busy,
                              "another Cairn process is writing to this archive; wait for it to finish",
                              directory.string());
        return make_errno_error(error_number, "cannot lock the archive", directory.string());
    }
    // The holder's process id, for a person wondering who holds the lock.
    std::string pid = fmt::format("{}\n", ::getpid());
    if (::ftruncate(descriptor, 0) == 0)
        (void)!::write(descriptor, pid.data(), pid.size());
    return descriptor;
}

// What `init` writes before cairn.archive, the file that makes a directory an archive.
constexpr const char* InitFiles[] = {"catalog.db", "catalog.db-wal", "catalog.db-shm", "catalog.db-journal", "lock"};

bool only_interrupted_init_left(const std::filesystem::path& directory) {
    std::error_code error;
    for (auto it = std::filesystem::directory_iterator(directory, error);
         !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
        auto name = it->path().filename().string();
        if (std::find(std::begin(InitFiles), std::end(InitFiles), name) == std::end(InitFiles))
            return false;
    }
    return !error;
}

std::uint64_t file_size_or_zero(const std::filesystem::path& path) {
    std::error_code error;
    auto size = std::filesystem::file_size(path, error);
    return error ? 0 : size;
}

std::uint64_t directory_size(const std::filesystem::path& path) {
    std::uint64_t total = 0;
    std::error_code error;
    for (auto it = std::filesystem::recursive_directory_iterator(path, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error))
        if (it->is_regular_file(error))
            total += file_size_or_zero(it->path());
    return total;
}

}  // namespace

namespace {

constexpr auto KeyCacheTimeout = std::chrono::minutes(10);

/// A value that shows a passphrase is the one the cached keys were unlocked with, without
/// storing the passphrase or anything that makes guessing it cheaper than the keys themselves.
crypto::Digest passphrase_check(const store::ArchiveKeys& keys, std::string_view passphrase) {
    return crypto::hmac_sha256(keys.dedup, std::string("cairn passphrase check v1|").append(passphrase));
}

void cache_keys(const store::ArchiveKeys& keys, std::string_view passphrase) {
    std::string secret;
    secret.append(reinterpret_cast<const char*>(keys.data.data()), keys.data.size());
    secret.append(reinterpret_cast<const char*>(keys.dedup.data()), keys.dedup.size());
    auto check = passphrase_check(keys, passphrase);
    secret.append(reinterpret_cast<const char*>(check.data()), check.size());
    platform::remember_secret(keys.archive_id, secret, KeyCacheTimeout);
    crypto::wipe(std::span(reinterpret_cast<std::uint8_t*>(secret.data()), secret.size()));
}

Result<store::ArchiveKeys> unlock_keys(const std::filesystem::path& directory, const Unlock& unlock) {
    if (unlock.use_key_cache) {
        auto archive_id = CAIRN_TRY(store::read_archive_id(directory));
        if (auto cached = platform::recall_secret(archive_id, KeyCacheTimeout); cached && cached->size() == 96) {
            store::ArchiveKeys keys;
            keys.archive_id = archive_id;
            std::memcpy(keys.data.data(), cached->data(), 32);
            std::memcpy(keys.dedup.data(), cached->data() + 32, 32);
            crypto::Digest check{};
            std::memcpy(check.data(), cached->data() + 64, 32);
            crypto::wipe(std::span(reinterpret_cast<std::uint8_t*>(cached->data()), cached->size()));
            // No passphrase given: like an agent, the cache answers. A given one must match;
            // if it does not, the full check below decides (and refuses a wrong one).
            if (!unlock.passphrase || passphrase_check(keys, *unlock.passphrase) == check)
                return keys;
        }
    }
    std::string passphrase;
    if (unlock.passphrase)
        passphrase = *unlock.passphrase;
    else if (unlock.ask)
        passphrase = CAIRN_TRY(unlock.ask());
    else
        return make_error(ErrorCode::PermissionDenied, "no passphrase given", directory.string());
    auto keys = CAIRN_TRY(store::unlock_archive_keys(directory, passphrase));
    if (unlock.use_key_cache)
        cache_keys(keys, passphrase);
    return keys;
}

}  // namespace

Archive::Impl::~Impl() {
    catalog.reset();
    if (lock_descriptor >= 0)
        ::close(lock_descriptor);
}

Archive::Archive(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Archive::Archive(Archive&&) noexcept = default;
Archive& Archive::operator=(Archive&&) noexcept = default;
Archive::~Archive() = default;

const std::filesystem::path& Archive::directory() const { return m_impl->directory; }

std::filesystem::path default_archive_directory() {
    if (const char* configured = std::getenv("CAIRN_ARCHIVE"); configured && *configured)
        return configured;
    if (const char* data_home = std::getenv("XDG_DATA_HOME"); data_home && *data_home)
        return std::filesystem::path(data_home) / "cairn" / "archive";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home ? home : ".") / ".local" / "share" / "cairn" / "archive";
}

Result<CreatedArchive> Archive::create(const std::filesystem::path& directory, std::string_view passphrase,
                                       const CreateOptions& options) {
    if (passphrase.empty())
        return make_error(ErrorCode::InvalidArgument, "the passphrase must not be empty");
    std::error_code error;
    if (std::filesystem::exists(directory / store::ArchiveFileName, error))
        return make_error(ErrorCode::AlreadyExists, "an archive exists here already; it was left as it is",
                          directory.string());
    if (std::filesystem::exists(directory, error) && !std::filesystem::is_empty(directory, error)) {
        if (!only_interrupted_init_left(directory))
            return make_error(ErrorCode::AlreadyExists,
                              "the directory is not empty; choose an empty or new directory for the archive",
                              directory.string());
        // An earlier init stopped before writing cairn.archive: what it left holds nothing yet.
        for (const char* name : InitFiles)
            std::filesystem::remove(directory / name, error);
    }
    std::filesystem::create_directories(directory, error);
    if (error)
        return make_error(ErrorCode::Io, fmt::format("cannot create the directory: {}", error.message()),
                          directory.string());
    // The archive is private: the catalog holds subjects and addresses in plain text for now.
    std::filesystem::permissions(directory, std::filesystem::perms::owner_all, error);
    int lock = CAIRN_TRY(take_writer_lock(directory));
    auto impl = std::make_unique<Impl>();
    impl->lock_descriptor = lock;
    impl->directory = std::filesystem::absolute(directory).lexically_normal();
    impl->access = Access::ReadWrite;
    // The catalog is created before the key file: an archive without cairn.archive is not an
    // archive yet, so a failure here leaves nothing that claims to be one.
    impl->catalog = std::make_unique<store::Catalog>(
        CAIRN_TRY(store::Catalog::open(directory / CatalogFileName, db::OpenMode::ReadWrite)));
    CAIRN_TRY_VOID(impl->catalog->set_setting("store_byte_limit", std::to_string(options.store_byte_limit)));
    CAIRN_TRY_VOID(impl->catalog->set_setting("store_message_limit", std::to_string(options.store_message_limit)));
    auto created = CAIRN_TRY(store::create_archive_keys(directory, passphrase));
    CAIRN_TRY_VOID(store::sync_directory(directory));
    if (options.use_key_cache)
        cache_keys(created.keys, passphrase);
    impl->keys = created.keys;
    return CreatedArchive{Archive(std::move(impl)), created.recovery_key};
}

Result<Archive> Archive::open(const std::filesystem::path& directory, std::string_view passphrase, Access access) {
    Unlock unlock;
    unlock.passphrase = std::string(passphrase);
    unlock.use_key_cache = false;
    return open(directory, unlock, access);
}

Result<void> Archive::change_passphrase(const std::filesystem::path& directory, std::string_view current,
                                        bool current_is_recovery_key, std::string_view new_passphrase) {
    int lock = CAIRN_TRY(take_writer_lock(directory));
    auto changed = store::change_passphrase(
        directory, current, current_is_recovery_key ? store::Credential::RecoveryKey : store::Credential::Passphrase,
        new_passphrase);
    ::close(lock);
    CAIRN_TRY_VOID(changed);
    // The cached keys are still right, but their passphrase check is for the old passphrase.
    return forget_cached_keys(directory);
}

Result<void> Archive::forget_cached_keys(const std::filesystem::path& directory) {
    platform::forget_secret(CAIRN_TRY(store::read_archive_id(directory)));
    return {};
}

Result<Archive> Archive::open(const std::filesystem::path& directory, const Unlock& unlock, Access access) {
    std::error_code error;
    if (!std::filesystem::exists(directory / store::ArchiveFileName, error))
        return make_error(ErrorCode::NotFound,
                          "no Cairn archive here; create one with `cairn init` or name another with --archive",
                          directory.string());
    auto impl = std::make_unique<Impl>();
    impl->directory = std::filesystem::absolute(directory).lexically_normal();
    impl->access = access;
    // Unlock first: a wrong passphrase must not touch anything (not even the pack tails).
    impl->keys = CAIRN_TRY(unlock_keys(directory, unlock));
    if (access == Access::ReadWrite)
        impl->lock_descriptor = CAIRN_TRY(take_writer_lock(directory));
    impl->catalog = std::make_unique<store::Catalog>(CAIRN_TRY(store::Catalog::open(
        directory / CatalogFileName, access == Access::ReadWrite ? db::OpenMode::ReadWrite : db::OpenMode::ReadOnly)));
    return Archive(std::move(impl));
}

Result<std::vector<MessageListing>> Archive::list(const ListFilter& filter) { return m_impl->catalog->list(filter); }

Result<std::vector<store::Catalog::EnvelopeAddress>> Archive::envelope(std::int64_t message_id) {
    return m_impl->catalog->envelope_addresses(message_id);
}

Result<ArchiveStatistics> Archive::statistics() {
    ArchiveStatistics statistics;
    statistics.catalog = CAIRN_TRY(m_impl->catalog->statistics());
    statistics.pack_file_bytes = directory_size(m_impl->directory / "stores");
    statistics.catalog_file_bytes = file_size_or_zero(m_impl->directory / CatalogFileName) +
                                    file_size_or_zero(m_impl->directory / "catalog.db-wal");
    statistics.index_file_bytes = directory_size(m_impl->directory / "index");
    return statistics;
}

Result<std::vector<std::string>> Archive::users() {
    auto query = CAIRN_TRY(m_impl->catalog->database().prepare("SELECT name FROM users ORDER BY name"));
    std::vector<std::string> names;
    while (CAIRN_TRY(query.step()))
        names.push_back(query.column_text(0));
    return names;
}

Result<std::vector<FolderSummary>> Archive::folders(const std::string& user) {
    // Folders are made on the way to a message, so every folder row of the user has a
    // placement unless a run was cut off; HAVING leaves such empty ones out.
    auto query = CAIRN_TRY(m_impl->catalog->database().prepare(
        "SELECT f.path, count(p.id) FROM folders f JOIN users u ON u.id = f.user_id"
        " LEFT JOIN placements p ON p.folder_id = f.id WHERE u.name = ?"
        " GROUP BY f.id HAVING count(p.id) > 0 ORDER BY f.path"));
    query.bind(1, user);
    std::vector<FolderSummary> folders;
    while (CAIRN_TRY(query.step()))
        folders.push_back({query.column_text(0), static_cast<std::uint64_t>(query.column_int(1))});
    return folders;
}

Result<std::vector<search::SearchHit>> Archive::search(const std::string& user, const search::SearchRequest& request) {
    auto index = CAIRN_TRY(search::SearchIndex::open(m_impl->directory, user, search::SearchIndex::Mode::ReadOnly));
    return index.search(request);
}

Result<std::uint64_t> Archive::count(const std::string& user, const std::string& query) {
    auto index = CAIRN_TRY(search::SearchIndex::open(m_impl->directory, user, search::SearchIndex::Mode::ReadOnly));
    return index.count(query);
}

bool is_damaged_index_error(const Error& error) {
    // Errors of the search connection name its main file, index/<user>.db.
    const std::filesystem::path file(error.context);
    return error.code == ErrorCode::Corrupt && file.parent_path().filename() == "index" && file.extension() == ".db";
}

Result<IndexHealth> Archive::index_health(const std::string& user) {
    const auto path = search::index_path(m_impl->directory, user);
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        const auto users = CAIRN_TRY(this->users());
        if (std::find(users.begin(), users.end(), user) == users.end())
            return IndexHealth{};  // no mail, nothing to index
        return IndexHealth{IndexCondition::Missing, fmt::format("the search index {} is missing", path.string())};
    }
    auto check = [&]() -> Result<IndexHealth> {
        const auto state = CAIRN_TRY(search::SearchIndex::read_state(m_impl->directory, user));
        if (!state.current_version)
            return IndexHealth{IndexCondition::Outdated,
                               fmt::format("the search index {} was built by another version of Cairn", path.string())};
        const std::int64_t indexed = state.catalog_generation;
        const std::int64_t archived = CAIRN_TRY(m_impl->catalog->index_generation(user));
        if (indexed < archived)
            return IndexHealth{IndexCondition::Lagging,
                               fmt::format("the search index {} lacks the last {} import batch{} (an import was "
                                           "interrupted)",
                                           path.string(), archived - indexed, archived - indexed == 1 ? "" : "es")};
        return IndexHealth{};
    };
    auto health = check();
    if (!health && is_damaged_index_error(health.error()))
        return IndexHealth{IndexCondition::Damaged,
                           fmt::format("the search index {} is damaged: {}", path.string(), health.error().message)};
    return health;
}

}  // namespace cairn
