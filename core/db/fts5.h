// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sqlite3.h>

#include "core/db/database.h"

namespace cairn::db {

/// The connection's FTS5 API, through which tokenizers and auxiliary functions are registered;
/// nullptr when this SQLite library was built without FTS5.
fts5_api* find_fts5_api(Database& database);

}  // namespace cairn::db
