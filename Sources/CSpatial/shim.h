#ifndef ECONGIS_CSPATIAL_SHIM_H
#define ECONGIS_CSPATIAL_SHIM_H
#include <sqlite3.h>
#include <spatialite/gaiageo.h>
#include <spatialite.h>
#include <proj.h>
#include <geodesic.h>

/// SQLite's process-wide settings, which only a C call can make (sqlite3_config takes variadic arguments): the
/// multi-thread mode, where a connection takes no mutex per call since one thread at a time uses it (GRDB
/// serialises each connection's use and supports no other mode), and no memory statistics, which take a mutex on
/// every allocation. Effective only before SQLite initialises, when the first connection opens; later it returns
/// SQLITE_MISUSE and changes nothing. Returns 0 when both were set.
static inline int econgis_sqlite_configure_process(void) {
    int mode = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    int statistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return mode != SQLITE_OK ? mode : statistics;
}
#endif
