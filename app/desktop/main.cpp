// SPDX-License-Identifier: GPL-3.0-or-later
// The App class is created by app.cpp (wxIMPLEMENT_APP_NO_MAIN), so the tests can link it.
#include "app/desktop/app.h"

wxIMPLEMENT_WXWIN_MAIN
