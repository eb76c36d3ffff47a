// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/glue/ui_thread.h"

#include <wx/app.h>

namespace cairn::desktop {

UiPoster application_poster() {
    return [](std::function<void()> work) {
        if (wxTheApp)
            wxTheApp->CallAfter(std::move(work));
    };
}

}  // namespace cairn::desktop
