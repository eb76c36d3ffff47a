// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

/// Which extractor an attachment goes to; shared by the client (can_extract) and the worker.
namespace cairn::extract {

enum class DocumentKind {
    Unsupported,
    Pdf,
    OfficeZip,     ///< DOCX/XLSX/PPTX and ODT/ODS/ODP: XML members of a zip
    Rtf,
    Html,
    PlainText,     ///< text/* other than HTML and RTF
    ArchiveNames,  ///< zip/tar(.gz/.bz2/.xz): the member names
    // Test hooks, recognised only when CAIRN_EXTRACT_TEST_HOOKS=1 is set in the environment.
    TestHang,
    TestCrash,
    TestAllocate,
};

/// The kind by content type and file name. Mail often labels everything
/// application/octet-stream, so the file name decides when the type is generic, and an office
/// file name wins over a plain zip type (a DOCX is a zip).
DocumentKind classify_document(std::string_view content_type, std::string_view filename);

/// The value of a parameter of a Content-Type value (`charset` of "text/plain; charset=x"),
/// unquoted, or empty.
std::string content_type_parameter(std::string_view content_type, std::string_view name);

}  // namespace cairn::extract
