#ifndef ECONGIS_CSPATIAL_SHIM_H
#define ECONGIS_CSPATIAL_SHIM_H
#include <sqlite3.h>
#include <spatialite/gaiageo.h>
#include <spatialite.h>
#include <proj.h>
#include <geodesic.h>
#endif
