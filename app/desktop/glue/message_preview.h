// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

#include "core/archive/archive.h"

namespace cairn::desktop {

/// What the preview pane shows for a message. The single place that decides where it comes
/// from, so the preview does not care whether core prepared a full view or only headers.
Result<mime::MessageView> read_preview(Archive& archive, std::int64_t message_id);

/// The decoded bytes of one of the message's attachments (index from MessageView::attachments).
Result<std::string> read_attachment(Archive& archive, std::int64_t message_id, std::size_t attachment_index);

}  // namespace cairn::desktop
