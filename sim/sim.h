/* The SimGrid backend, behind the backend interface (models/backend/):
 * no SimGrid type leaks out.
 *
 * SimGrid runs one simulation per process, so a study runs *inside* it:
 * vs_sim_run() builds the platform from the scenario and calls the study
 * from a controller actor with a backend whose experiments run one after
 * another in simulated time. */
#ifndef VS_SIM_H
#define VS_SIM_H

#include "backend/backend.h"
#include "scenario/scenario.h"

typedef struct {
  int verbose;                  /* SimGrid's own log output */
  vs_boot_progress_fn progress; /* experiments' progress, a few times per wall second; may be NULL */
  void *progress_ctx;
  int force;                    /* run experiments whose memory estimate exceeds what is available */
} vs_sim_options;
#define VS_SIM_OPTIONS_INIT {.verbose = 0, .progress = NULL, .progress_ctx = NULL, .force = 0}

/* Build the platform for `sc`, run `study(backend, payload)` inside the
 * simulation and return what it returned (or VS_ESIM if the simulation
 * failed to start). At most once per process. */
int vs_sim_run(const vs_scenario *sc, const vs_sim_options *opts, vs_backend_fn study, void *payload);

/* Write the SimGrid platform generated for `sc` (exposed for tests and for
 * users who want to inspect it). */
int vs_platform_write(const vs_scenario *sc, const char *path);

#endif
