// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the streaming mbox splitter. The input is fed in two chunks, split at the
// first byte's value, and compared with a one-chunk feed; every message must be the exact bytes
// between its From_ line and the next separator, less only the mbox format's line breaks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/sources/mbox/mbox_reader.h"

namespace {

using cairn::sources::mbox::MboxMessage;

class Collector : public cairn::sources::mbox::MboxMessageHandler {
public:
    bool on_mbox_message(MboxMessage&& message) override {
        messages.push_back(std::move(message));
        return true;
    }
    std::vector<MboxMessage> messages;
};

void require(bool condition) {
    if (!condition)
        std::abort();
}

std::vector<MboxMessage> split(std::string_view input, std::size_t split_at) {
    Collector collector;
    cairn::sources::mbox::MboxReader reader(collector);
    require(reader.feed(input.substr(0, split_at)));
    require(reader.feed(input.substr(split_at)));
    require(reader.finish());
    return std::move(collector.messages);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t split_at = size == 0 ? 0 : std::min<std::size_t>(data[0], size);
    const std::vector<MboxMessage> whole = split(input, size);
    const std::vector<MboxMessage> chunked = split(input, split_at);

    require(whole.size() == chunked.size());
    require(size == 0 ? whole.empty() : !whole.empty());
    for (std::size_t index = 0; index < whole.size(); ++index) {
        require(whole[index].bytes == chunked[index].bytes);
        require(whole[index].offset == chunked[index].offset);
        require(whole[index].from_line == chunked[index].from_line);
    }
    if (whole.empty())
        return 0;
    require(whole.front().offset == 0 || (whole.front().offset == 3 && input.starts_with("\xEF\xBB\xBF")));

    for (std::size_t index = 0; index < whole.size(); ++index) {
        const MboxMessage& message = whole[index];
        require(message.offset <= size);
        // The From_ line sits at the offset; the body starts after its line break.
        require(input.substr(message.offset).starts_with(message.from_line));
        const std::size_t newline = input.find('\n', message.offset);
        const std::size_t body_start = newline == std::string_view::npos ? size : newline + 1;
        require(input.substr(body_start, message.bytes.size()) == message.bytes);
        const std::size_t body_end = body_start + message.bytes.size();
        if (index + 1 == whole.size()) {
            require(body_end == size);  // the last message runs to the end, nothing removed
        } else {
            // Between a message and the next From_ line: only the mbox format's line break(s).
            const std::size_t next = whole[index + 1].offset;
            require(next > message.offset);
            const std::string_view gap = input.substr(body_end, next - body_end);
            require(gap == "\n" || gap == "\n\n");
        }
    }
    return 0;
}
