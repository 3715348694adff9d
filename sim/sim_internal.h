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

/* ---- for sim/pool.c (the image pool): engine.c's disks, hosts and actors ---- */
#include <simgrid/forward.h>

#include "backend/pool.h"

typedef struct vs_sim vs_sim;
typedef struct sim_pool sim_pool;

/* Disk time on disk `disk` (global index) for `bytes` read or written: one
 * more interleaved stream, with the same seek inflation as a boot's read.
 * *inflation goes back to vs_sim_disk_io_end when the exec has ended. */
sg_exec_t vs_sim_disk_io_start(vs_sim *sim, int disk, double bytes, double *inflation);
void vs_sim_disk_io_end(vs_sim *sim, int disk, double inflation);
/* The NAS (or host) that owns the disk: where its bytes enter the network. */
sg_host_t vs_sim_disk_owner(const vs_sim *sim, int disk);
/* Starts an actor with a boot actor's small stack. */
void vs_sim_actor_start(const char *name, sg_host_t host, void (*code)(int, char **), void *data);

/* The pool's actors beside an experiment that starts now (sim/pool.c). */
int vs_sim_pool_start(vs_sim *sim, const vs_pool_workload *w, sim_pool **out);
/* Requests not yet created, or copies queued or in flight. */
int vs_sim_pool_busy(const sim_pool *p);
/* The simulated time of its next activity: now while copies run or the
 * handler works, else the next arrival or refill opening; INFINITY: none. */
double vs_sim_pool_next(const sim_pool *p);
/* Once not busy: stops the preparer and completes w->out. */
int vs_sim_pool_finish(sim_pool *p);
void vs_sim_pool_free(sim_pool *p);

#endif
