/* Running a study on a backend from the command line. The simulator runs
 * the study on its controller actor, which may be another thread (SimGrid's
 * thread contexts under the sanitizers), where vs_error_last() is not ours:
 * the message is carried back here. */
#include <stdio.h>

#include "cli.h"
#include "core/error.h"
#include "real/real.h"
#include "sim/sim.h"

typedef struct {
  vs_backend_fn study;
  void *payload;
  int rc;
  char err[1024];
} call;

static int trampoline(vs_backend *b, void *payload)
{
  call *c = payload;
  c->rc = c->study(b, c->payload);
  if (c->rc != VS_OK)
    snprintf(c->err, sizeof(c->err), "%s", vs_error_last());
  return c->rc;
}

static int finish(call *c, int rc)
{
  if (c->rc != VS_OK)
    return vs_error_set(c->rc, "%s", c->err);
  return rc;
}

int vs_cli_simulate(const vs_scenario *sc, const vs_cli_common *o, vs_cli_progress *progress, vs_backend_fn study,
                    void *payload)
{
  vs_sim_options so = VS_SIM_OPTIONS_INIT;
  call c = {.study = study, .payload = payload, .rc = VS_OK};
  so.verbose = o->verbose;
  so.force = o->force;
  so.progress = vs_cli_progress_boot;
  so.progress_ctx = progress;
  return finish(&c, vs_sim_run(sc, &so, trampoline, &c));
}

int vs_cli_live(const vs_scenario *sc, const vs_cli_common *o, vs_cli_progress *progress, vs_backend_fn study,
                void *payload)
{
  vs_real_options ro = VS_REAL_OPTIONS_INIT;
  call c = {.study = study, .payload = payload, .rc = VS_OK};
  ro.events = !o->quiet;
  ro.progress = vs_cli_progress_boot;
  ro.progress_ctx = progress;
  return finish(&c, vs_real_run(sc, &ro, trampoline, &c));
}
