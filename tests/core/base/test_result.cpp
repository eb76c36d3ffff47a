// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <cerrno>

#include "core/base/result.h"

using namespace cairn;

namespace {
Result<int> half(int value) {
    if (value % 2 != 0)
        return make_error(ErrorCode::InvalidArgument, "odd", std::to_string(value));
    return value / 2;
}

Result<int> quarter(int value) {
    int halved = CAIRN_TRY(half(value));
    return CAIRN_TRY(half(halved));
}
}  // namespace

TEST_SUITE("base") {
TEST_CASE("CAIRN_TRY passes values through and returns the first error") {
    CHECK(*quarter(8) == 2);
    auto failed = quarter(6);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code == ErrorCode::InvalidArgument);
    CHECK(failed.error().describe() == "3: odd");
}

TEST_CASE("a full disk or a file size limit is reported as no space, with what to do") {
    for (int error_number : {ENOSPC, EFBIG}) {
        auto error = make_errno_error(error_number, "cannot write", "/x/pack").error();
        CHECK(error.code == ErrorCode::NoSpace);
        CHECK(error.message.find("free some disk space") != std::string::npos);
        CHECK(error.context == "/x/pack");
    }
    CHECK(make_errno_error(ENOENT, "cannot open").error().code == ErrorCode::NotFound);
    CHECK(error_code_name(ErrorCode::NoSpace) == "no_space");
}
}
