// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

/// Core calls back on its worker threads; wx controls may only be touched on the UI thread.
namespace cairn::desktop {

/// Hands a piece of work to the UI thread (queued; runs after the current event).
using UiPoster = std::function<void(std::function<void()>)>;

/// The application's poster: wxTheApp->CallAfter. Safe to call from any thread.
UiPoster application_poster();

}  // namespace cairn::desktop
