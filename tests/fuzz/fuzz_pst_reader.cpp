// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the PST source. An input that starts with "!BDN" is the PST itself; any
// other input is a list of 5-byte patches (4-byte offset, 1 byte to XOR) applied to a real PST
// from the corpus (msgInMsg.pst: bodies, an attachment, an embedded message), since a PST is far
// larger than a fuzz input. The file is read through libpff from a memory file like a PST on disk,
// so damaged headers, indexes, tables and attachments all reach our code. Every message produced
// must be a complete MIME message; the same file must give the same messages twice. The input is
// also fed to the RTF de-encapsulator on its own.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/sources/pst/pst_reader.h"
#include "core/sources/pst/rtf_html.h"

namespace {

class Collector : public cairn::sources::MessageSink {
public:
    bool on_message(cairn::sources::RawMessage&& message) override {
        messages.push_back(std::move(message.bytes));
        return true;
    }
    void on_failure(cairn::sources::ItemFailure&& failure) override {
        if (failure.reason.empty())
            std::abort();  // every failure says why
    }
    std::vector<std::string> messages;
};

void require(bool condition) {
    if (!condition)
        std::abort();
}

std::vector<std::string> read(const std::string& path) {
    Collector collector;
    cairn::sources::pst::read_pst_file(path, {path, ""}, nullptr, collector);
    return std::move(collector.messages);
}

/// The corpus PST the patches apply to, or empty when the corpus is absent.
const std::string& base_pst() {
    static const std::string bytes = [] {
        std::ifstream file(CAIRN_FUZZ_BASE_PST, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    }();
    return bytes;
}

std::string file_for(const std::string& input) {
    if (input.starts_with("!BDN") || base_pst().empty())
        return input;
    std::string file = base_pst();
    for (std::size_t at = 0; at + 5 <= input.size(); at += 5) {
        std::uint32_t offset = 0;
        for (std::size_t index = 0; index < 4; ++index)
            offset = (offset << 8) | static_cast<std::uint8_t>(input[at + index]);
        file[offset % file.size()] ^= input[at + 4];
    }
    return file;
}

}  // namespace

// libpff 20180714 leaks a column definition on some damaged tables; that is Debian's library,
// not ours, so LeakSanitizer (the sanitizer build, the fuzzer) is told to pass over it.
extern "C" const char* __lsan_default_suppressions() { return "leak:libpff_\n"; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    (void)cairn::sources::pst::html_from_encapsulating_rtf(input);

    const int descriptor = ::memfd_create("fuzz.pst", MFD_CLOEXEC);
    require(descriptor >= 0);
    const std::string file = file_for(input);
    require(::write(descriptor, file.data(), file.size()) == static_cast<ssize_t>(file.size()));
    const std::string path = "/proc/self/fd/" + std::to_string(descriptor);
    const std::vector<std::string> first = read(path);
    const std::vector<std::string> second = read(path);
    ::close(descriptor);
    require(first == second);
    for (const std::string& message : first)
        require(message.find("MIME-Version: 1.0\r\n") != std::string::npos);
    return 0;
}
