// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/app.h"

wxIMPLEMENT_APP(cairn::desktop::App);
