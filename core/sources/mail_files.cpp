// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/mail_files.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <vector>

#include <fmt/core.h>
#include <sys/stat.h>

#include "core/sources/common/file_stream.h"
#include "core/sources/common/folder_path.h"
#include "core/sources/container/archive_reader.h"
#include "core/sources/mail_stream.h"
#include "core/sources/maildir/maildir_flags.h"
#include "core/sources/thunderbird/folder_cache.h"
#include "core/sources/thunderbird/profile_layout.h"
#include "core/sources/tree_conventions.h"

namespace cairn::sources {
namespace {

namespace fs = std::filesystem;

/// How a file sits in the tree, which decides its folders and flags.
struct FilePlacement {
    std::string folder;        ///< folder of the directory holding the file
    bool in_maildir = false;   ///< the file is in a Maildir "cur" or "new"
    bool is_import_root = false;
    TreeKind kind = TreeKind::Plain;  ///< conventions of the directory holding the file
};

class Walker {
public:
    Walker(const ReadOptions& options, MessageSink& sink) : m_options(options), m_sink(sink) {}

    /// Reads one file; errors opening it are failures unless it is the import root.
    Result<StreamOutcome> read_file(const fs::path& path, const FilePlacement& placement) {
        const fs::path absolute = fs::absolute(path).lexically_normal();
        const std::string source_path = absolute.string();
        struct stat status {};
        if (::stat(path.c_str(), &status) != 0) {
            if (placement.is_import_root)
                return make_errno_error(errno, "cannot read", source_path);
            report_errno(source_path, errno, "cannot read file");
            return StreamOutcome::ReadError;
        }
        FileIdentity identity{source_path, static_cast<std::uint64_t>(status.st_size),
                              static_cast<std::int64_t>(status.st_mtim.tv_sec) * 1'000'000'000 +
                                  status.st_mtim.tv_nsec};
        const std::string file_name = path.filename().string();
        const FileRole role = classify_file(placement.kind, file_name);
        if (role.empty_is_empty_folder && status.st_size == 0) {
            m_sink.on_skipped(source_path, "an empty folder");
            return StreamOutcome::Completed;
        }
        if (!m_sink.should_read(identity))
            return StreamOutcome::Completed;

        Result<FileStream> stream = FileStream::open(path);
        if (!stream) {
            if (placement.is_import_root)
                return std::unexpected(stream.error());
            m_sink.on_failure(ItemFailure{source_path, 0, stream.error().describe()});
            return StreamOutcome::ReadError;
        }
        StreamOrigin origin;
        origin.source_path = source_path;
        origin.file_name = file_name;
        origin.folder = placement.folder;
        origin.in_thunderbird_profile = placement.kind == TreeKind::ThunderbirdAccount;
        origin.file_path = path.string();
        if (placement.in_maildir) {
            origin.mbox_folder = placement.folder;
            origin.flags = maildir::flags_from_file_name(file_name);
            origin.received_time = static_cast<std::int64_t>(status.st_mtim.tv_sec);
        } else if (placement.is_import_root) {
            origin.mbox_folder = placement.folder;
        } else {
            origin.mbox_folder =
                join_folder(placement.folder, shown_name(placement.kind, path, role.mbox_folder_component));
        }

        StreamOutcome outcome = read_mail_stream(*stream, origin, ArchivePolicy::Return, m_options.cancel, m_sink);
        if (outcome == StreamOutcome::IsArchive) {
            // An archive's members map below the folder a directory of that name would have.
            std::string base = placement.is_import_root
                                   ? placement.folder
                                   : join_folder(placement.folder, archive_folder_component(file_name));
            outcome = container::read_archive(path, source_path, base, m_options.cancel, m_sink);
        }
        if (outcome == StreamOutcome::Completed) {
            m_sink.on_file_complete(identity);
            if (file_name.ends_with(".partial.emlx"))
                ++m_partial_emlx_count;
        }
        return outcome;
    }

