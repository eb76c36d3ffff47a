// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/base/result.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace cairn {

std::string_view error_code_name(ErrorCode code) {
    switch (code) {
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::AlreadyExists: return "already_exists";
    case ErrorCode::PermissionDenied: return "permission_denied";
    case ErrorCode::InvalidArgument: return "invalid_argument";
    case ErrorCode::InvalidData: return "invalid_data";
    case ErrorCode::Corrupt: return "corrupt";
    case ErrorCode::CryptoFailure: return "crypto_failure";
    case ErrorCode::LimitExceeded: return "limit_exceeded";
    case ErrorCode::NoSpace: return "no_space";
    case ErrorCode::Busy: return "busy";
    case ErrorCode::Unavailable: return "unavailable";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::Io: return "io";
    case ErrorCode::Internal: return "internal";
    }
    return "internal";
}

std::string Error::describe() const {
    if (context.empty())
        return message;
    return fmt::format("{}: {}", context, message);
}

std::unexpected<Error> make_errno_error(int error_number, std::string_view what, std::string context) {
    ErrorCode code = ErrorCode::Io;
    std::string hint;
    switch (error_number) {
    case ENOSPC:
    case EFBIG:
    case EDQUOT:
        code = ErrorCode::NoSpace;
        hint = " (free some disk space and run the same command again)";
        break;
    case ENOENT: code = ErrorCode::NotFound; break;
    case EACCES:
    case EPERM: code = ErrorCode::PermissionDenied; break;
    case EEXIST: code = ErrorCode::AlreadyExists; break;
    default: break;
    }
    return make_error(code, fmt::format("{}: {}{}", what, std::strerror(error_number), hint), std::move(context));
}

}  // namespace cairn
