#ifndef ECONGIS_CHEAP_SHIM_H
#define ECONGIS_CHEAP_SHIM_H
// glibc's malloc settings (mallopt and its M_* parameters), which Swift's Glibc module leaves out.
#if defined(__linux__)
#include <malloc.h>
#endif
#endif
