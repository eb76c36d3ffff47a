// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/export/export_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <iterator>
#include <map>

#include <fmt/format.h>

namespace cairn::exporting {
namespace {

/// One path component: a name from mail data (a user, a folder) can never climb out of the
/// export directory, start over at the root, or hide.
std::string safe_component(std::string_view component) {
    std::string out;
    for (char c : component)
        out.push_back(c == '\0' || c == '\\' || c == '/' ? '_' : c);
    if (out.empty())
        return "_";
    if (out == "." || out == ".." || out.front() == '.')
        out.insert(out.begin(), '_');
    return out;
}

Result<void> write_new_file(const std::filesystem::path& path, std::string_view bytes) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error)
        return make_error(ErrorCode::Io, fmt::format("cannot create the directory: {}", error.message()),
                          path.parent_path().string());
    // Exported mail is as private as the archive: readable by its owner only.
    int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (descriptor < 0 && errno == EEXIST) {
        // Exporting again into the same place is fine when the file holds the same bytes.
        std::ifstream in(path, std::ios::binary);
        std::string existing(std::istreambuf_iterator<char>(in), {});
        if (existing == bytes)
            return {};
        return make_error(ErrorCode::AlreadyExists, "a different file of that name exists; it was left as it is",
                          path.string());
    }
    if (descriptor < 0)
        return make_errno_error(errno, "cannot create the file", path.string());
    while (!bytes.empty()) {
        ssize_t written = ::write(descriptor, bytes.data(), bytes.size());
        if (written < 0) {
            if (errno == EINTR)
                continue;
            int error_number = errno;
            ::close(descriptor);
            ::unlink(path.c_str());  // never leave half a message behind
            return make_errno_error(error_number, "cannot write the file", path.string());
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    if (::close(descriptor) != 0)
        return make_errno_error(errno, "cannot write the file", path.string());
    return {};
}

std::string envelope_sender(std::string_view from) {
    // The address inside <...>, else the first word that looks like an address.
    auto open = from.find('<');
    auto close = from.find('>', open == std::string_view::npos ? 0 : open);
    std::string_view address;
    if (open != std::string_view::npos && close != std::string_view::npos && close > open + 1)
        address = from.substr(open + 1, close - open - 1);
    else if (from.find('@') != std::string_view::npos && from.find(' ') == std::string_view::npos)
        address = from;
    std::string out;
    for (char c : address)
        if (c > ' ' && c < 127)
            out.push_back(c);
    return out.empty() ? "MAILER-DAEMON" : out;
}

class EmlWriter final : public ExportWriter {
public:
    explicit EmlWriter(std::filesystem::path out) : m_out(std::move(out)) {}
    Result<void> add(const store::MessageListing& listing, std::string_view bytes) override {
        return write_new_file(m_out / safe_relative_path(listing.user, listing.folder) /
                                  fmt::format("{}.eml", listing.message_id),
                              bytes);
    }
    Result<void> finish() override { return {}; }

private:
    std::filesystem::path m_out;
};

class MboxWriter final : public ExportWriter {
public:
    explicit MboxWriter(std::filesystem::path out) : m_out(std::move(out)) {}
    ~MboxWriter() override {
        if (m_file)
            std::fclose(m_file);
    }

    Result<void> add(const store::MessageListing& listing, std::string_view bytes) override {
        auto path = m_out / safe_relative_path(listing.user, listing.folder.empty() ? "messages" : listing.folder);
        path += ".mbox";
        if (path != m_path) {
            CAIRN_TRY_VOID(close_current());
            std::error_code error;
            std::filesystem::create_directories(path.parent_path(), error);
            if (std::filesystem::exists(path, error) && !m_started.contains(path))
                return make_error(ErrorCode::AlreadyExists, "the mbox file exists already; it was left as it is",
                                  path.string());
            m_file = std::fopen(path.c_str(), m_started.contains(path) ? "ab" : "wb");
            if (!m_file)
                return make_errno_error(errno, "cannot create the mbox file", path.string());
            m_started[path] = true;
            m_path = path;
        }
        std::string entry = mboxrd_entry(listing, bytes);
        if (std::fwrite(entry.data(), 1, entry.size(), m_file) != entry.size())
            return make_errno_error(errno, "cannot write the mbox file", m_path.string());
        return {};
    }

    Result<void> finish() override { return close_current(); }

private:
    Result<void> close_current() {
        if (!m_file)
            return {};
        int status = std::fclose(m_file);
        m_file = nullptr;
        if (status != 0)
            return make_errno_error(errno, "cannot write the mbox file", m_path.string());
        return {};
    }

    std::filesystem::path m_out;
    std::filesystem::path m_path;
    std::FILE* m_file = nullptr;
    std::map<std::filesystem::path, bool> m_started;
};

class ZipWriter final : public ExportWriter {
public:
    static Result<std::unique_ptr<ExportWriter>> open(const std::filesystem::path& out) {
        std::error_code error;
        if (std::filesystem::exists(out, error))
            return make_error(ErrorCode::AlreadyExists, "the zip file exists already; it was left as it is",
                              out.string());
        auto writer = std::unique_ptr<ZipWriter>(new ZipWriter(out));
        writer->m_archive = archive_write_new();
        archive_write_set_format_zip(writer->m_archive);
        if (archive_write_open_filename(writer->m_archive, out.c_str()) != ARCHIVE_OK)
            return make_error(ErrorCode::Io,
                              fmt::format("cannot create the zip file: {}", archive_error_string(writer->m_archive)),
                              out.string());
        return std::unique_ptr<ExportWriter>(std::move(writer));
    }

    ~ZipWriter() override {
        if (m_archive)
            archive_write_free(m_archive);
    }

    Result<void> add(const store::MessageListing& listing, std::string_view bytes) override {
        auto name = (safe_relative_path(listing.user, listing.folder) / fmt::format("{}.eml", listing.message_id)).string();
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, name.c_str());
        archive_entry_set_size(entry, static_cast<la_int64_t>(bytes.size()));
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0600);
        archive_entry_set_mtime(entry, listing.date.value_or(std::time(nullptr)), 0);
        int status = archive_write_header(m_archive, entry);
        archive_entry_free(entry);
        if (status != ARCHIVE_OK || archive_write_data(m_archive, bytes.data(), bytes.size()) < 0)
            return make_error(ErrorCode::Io, fmt::format("cannot write to the zip file: {}", archive_error_string(m_archive)),
                              m_out.string());
        return {};
    }

