// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/glue/message_preview.h"

#include "core/mime/message_structure.h"

namespace cairn::desktop {

Result<mime::MessageView> read_preview(Archive& archive, std::int64_t message_id) {
    // Until core's message view lands: the decoded summary headers and the body as stored.
    const std::string bytes = CAIRN_TRY(archive.message_bytes(message_id));
    const mime::HeaderSummary summary = mime::summarize_headers(bytes);
    mime::MessageView view;
    view.subject = summary.subject;
    view.from = summary.from;
    view.to = summary.to;
    view.date = summary.date;
    view.message_id = summary.message_id;
    std::size_t body_start = bytes.find("\r\n\r\n");
    std::size_t separator_length = 4;
    if (const std::size_t unix_break = bytes.find("\n\n"); unix_break < body_start) {
        body_start = unix_break;
        separator_length = 2;
    }
    if (body_start != std::string::npos)
        view.text = bytes.substr(body_start + separator_length);
    return view;
}

Result<std::string> read_attachment(Archive&, std::int64_t message_id, std::size_t) {
    return make_error(ErrorCode::Unsupported,
                      "attachments can be saved once this version of Cairn can take messages apart; export the "
                      "message (File > Export selection) and open it in a mail program meanwhile",
                      "message " + std::to_string(message_id));
}

}  // namespace cairn::desktop