    /// Walks DIRECTORY (folder FOLDER) in sorted order.
    Result<StreamOutcome> walk(const fs::path& directory, const std::string& folder, bool is_import_root,
                               TreeKind kind) {
        std::error_code error;
        fs::directory_iterator iterator(directory, error);
        if (error) {
            if (is_import_root)
                return make_errno_error(error.value(), "cannot read directory", directory.string());
            report_errno(fs::absolute(directory).lexically_normal().string(), error.value(), "cannot read directory");
            return StreamOutcome::ReadError;
        }
        std::vector<fs::directory_entry> entries;
        for (; iterator != fs::directory_iterator(); iterator.increment(error)) {
            if (error)
                break;
            entries.push_back(*iterator);
        }
        if (error) {
            report_errno(fs::absolute(directory).lexically_normal().string(), error.value(),
                         "cannot list the whole directory");
        }
        std::sort(entries.begin(), entries.end(), [](const fs::directory_entry& left, const fs::directory_entry& right) {
            return left.path().filename().native() < right.path().filename().native();
        });

        const bool is_maildir_messages = maildir::is_message_directory_name(directory.filename().string());
        if (kind == TreeKind::Plain && thunderbird::is_installation_directory(directory))
            kind = TreeKind::ThunderbirdInstallation;
        for (const fs::directory_entry& entry : entries) {
            if (m_options.cancel != nullptr && m_options.cancel->is_cancelled())
                return StreamOutcome::Cancelled;
            const std::string name = entry.path().filename().string();
            std::error_code type_error;
            const bool is_symlink = entry.is_symlink(type_error);
            const bool is_directory = entry.is_directory(type_error);
            const bool is_regular = entry.is_regular_file(type_error);
            StreamOutcome outcome = StreamOutcome::Completed;
            if (is_directory) {
                if (is_symlink) {
                    m_sink.on_skipped(display(entry.path()), "a symbolic link to a directory is not followed");
                    continue;
                }
                if ((kind == TreeKind::Plain || kind == TreeKind::ThunderbirdInstallation) &&
                    thunderbird::is_profile_directory(entry.path())) {
                    outcome = CAIRN_TRY(read_thunderbird_profile(entry.path(), join_folder(folder, name), false));
                } else {
                    DirectoryRole role = classify_directory(kind, name);
                    if (role.skip_reason) {
                        m_sink.on_skipped(display(entry.path()), *role.skip_reason);
                        continue;
                    }
                    outcome = CAIRN_TRY(walk(entry.path(),
                                             join_folder(folder, shown_name(kind, entry.path(), role.folder_component)),
                                             false, role.kind));
                }
            } else if (is_regular) {
                if (std::optional<std::string> why = classify_file(kind, name).skip_reason) {
                    m_sink.on_skipped(display(entry.path()), *why);
                    continue;
                }
                outcome = CAIRN_TRY(read_file(entry.path(), FilePlacement{folder, is_maildir_messages, false, kind}));
            } else {
                m_sink.on_skipped(display(entry.path()), "not a regular file or directory");
                continue;
            }
            if (outcome == StreamOutcome::Stopped || outcome == StreamOutcome::Cancelled)
                return outcome;
        }
        return StreamOutcome::Completed;
    }

    /// Reads PROFILE as Thunderbird shows it: each account's folders below the account's name.
    Result<StreamOutcome> read_thunderbird_profile(const fs::path& profile, const std::string& folder,
                                                   bool is_import_root) {
        Result<thunderbird::ProfileLayout> layout = thunderbird::read_profile_layout(profile);
        if (!layout) {
            if (is_import_root)
                return std::unexpected(layout.error());
            m_sink.on_failure(ItemFailure{display(profile), 0, layout.error().describe()});
            return StreamOutcome::ReadError;
        }
        use_folder_names_of(profile);
        for (const thunderbird::Account& account : layout->accounts) {
            if (!account.directory_exists) {
                m_sink.on_skipped(display(account.directory),
                                  fmt::format("the account \"{}\" keeps no mail on this disk", account.name));
                continue;
            }
            StreamOutcome outcome = CAIRN_TRY(
                walk(account.directory, join_folder(folder, account.name), false, TreeKind::ThunderbirdAccount));
            if (outcome == StreamOutcome::Stopped || outcome == StreamOutcome::Cancelled)
                return outcome;
        }
        return StreamOutcome::Completed;
    }

