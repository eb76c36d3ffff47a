// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace cairn {

/// A closed taxonomy of failures. Each front end maps it in one place
/// (CLI exit code, later HTTP status and IMAP response code).
enum class ErrorCode {
    NotFound,
    AlreadyExists,
    PermissionDenied,
    InvalidArgument,
    InvalidData,     ///< input that is not what it claims to be (not mail, truncated file)
    Corrupt,         ///< archive integrity failure: hash mismatch, damaged record
    CryptoFailure,   ///< wrong key or authentication tag
    LimitExceeded,
    NoSpace,         ///< disk full or file size limit reached
    Busy,            ///< archive locked by another writer
    Unavailable,
    Cancelled,
    Unsupported,
    Io,
    Internal,
};

std::string_view error_code_name(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::Internal;
    /// What went wrong and, where the user can act, what to do.
    std::string message;
    /// Where: a file path, "path at offset N", an account, a message id.
    std::string context;

    /// "context: message" or just the message.
    std::string describe() const;
};

template <class T>
using Result = std::expected<T, Error>;

[[nodiscard]] inline std::unexpected<Error> make_error(ErrorCode code, std::string message,
                                                       std::string context = {}) {
    return std::unexpected<Error>(Error{code, std::move(message), std::move(context)});
}

/// An error for a failed system call, from errno: ENOSPC and EFBIG become NoSpace.
[[nodiscard]] std::unexpected<Error> make_errno_error(int error_number, std::string_view what,
                                                     std::string context = {});

}  // namespace cairn

/// Evaluates a Result; on error returns it from the enclosing function, otherwise yields the value.
#define CAIRN_TRY(expression)                                        \
    ({                                                               \
        auto&& cairn_try_result_ = (expression);                     \
        if (!cairn_try_result_) [[unlikely]]                         \
            return std::unexpected(std::move(cairn_try_result_).error()); \
        std::move(cairn_try_result_).value();                        \
    })

/// For Result<void>.
#define CAIRN_TRY_VOID(expression)                                   \
    do {                                                             \
        auto&& cairn_try_result_ = (expression);                     \
        if (!cairn_try_result_) [[unlikely]]                         \
            return std::unexpected(std::move(cairn_try_result_).error()); \
    } while (false)
