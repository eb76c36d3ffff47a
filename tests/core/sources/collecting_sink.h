// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include "core/sources/common/raw_message.h"

namespace cairn::testing {

/// A MessageSink that keeps everything it is given, and can stop after a number of messages.
class CollectingSink : public sources::MessageSink {
public:
    bool on_message(sources::RawMessage&& message) override {
        messages.push_back(std::move(message));
        return stop_after == 0 || messages.size() < stop_after;
    }
    void on_failure(sources::ItemFailure&& failure) override { failures.push_back(std::move(failure)); }
    bool should_read(const sources::FileIdentity& identity) override {
        asked.push_back(identity);
        return identity.path.find(refuse_path_containing) == std::string::npos || refuse_path_containing.empty();
    }
    void on_file_complete(const sources::FileIdentity& identity) override { completed.push_back(identity); }
    void on_skipped(const std::string& path, const std::string& why) override {
        skipped.push_back(path + " (" + why + ")");
    }
    void on_warning(const std::string& path, const std::string& text) override {
        warnings.push_back(path + ": " + text);
    }

    /// The message whose bytes are BYTES, or nullptr.
    const sources::RawMessage* find(const std::string& bytes) const {
        for (const sources::RawMessage& message : messages) {
            if (message.bytes == bytes)
                return &message;
        }
        return nullptr;
    }

    std::vector<sources::RawMessage> messages;
    std::vector<sources::ItemFailure> failures;
    std::vector<sources::FileIdentity> asked;
    std::vector<sources::FileIdentity> completed;
    std::vector<std::string> skipped;
    std::vector<std::string> warnings;
    std::size_t stop_after = 0;
    std::string refuse_path_containing;
};

/// Runs a shell command; true when it exited 0.
inline bool run_command(const std::string& command) { return std::system(command.c_str()) == 0; }

/// A shell-quoted argument.
inline std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (char character : text) {
        if (character == '\'')
            quoted += "'\\''";
        else
            quoted += character;
    }
    return quoted + "'";
}

}  // namespace cairn::testing