    /// Says once how many Apple Mail messages were archived without their detached attachments.
    void report_partial_messages(const fs::path& root) {
        if (m_partial_emlx_count == 0)
            return;
        m_sink.on_warning(display(root),
                          fmt::format("{} Apple Mail message{} (.partial.emlx) {} archived as Mail keeps {}, "
                                      "without the attachments it stores apart; to archive those too, let Mail "
                                      "download the whole messages, or export the mailbox from Mail",
                                      m_partial_emlx_count, m_partial_emlx_count == 1 ? "" : "s",
                                      m_partial_emlx_count == 1 ? "was" : "were",
                                      m_partial_emlx_count == 1 ? "it" : "them"));
    }

    /// Names hashed Thunderbird folders from PROFILE's folder cache.
    void use_folder_names_of(const fs::path& profile) { m_folder_names = thunderbird::FolderNames::read(profile); }

private:
    /// A folder's name as its mail program shows it: COMPONENT (from the file name), or for a
    /// Thunderbird folder whose file name is a hash, the name Thunderbird keeps for it.
    std::string shown_name(TreeKind kind, const fs::path& path, const std::string& component) const {
        if (kind == TreeKind::ThunderbirdAccount && !component.empty()) {
            if (std::optional<std::string> name = m_folder_names.hashed_folder_name(path))
                return *name;
        }
        return component;
    }

    static std::string display(const fs::path& path) { return fs::absolute(path).lexically_normal().string(); }

    /// "mail.tar.zst" -> "mail", "enron.pst.zst" -> "enron": the folder an archive's members (or
    /// a lone compressed mbox or PST) go below.
    static std::string archive_folder_component(const std::string& file_name) {
        constexpr std::array<std::string_view, 15> Suffixes{".tar.gz", ".tar.zst", ".tar.xz", ".tar.bz2", ".tgz",
                                                            ".tzst",   ".txz",     ".tbz2",   ".tar",     ".zip",
                                                            ".7z",     ".gz",      ".zst",    ".xz",      ".bz2"};
        for (std::string_view suffix : Suffixes) {
            if (file_name.size() > suffix.size() && file_name.ends_with(suffix))
                return mbox_folder_component(file_name.substr(0, file_name.size() - suffix.size()));
        }
        return file_name;
    }

    void report_errno(const std::string& path, int error_number, std::string_view what) {
        m_sink.on_failure(ItemFailure{path, 0, make_errno_error(error_number, what).error().describe()});
    }

    const ReadOptions& m_options;
    MessageSink& m_sink;
    thunderbird::FolderNames m_folder_names;  ///< of the profile being read
    std::uint64_t m_partial_emlx_count = 0;
};

}  // namespace

Result<void> read_mail_path(const fs::path& path, const ReadOptions& options, MessageSink& sink) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0)
        return make_errno_error(errno, "cannot read", path.string());
    // "x/cur/" must still be seen as a directory named "cur".
    fs::path root = path.lexically_normal();
    if (!root.has_filename() && root.has_parent_path())
        root = root.parent_path();
    Walker walker(options, sink);
    StreamOutcome outcome = StreamOutcome::Completed;
    if (S_ISDIR(status.st_mode)) {
        // The root's own name decides its conventions, as it would one level down.
        if (thunderbird::is_profile_directory(root)) {
            outcome = CAIRN_TRY(walker.read_thunderbird_profile(root, "", true));
        } else if (std::optional<fs::path> profile = thunderbird::profile_holding(root)) {
            walker.use_folder_names_of(*profile);
            outcome = CAIRN_TRY(walker.walk(root, "", true, TreeKind::ThunderbirdAccount));
        } else {
            outcome = CAIRN_TRY(
                walker.walk(root, "", true, classify_directory(TreeKind::Plain, root.filename().string()).kind));
        }
    } else if (S_ISREG(status.st_mode)) {
        const TreeKind kind =
            thunderbird::profile_holding(root.parent_path()) ? TreeKind::ThunderbirdAccount : TreeKind::Plain;
        outcome = CAIRN_TRY(walker.read_file(root, FilePlacement{"", false, true, kind}));
    } else {
        return make_error(ErrorCode::Unsupported, "not a file or directory", path.string());
    }
    if (outcome == StreamOutcome::Cancelled)
        return make_error(ErrorCode::Cancelled, "reading was cancelled", path.string());
    walker.report_partial_messages(root);
    return {};
}

}  // namespace cairn::sources
