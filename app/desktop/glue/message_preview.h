// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

#include "core/archive/archive.h"
#include "core/mime/html_sanitizer.h"

namespace cairn::desktop {

/// What the preview pane shows for a message (decoded headers, text, HTML, attachments).
Result<mime::MessageView> read_preview(Archive& archive, std::int64_t message_id);

/// The message's HTML made safe to display (core's sanitiser: no scripts, no remote loads unless
/// ALLOW_REMOTE_IMAGES), with the images it shows by cid: put in as data: URLs.
mime::SanitizedHtml preview_html(Archive& archive, std::int64_t message_id, const mime::MessageView& view,
                                 bool allow_remote_images);

/// The decoded bytes of one of the message's attachments (index from MessageView::attachments).
Result<std::string> read_attachment(Archive& archive, std::int64_t message_id, std::size_t attachment_index);

}  // namespace cairn::desktop
