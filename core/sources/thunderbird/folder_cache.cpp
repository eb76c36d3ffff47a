// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/thunderbird/folder_cache.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/sources/common/modified_utf7.h"
#include "core/sources/common/quoted_string.h"

namespace cairn::sources::thunderbird {
namespace {

namespace fs = std::filesystem;

/// Just enough JSON for folderCache.json: an object of objects whose string and number members
/// are kept; anything else is stepped over. Malformed input stops the reading, keeping what
/// was read before.
class CacheReader {
public:
    explicit CacheReader(std::string_view text) : m_text(text) {}

    /// Calls ON_ENTRY(key, members) for every top-level member that is an object.
    template <typename OnEntry> bool read(OnEntry on_entry) {
        return object([&](const std::string& key) {
            if (peek() != '{')
                return skip_value(0);
            std::map<std::string, std::string> members;
            if (!flat_object(members))
                return false;
            on_entry(key, members);
            return true;
        });
    }

private:
    static constexpr int MaximumDepth = 32;

    void skip_space() {
        while (m_position < m_text.size() && (m_text[m_position] == ' ' || m_text[m_position] == '\n' ||
                                               m_text[m_position] == '\r' || m_text[m_position] == '\t'))
            ++m_position;
    }
    char peek() {
        skip_space();
        return m_position < m_text.size() ? m_text[m_position] : '\0';
    }
    bool consume(char wanted) {
        if (peek() != wanted)
            return false;
        ++m_position;
        return true;
    }

    std::optional<std::string> string_value() {
        if (peek() != '"')
            return std::nullopt;
        return read_quoted_string(m_text, m_position);
    }

    /// A scalar as its text: numbers, true, false, null.
    std::optional<std::string> scalar() {
        skip_space();
        std::size_t start = m_position;
        while (m_position < m_text.size() && m_text[m_position] != ',' && m_text[m_position] != '}' &&
               m_text[m_position] != ']' && m_text[m_position] != ' ' && m_text[m_position] != '\n' &&
               m_text[m_position] != '\r' && m_text[m_position] != '\t')
            ++m_position;
        if (m_position == start)
            return std::nullopt;
        return std::string(m_text.substr(start, m_position - start));
    }

    /// Reads an object; ON_MEMBER(key) reads each member's value, false when it cannot.
    template <typename OnMember> bool object(OnMember on_member) {
        if (!consume('{'))
            return false;
        if (consume('}'))
            return true;
        for (;;) {
            std::optional<std::string> key = string_value();
            if (!key || !consume(':') || !on_member(*key))
                return false;
            if (consume('}'))
                return true;
            if (!consume(','))
                return false;
        }
    }

    /// An object's string and scalar members; nested objects and arrays are stepped over.
    bool flat_object(std::map<std::string, std::string>& members) {
        return object([&](const std::string& key) {
            const char next = peek();
            if (next == '{' || next == '[')
                return skip_value(1);
            std::optional<std::string> value = next == '"' ? string_value() : scalar();
            if (!value)
                return false;
            members[key] = std::move(*value);
            return true;
        });
    }

    bool skip_value(int depth) {
        if (depth > MaximumDepth)
            return false;
        const char next = peek();
        if (next == '"')
            return string_value().has_value();
        if (next == '{')
            return object([&](const std::string&) { return skip_value(depth + 1); });
        if (next != '[')
            return scalar().has_value();
        ++m_position;
        if (consume(']'))
            return true;
        for (;;) {
            if (!skip_value(depth + 1))
                return false;
            if (consume(']'))
                return true;
            if (!consume(','))
                return false;
        }
    }

    std::string_view m_text;
    std::size_t m_position = 0;
};

/// "/home/ann/.thunderbird/x/ImapMail/imap.example.com/INBOX.msf" (or with '\\') ->
/// "imap.example.com/INBOX.msf": the part below the profile's ImapMail, which stays the same
/// when the profile is moved or copied to another system.
std::optional<std::string> below_imap_directory(std::string path) {
    for (char& character : path) {
        if (character == '\\')
            character = '/';
    }
    constexpr std::string_view Marker = "/ImapMail/";
    std::size_t marker = path.rfind(Marker);
    if (marker == std::string::npos)
        return std::nullopt;
    return path.substr(marker + Marker.size());
}

}  // namespace

bool looks_hashed(std::string_view name) {
    if (name.size() < 8)
        return false;
    for (char character : name.substr(name.size() - 8)) {
        if (!((character >= '0' && character <= '9') || (character >= 'a' && character <= 'f')))
            return false;
    }
    return true;
}

FolderNames FolderNames::read(const fs::path& profile) {
    std::ifstream stream(profile / "folderCache.json", std::ios::binary);
    if (!stream)
        return parse("", profile);
    std::ostringstream contents;
    contents << stream.rdbuf();
    return parse(contents.str(), profile);
}

FolderNames FolderNames::parse(std::string_view json, const fs::path& profile) {
    FolderNames names;
    names.m_imap_directory = fs::absolute(profile / "ImapMail").lexically_normal();
    CacheReader reader(json);
    reader.read([&names](const std::string& key, const std::map<std::string, std::string>& members) {
        auto online_name = members.find("onlineName");
        if (online_name == members.end() || online_name->second.empty())
            return;
        std::optional<std::string> relative = below_imap_directory(key);
        if (!relative)
            return;
        // hierDelim is the delimiter's character code; '/' when it is not known.
        char delimiter = '/';
        if (auto found = members.find("hierDelim"); found != members.end()) {
            int code = std::atoi(found->second.c_str());
            if (code > 0 && code < 128)
                delimiter = static_cast<char>(code);
        }
        const std::string& full = online_name->second;
        std::size_t last = full.rfind(delimiter);
        names.m_names[*relative] = display_mailbox_name(last == std::string::npos ? full : full.substr(last + 1));
    });
    return names;
}

std::optional<std::string> FolderNames::hashed_folder_name(const fs::path& path) const {
    std::string name = path.filename().string();
    if (name.size() > 4 && name.ends_with(".sbd"))
        name.resize(name.size() - 4);
    if (!looks_hashed(name) || m_names.empty())
        return std::nullopt;
    const fs::path index = fs::absolute(path.parent_path() / (name + ".msf")).lexically_normal();
    const fs::path relative = index.lexically_relative(m_imap_directory);
    if (relative.empty() || relative.begin()->string() == "..")
        return std::nullopt;
    auto found = m_names.find(relative.generic_string());
    if (found == m_names.end())
        return std::nullopt;
    return found->second;
}

}  // namespace cairn::sources::thunderbird
