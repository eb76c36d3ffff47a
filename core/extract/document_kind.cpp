// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/extract/document_kind.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string_view>

namespace cairn::extract {
namespace {

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::ranges::transform(lower, lower.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return lower;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
        text.remove_suffix(1);
    return text;
}

bool test_hooks_enabled() {
    const char* value = std::getenv("CAIRN_EXTRACT_TEST_HOOKS");
    return value != nullptr && std::string_view(value) == "1";
}

DocumentKind kind_by_type(const std::string& type) {
    if (type == "application/pdf" || type == "application/x-pdf")
        return DocumentKind::Pdf;
    if (type.starts_with("application/vnd.openxmlformats-officedocument.") ||
        type.starts_with("application/vnd.oasis.opendocument.text") ||
        type.starts_with("application/vnd.oasis.opendocument.spreadsheet") ||
        type.starts_with("application/vnd.oasis.opendocument.presentation") ||
        type == "application/vnd.ms-word.document.macroenabled.12" ||
        type == "application/vnd.ms-excel.sheet.macroenabled.12" ||
        type == "application/vnd.ms-powerpoint.presentation.macroenabled.12")
        return DocumentKind::OfficeZip;
    if (type == "application/rtf" || type == "text/rtf" || type == "application/x-rtf")
        return DocumentKind::Rtf;
    if (type == "text/html" || type == "application/xhtml+xml")
        return DocumentKind::Html;
    if (type == "application/zip" || type == "application/x-zip-compressed" || type == "application/x-zip" ||
        type == "application/x-tar" || type == "application/x-gtar" || type == "application/x-compressed-tar")
        return DocumentKind::ArchiveNames;
    if (type.starts_with("text/"))
        return DocumentKind::PlainText;
    if (test_hooks_enabled()) {
        if (type == "application/x-cairn-test-hang")
            return DocumentKind::TestHang;
        if (type == "application/x-cairn-test-crash")
            return DocumentKind::TestCrash;
        if (type == "application/x-cairn-test-allocate")
            return DocumentKind::TestAllocate;
    }
    return DocumentKind::Unsupported;
}

DocumentKind kind_by_name(const std::string& name) {
    struct Suffix {
        std::string_view suffix;
        DocumentKind kind;
    };
    static constexpr std::array suffixes{
        Suffix{".pdf", DocumentKind::Pdf},
        Suffix{".docx", DocumentKind::OfficeZip},
        Suffix{".docm", DocumentKind::OfficeZip},
        Suffix{".dotx", DocumentKind::OfficeZip},
        Suffix{".xlsx", DocumentKind::OfficeZip},
        Suffix{".xlsm", DocumentKind::OfficeZip},
        Suffix{".pptx", DocumentKind::OfficeZip},
        Suffix{".pptm", DocumentKind::OfficeZip},
        Suffix{".odt", DocumentKind::OfficeZip},
        Suffix{".ods", DocumentKind::OfficeZip},
        Suffix{".odp", DocumentKind::OfficeZip},
        Suffix{".ott", DocumentKind::OfficeZip},
        Suffix{".rtf", DocumentKind::Rtf},
        Suffix{".html", DocumentKind::Html},
        Suffix{".htm", DocumentKind::Html},
        Suffix{".xhtml", DocumentKind::Html},
        Suffix{".txt", DocumentKind::PlainText},
        Suffix{".csv", DocumentKind::PlainText},
        Suffix{".md", DocumentKind::PlainText},
        Suffix{".log", DocumentKind::PlainText},
        Suffix{".zip", DocumentKind::ArchiveNames},
        Suffix{".tar", DocumentKind::ArchiveNames},
        Suffix{".tgz", DocumentKind::ArchiveNames},
        Suffix{".tar.gz", DocumentKind::ArchiveNames},
        Suffix{".tar.bz2", DocumentKind::ArchiveNames},
        Suffix{".tbz2", DocumentKind::ArchiveNames},
        Suffix{".tar.xz", DocumentKind::ArchiveNames},
        Suffix{".txz", DocumentKind::ArchiveNames},
    };
    for (const auto& entry : suffixes)
        if (name.ends_with(entry.suffix))
            return entry.kind;
    return DocumentKind::Unsupported;
}

}  // namespace

DocumentKind classify_document(std::string_view content_type, std::string_view filename) {
    std::string_view bare_type = content_type.substr(0, content_type.find(';'));
    const DocumentKind by_type = kind_by_type(lowercase(trim(bare_type)));
    const DocumentKind by_name = kind_by_name(lowercase(trim(filename)));
    if (by_type == DocumentKind::ArchiveNames && by_name == DocumentKind::OfficeZip)
        return by_name;
    if (by_type != DocumentKind::Unsupported)
        return by_type;
    return by_name;
}

std::string content_type_parameter(std::string_view content_type, std::string_view name) {
    std::size_t position = content_type.find(';');
    while (position != std::string_view::npos) {
        std::string_view rest = content_type.substr(position + 1);
        const std::size_t next = rest.find(';');
        std::string_view parameter = trim(rest.substr(0, next));
        position = next == std::string_view::npos ? next : position + 1 + next;
        const std::size_t equals = parameter.find('=');
        if (equals == std::string_view::npos)
            continue;
        if (lowercase(trim(parameter.substr(0, equals))) != lowercase(name))
            continue;
        std::string_view value = trim(parameter.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        return std::string(value);
    }
    return {};
}

}  // namespace cairn::extract
