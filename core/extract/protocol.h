// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

/// The wire format between TextExtractor and cairn-extract-worker, over one AF_UNIX stream
/// socket that the worker has as file descriptor 3. Both ends run on the same machine from the
/// same build, so integers are in native byte order. One request, then one response:
///
///   request:  RequestHeader, content type bytes, file name bytes, data bytes
///   response: ResponseHeader, text bytes (the text on success, a short reason otherwise)
namespace cairn::extract::protocol {

inline constexpr int WorkerSocketDescriptor = 3;
inline constexpr std::uint32_t RequestMagic = 0x31524543;   // "CER1"
inline constexpr std::uint32_t ResponseMagic = 0x31414543;  // "CEA1"
inline constexpr std::uint32_t MaxTypeOrNameBytes = 4096;

enum class Status : std::uint32_t {
    Ok = 0,
    Unsupported = 1,
    InvalidData = 2,
    LimitExceeded = 3,
    Internal = 4,
};

/// The worker exits after this response (its heap may be damaged after running out of memory,
/// or it has used most of its lifetime CPU budget); the client starts a new one next time.
inline constexpr std::uint32_t FlagRetiring = 1;

struct RequestHeader {
    std::uint32_t magic = RequestMagic;
    std::uint32_t content_type_bytes = 0;
    std::uint32_t filename_bytes = 0;
    std::uint32_t reserved = 0;
    std::uint64_t data_bytes = 0;
    std::uint64_t max_text_bytes = 0;
};

struct ResponseHeader {
    std::uint32_t magic = ResponseMagic;
    std::uint32_t status = 0;
    std::uint32_t flags = 0;
    std::uint32_t reserved = 0;
    std::uint64_t text_bytes = 0;
};

template <class Header>
std::string encode_header(const Header& header) {
    std::string bytes(sizeof(Header), '\0');
    std::memcpy(bytes.data(), &header, sizeof(Header));
    return bytes;
}

template <class Header>
Header decode_header(std::string_view bytes) {
    Header header;
    std::memcpy(&header, bytes.data(), sizeof(Header));
    return header;
}

}  // namespace cairn::extract::protocol

namespace cairn::extract {

// AddressSanitizer reserves terabytes of virtual address space for its shadow memory, so a
// worker built with it cannot start under RLIMIT_AS; such builds run without the memory limit.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool BuiltWithAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool BuiltWithAddressSanitizer = true;
#else
inline constexpr bool BuiltWithAddressSanitizer = false;
#endif
#else
inline constexpr bool BuiltWithAddressSanitizer = false;
#endif

}  // namespace cairn::extract
