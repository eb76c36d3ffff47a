// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/glue/message_preview.h"

#include <algorithm>
#include <array>

#include "core/base/text.h"

namespace cairn::desktop {
namespace {

/// Image types a web view shows from a data: URL; anything else stays out of the document.
bool shown_inline(std::string_view content_type) {
    static constexpr std::array<std::string_view, 4> image_types = {"image/png", "image/jpeg", "image/gif",
                                                                    "image/webp"};
    return std::find(image_types.begin(), image_types.end(), content_type) != image_types.end();
}

}  // namespace

Result<mime::MessageView> read_preview(Archive& archive, std::int64_t message_id) {
    return archive.message_view(message_id);
}

mime::SanitizedHtml preview_html(Archive& archive, std::int64_t message_id, const mime::MessageView& view,
                                 bool allow_remote_images) {
    mime::SanitizeOptions options;
    options.allow_remote_images = allow_remote_images;
    options.resolve_content_id = [&](std::string_view content_id) -> std::string {
        const auto attachment = std::find_if(view.attachments.begin(), view.attachments.end(), [&](const auto& item) {
            return item.content_id == content_id && shown_inline(item.content_type);
        });
        if (attachment == view.attachments.end())
            return {};
        const auto data = archive.attachment_data(message_id, attachment->index);
        if (!data)
            return {};
        return "data:" + attachment->content_type + ";base64," + base64_encode(*data);
    };
    return mime::sanitize_html(view.html, options);
}

Result<std::string> read_attachment(Archive& archive, std::int64_t message_id, std::size_t attachment_index) {
    return archive.attachment_data(message_id, attachment_index);
}

}  // namespace cairn::desktop
