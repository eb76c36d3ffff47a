// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/record_codec.h"

#include <zstd.h>

#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace cairn::store {
namespace {

enum class Codec : char { Raw = 0, Zstd = 1 };

struct CompressContextDeleter {
    void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
};
struct DecompressContextDeleter {
    void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

// Contexts are reused per thread: allocating one per record costs more than compressing a small one.
ZSTD_CCtx* thread_compress_context() {
    thread_local std::unique_ptr<ZSTD_CCtx, CompressContextDeleter> context(ZSTD_createCCtx());
    return context.get();
}

ZSTD_DCtx* thread_decompress_context() {
    thread_local std::unique_ptr<ZSTD_DCtx, DecompressContextDeleter> context(ZSTD_createDCtx());
    return context.get();
}

// A record may not claim to expand beyond this, so a damaged size field cannot exhaust memory.
constexpr unsigned long long MaximumRecordContent = 4ull << 30;

}  // namespace

std::string compress_record(std::string_view content, int level) {
    std::string payload;
    const std::size_t bound = ZSTD_compressBound(content.size());
    payload.resize(1 + bound);
    std::size_t compressed = ZSTD_compressCCtx(thread_compress_context(), payload.data() + 1, bound, content.data(),
                                               content.size(), level);
    if (ZSTD_isError(compressed) || compressed >= content.size()) {
        payload.resize(1 + content.size());
        payload[0] = static_cast<char>(Codec::Raw);
        if (!content.empty())
            std::memcpy(payload.data() + 1, content.data(), content.size());
        return payload;
    }
    payload[0] = static_cast<char>(Codec::Zstd);
    payload.resize(1 + compressed);
    return payload;
}

Result<std::string> decompress_record(std::string_view payload) {
    if (payload.empty())
        return make_error(ErrorCode::Corrupt, "empty record payload");
    auto codec = static_cast<Codec>(payload[0]);
    std::string_view data = payload.substr(1);
    if (codec == Codec::Raw)
        return std::string(data);
    if (codec != Codec::Zstd)
        return make_error(ErrorCode::Corrupt, fmt::format("unknown record codec {}", static_cast<int>(payload[0])));
    unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > MaximumRecordContent)
        return make_error(ErrorCode::Corrupt, "damaged compressed record");
    std::string content(static_cast<std::size_t>(size), '\0');
    std::size_t produced =
        ZSTD_decompressDCtx(thread_decompress_context(), content.data(), content.size(), data.data(), data.size());
    if (ZSTD_isError(produced) || produced != size)
        return make_error(ErrorCode::Corrupt, "damaged compressed record");
    return content;
}

std::string block_associated_data(std::string_view archive_id, std::int64_t block_id) {
    return fmt::format("cairn block v1|{}|{}", archive_id, block_id);
}

}  // namespace cairn::store
