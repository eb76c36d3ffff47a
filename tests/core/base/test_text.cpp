// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "core/base/text.h"

TEST_SUITE("base.text") {
TEST_CASE("base64_encode gives the RFC 4648 test vectors, and binary bytes") {
    CHECK(cairn::base64_encode("") == "");
    CHECK(cairn::base64_encode("f") == "Zg==");
    CHECK(cairn::base64_encode("fo") == "Zm8=");
    CHECK(cairn::base64_encode("foo") == "Zm9v");
    CHECK(cairn::base64_encode("foob") == "Zm9vYg==");
    CHECK(cairn::base64_encode("fooba") == "Zm9vYmE=");
    CHECK(cairn::base64_encode("foobar") == "Zm9vYmFy");
    CHECK(cairn::base64_encode(std::string("\0alice\0pw", 9)) == "AGFsaWNlAHB3");
    CHECK(cairn::base64_encode("\xff\xfe\x01") == "//4B");
}
}
