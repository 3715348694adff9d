/* Shared between the files of sim/ only. */
#ifndef VS_SIM_INTERNAL_H
#define VS_SIM_INTERNAL_H

#include "scenario/scenario.h"

/* The bandwidth SimGrid's disk is given: the best point of the concurrency
 * curve. Fewer or more readers cost extra "seek bytes" (see engine.c). */
double vs_sim_hdd_peak_bw(const vs_scenario *sc);

#endif
