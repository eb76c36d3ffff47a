// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

/// The whitelist HTML sanitiser every viewer uses (desktop preview, web view; DESIGN.md §6):
/// mail HTML in, a document that cannot run script, load anything from the network (unless the
/// reader asks for remote images) or reach outside its frame.
namespace cairn::mime {

struct SanitizeOptions {
    /// Load remote images (http/https img src). Off by default: remote images track readers.
    bool allow_remote_images = false;
    /// Maps a cid: reference (the content id without "cid:") to the URL to use instead (a
    /// data: URL, or the viewer's own scheme named in image_schemes); an empty result, or one of
    /// another kind, drops the image.
    std::function<std::string(std::string_view content_id)> resolve_content_id;
    /// The viewer's own URL schemes ("cairn-part:", lower case, with the colon) that
    /// resolve_content_id may return; they are added to the Content-Security-Policy's img-src.
    /// data: (images only) and cid: need no mention.
    std::vector<std::string> image_schemes;
    /// Larger input is cut at this many bytes (at a character boundary) before parsing.
    std::size_t max_input_bytes = 8u << 20;
    /// Elements nested deeper are flattened into their parent (their text is kept).
    std::size_t max_depth = 200;
};

struct SanitizedHtml {
    /// A complete UTF-8 document: doctype, a head with charset and a Content-Security-Policy
    /// that forbids scripts, frames, forms and (unless allowed) remote loads, then the body.
    std::string html;
    /// Remote images (and other remote resources such as CSS backgrounds) left out; a viewer
    /// shows a "show remote images" bar when this is non-zero.
    std::size_t blocked_remote_resources = 0;
};

/// Parses with gumbo (as a browser would, so mis-nested markup cannot smuggle an element past
/// the whitelist) and writes back only whitelisted elements and attributes: no script, style
/// sheets only after removing anything that loads or runs, links only http/https/mailto
/// (opening outside the frame), images only data:/cid:/(allowed) remote. Never fails.
SanitizedHtml sanitize_html(std::string_view html, const SanitizeOptions& options = {});

}  // namespace cairn::mime
