/* Shared between the files of sim/ only. */
#ifndef VS_SIM_INTERNAL_H
#define VS_SIM_INTERNAL_H

#include "scenario/scenario.h"

/* The bandwidth SimGrid's disk is given: the best point of the concurrency
 * curve. Fewer or more readers cost extra "seek bytes" (see engine.c). */
double vs_sim_hdd_peak_bw(const vs_scenario *sc);

/* The platform written into an anonymous in-memory file (read back as
 * /proc/self/fd/N); *fd to close after loading. */
int vs_platform_memfd(const vs_scenario *sc, int *fd);

#endif
