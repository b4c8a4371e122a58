#include <sqlite3.h>

// A virtual table and its cursor as SQLite sees them: SQLite's base struct first, then an
// opaque pointer to the Swift object that answers for it.
typedef struct BeaconVTab {
    sqlite3_vtab base;
    void *table;
} BeaconVTab;

typedef struct BeaconVTabCursor {
    sqlite3_vtab_cursor base;
    void *cursor;
} BeaconVTabCursor;

// SQLITE_TRANSIENT is a cast macro Swift cannot import.
static inline sqlite3_destructor_type beacon_sqlite_transient(void) { return SQLITE_TRANSIENT; }
