// SPDX-License-Identifier: GPL-3.0-or-later
// cairn-extract-worker: reads extraction requests on file descriptor 3 and answers each with
// the attachment's text (see protocol.h). Started by TextExtractor with memory, CPU and file
// limits already set; it is killed when it takes too long, so nothing here watches the clock.
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libxml/parser.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "core/extract/document_kind.h"
#include "core/extract/extractors.h"
#include "core/extract/protocol.h"

namespace {

using namespace cairn;
using namespace cairn::extract;

constexpr int Socket = protocol::WorkerSocketDescriptor;

bool read_exact(void* buffer, std::size_t size) {
    auto* bytes = static_cast<char*>(buffer);
    while (size > 0) {
        const ssize_t count = ::recv(Socket, bytes, size, 0);
        if (count > 0) {
            bytes += count;
            size -= static_cast<std::size_t>(count);
        } else if (count < 0 && errno == EINTR) {
            continue;
        } else {
            return false;
        }
    }
    return true;
}

bool write_all(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t count = ::send(Socket, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (count > 0)
            bytes.remove_prefix(static_cast<std::size_t>(count));
        else if (count < 0 && errno == EINTR)
            continue;
        else
            return false;
    }
    return true;
}

bool send_response(protocol::Status status, bool retiring, std::string_view text) {
    protocol::ResponseHeader header;
    header.status = static_cast<std::uint32_t>(status);
    header.flags = retiring ? protocol::FlagRetiring : 0;
    header.text_bytes = text.size();
    return write_all(protocol::encode_header(header)) && write_all(text);
}

protocol::Status status_of(ErrorCode code) {
    switch (code) {
    case ErrorCode::Unsupported:
        return protocol::Status::Unsupported;
    case ErrorCode::InvalidData:
        return protocol::Status::InvalidData;
    case ErrorCode::LimitExceeded:
        return protocol::Status::LimitExceeded;
    default:
        return protocol::Status::Internal;
    }
}

// Half of the lifetime CPU limit used: retire before RLIMIT_CPU can kill us mid-request.
bool cpu_budget_half_used() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_CPU, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return false;
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto used_seconds = static_cast<rlim_t>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec);
    return used_seconds * 2 > limit.rlim_cur;
}

[[noreturn]] void hang() {
    for (;;)
        ::pause();
}

// Grows until the memory limit stops it (std::bad_alloc, answered as LimitExceeded). Under
// AddressSanitizer there is no RLIMIT_AS, so it stops at twice the limit and hangs instead,
// leaving the time limit to end it rather than exhausting the machine.
[[noreturn]] void allocate_without_bound(std::uint64_t memory_bytes) {
    constexpr std::size_t ChunkBytes = 16u << 20;
    std::vector<char*> chunks;
    chunks.reserve(1u << 16);
    std::uint64_t allocated = 0;
    for (;;) {
        if (BuiltWithAddressSanitizer && allocated > memory_bytes * 2)
            hang();
        char* chunk = new char[ChunkBytes];
        std::memset(chunk, 1, ChunkBytes);  // touch it: untouched pages would cost nothing
        chunks.push_back(chunk);
        allocated += ChunkBytes;
    }
}

Result<void> run_extractor(DocumentKind kind, std::string_view content_type, std::string_view data,
                           std::uint64_t memory_bytes, TextSink& sink) {
    switch (kind) {
    case DocumentKind::Pdf:
        return extract_pdf_text(data, sink);
    case DocumentKind::OfficeZip:
        return extract_office_text(data, sink);
    case DocumentKind::Rtf:
        return extract_rtf_text(data, sink);
    case DocumentKind::Html:
        return extract_html_text(content_type, data, sink);
    case DocumentKind::PlainText:
        return extract_plain_text(content_type, data, sink);
    case DocumentKind::ArchiveNames:
        return extract_archive_names(data, sink);
    case DocumentKind::TestHang:
        hang();
    case DocumentKind::TestCrash:
        std::abort();
    case DocumentKind::TestAllocate:
        allocate_without_bound(memory_bytes);
    case DocumentKind::Unsupported:
        break;
    }
    return make_error(ErrorCode::Unsupported, "no text extraction for this kind of attachment");
}

void ignore_xml_message(void*, const char*, ...) {}

}  // namespace

int main(int argument_count, char** arguments) {
    const std::uint64_t memory_bytes = argument_count > 1 ? std::strtoull(arguments[1], nullptr, 10) : 0;
    // The parent may ignore SIGPIPE (inherited across exec); we use MSG_NOSIGNAL anyway.
    xmlInitParser();
    xmlSetGenericErrorFunc(nullptr, ignore_xml_message);

    for (;;) {
        protocol::RequestHeader header;
        if (!read_exact(&header, sizeof header))
            return 0;  // the client closed the socket: done
        if (header.magic != protocol::RequestMagic || header.content_type_bytes > protocol::MaxTypeOrNameBytes ||
            header.filename_bytes > protocol::MaxTypeOrNameBytes)
            return 2;

        protocol::Status status = protocol::Status::Ok;
        std::string text;
        bool retiring = false;
        try {
            std::string content_type(header.content_type_bytes, '\0');
            std::string filename(header.filename_bytes, '\0');
            if (!read_exact(content_type.data(), content_type.size()) || !read_exact(filename.data(), filename.size()))
                return 0;
            std::string data(header.data_bytes, '\0');
            if (!read_exact(data.data(), data.size()))
                return 0;

            TextSink sink(static_cast<std::size_t>(header.max_text_bytes));
            const DocumentKind kind = classify_document(content_type, filename);
            if (auto result = run_extractor(kind, content_type, data, memory_bytes, sink); !result) {
                status = status_of(result.error().code);
                text = result.error().message;
            } else {
                text = std::move(sink.text());
                if (!is_valid_utf8(text))
                    text = make_valid_utf8(text);
                truncate_utf8(text, static_cast<std::size_t>(header.max_text_bytes));
            }
        } catch (const std::bad_alloc&) {
            // The heap may be in a poor state after running out: answer, then let a fresh
            // worker take the next request.
            status = protocol::Status::LimitExceeded;
            text = "out of memory while extracting text";
            retiring = true;
        } catch (const std::exception& exception) {
            status = protocol::Status::InvalidData;
            text = std::string("extraction failed: ") + exception.what();
            truncate_utf8(text, 1024);
            text = make_valid_utf8(text);
        } catch (...) {
            status = protocol::Status::Internal;
            text = "extraction failed with an unknown exception";
        }
        retiring = retiring || cpu_budget_half_used();
        if (!send_response(status, retiring, text) || retiring)
            return 0;
    }
}