    Result<void> finish() override {
        if (archive_write_close(m_archive) != ARCHIVE_OK)
            return make_error(ErrorCode::Io, fmt::format("cannot finish the zip file: {}", archive_error_string(m_archive)),
                              m_out.string());
        return {};
    }

private:
    explicit ZipWriter(std::filesystem::path out) : m_out(std::move(out)) {}
    std::filesystem::path m_out;
    struct archive* m_archive = nullptr;
};

}  // namespace

std::filesystem::path safe_relative_path(std::string_view user, std::string_view folder) {
    std::filesystem::path path = safe_component(user);
    std::size_t start = 0;
    while (start <= folder.size() && !folder.empty()) {
        auto end = folder.find('/', start);
        if (end == std::string_view::npos)
            end = folder.size();
        path /= safe_component(folder.substr(start, end - start));
        start = end + 1;
    }
    return path;
}

std::string mboxrd_entry(const store::MessageListing& listing, std::string_view bytes) {
    std::time_t when = listing.date.value_or(0);
    std::tm utc{};
    gmtime_r(&when, &utc);
    char date[64];
    std::strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &utc);
    std::string out = fmt::format("From {} {}\n", envelope_sender(listing.from), date);
    out.reserve(out.size() + bytes.size() + bytes.size() / 64 + 2);
    std::size_t line_start = 0;
    while (line_start < bytes.size()) {
        auto line_end = bytes.find('\n', line_start);
        line_end = line_end == std::string_view::npos ? bytes.size() : line_end + 1;
        std::string_view line = bytes.substr(line_start, line_end - line_start);
        auto first_other = line.find_first_not_of('>');
        if (first_other != std::string_view::npos && line.substr(first_other).starts_with("From "))
            out.push_back('>');
        out.append(line);
        line_start = line_end;
    }
    // A reader takes a From_ line as a separator only after a blank line, and removes one line
    // break before it. A message that lacks a final line break cannot be written exactly: it gets
    // one, or the next message would merge into it. (EML export keeps every byte.)
    if (!bytes.empty() && bytes.back() != '\n')
        out.push_back('\n');
    out.push_back('\n');
    return out;
}

Result<std::unique_ptr<ExportWriter>> make_export_writer(ExportFormat format, const std::filesystem::path& out) {
    switch (format) {
    case ExportFormat::Eml: return std::unique_ptr<ExportWriter>(std::make_unique<EmlWriter>(out));
    case ExportFormat::Mbox: return std::unique_ptr<ExportWriter>(std::make_unique<MboxWriter>(out));
    case ExportFormat::Zip: return ZipWriter::open(out);
    }
    return make_error(ErrorCode::InvalidArgument, "unknown export format");
}

}  // namespace cairn::exporting
