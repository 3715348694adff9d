/* Shared between the files of sim/ only. */
#ifndef VS_SIM_INTERNAL_H
#define VS_SIM_INTERNAL_H

#include "scenario/scenario.h"

/* The bandwidth SimGrid's disk (an HDD or SSD) is given: the best point of
 * its concurrency curve. Fewer or more readers cost extra "seek bytes" (see
 * engine.c). */
double vs_sim_device_peak_bw(const vs_hdd_model *m);

/* The platform written into an anonymous in-memory file (read back as
 * /proc/self/fd/N); *fd to close after loading. */
int vs_platform_memfd(const vs_scenario *sc, int *fd);

#endif
