// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "core/sources/mbox/from_line.h"

using namespace cairn::sources::mbox;

TEST_SUITE("sources.from_line") {

TEST_CASE("separator lines of real mbox writers are recognised") {
    CHECK(is_separator_line("From jdoe@example.org Mon Jan  1 00:00:00 2001"));
    CHECK(is_separator_line("From jdoe@example.org Mon Jan  1 00:00:00 2001\r"));
    CHECK(is_separator_line("From jdoe at example.org  Tue Feb 13 12:34:56 2007"));
    CHECK(is_separator_line("From MAILER-DAEMON Fri Jul  8 12:08:34 2011"));
    CHECK(is_separator_line("From x@y Wed Mar 14 09:05 2012"));
    CHECK(is_separator_line("From x@y Thu Dec 31 23:59:59 EST 1999"));
    CHECK(is_separator_line("From x@y Thu Dec 31 23:59:59 CEST 1999"));
}

TEST_CASE("body lines that merely start with From are not separators") {
    CHECK_FALSE(is_separator_line("From the desk of the president"));
    CHECK_FALSE(is_separator_line("From jdoe@example.org Mon Jan  1 00:00:00 2001 trailing"));
    CHECK_FALSE(is_separator_line("From jdoe@example.org Mon Jan  1 00:00:00 +0100 2001"));
    CHECK_FALSE(is_separator_line("From jdoe@example.org Mon Jan 1 00:00:00 2001"));
    CHECK_FALSE(is_separator_line("From  Mon Jan  1 00:00:00 2001"));
    CHECK_FALSE(is_separator_line("From x@y Thu Dec 31 23:59:59 EU 1999"));
    CHECK_FALSE(is_separator_line("from x@y Thu Dec 31 23:59:59 1999"));
    CHECK_FALSE(is_separator_line("From x@y Thu Dec 31 23:59:59 1999\r\r"));
}

TEST_CASE("header lines are printable names followed by a colon") {
    CHECK(is_header_line("Subject: hello"));
    CHECK(is_header_line("X-Weird_Name!:"));
    CHECK_FALSE(is_header_line(": no name"));
    CHECK_FALSE(is_header_line("From me"));
    CHECK_FALSE(is_header_line("Name with space: x"));
    CHECK_FALSE(is_header_line(""));
}

TEST_CASE("the asctime date of a From_ line becomes the received time") {
    CHECK(from_line_time("From a@b Thu Jan  1 00:00:10 1970") == 10);
    CHECK(from_line_time("From a@b Sat Feb 29 12:00:00 2020") == 1582977600);
    CHECK(from_line_time("From a@b extra words Sat Feb 29 12:00 2020 more") == 1582977600);
    CHECK_FALSE(from_line_time("From a@b no date here").has_value());
}

}
