#include "study/failover.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static int by_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int measure(vs_study_failover_run *run, const vs_scenario *sc, double alone_s)
{
  const vs_boot_result *r = run->result;
  double *ready = malloc((r->n_vms ? r->n_vms : 1) * sizeof(double));
  if (!ready)
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (size_t i = 0; i < r->n_vms; i++) {
    ready[i] = r->ready_s[i];
    if (alone_s > 0)
      run->slowest_ratio = fmax(run->slowest_ratio, (r->ready_s[i] - r->started_s[i]) / alone_s);
  }
  qsort(ready, r->n_vms, sizeof(double), by_double);
  run->restore_max_s = r->n_vms ? ready[r->n_vms - 1] : 0;
  run->restore_p95_s = r->n_vms ? ready[(size_t)ceil(0.95 * (double)r->n_vms) - 1] : 0;
  run->storm = run->slowest_ratio > sc->storm.max_slowdown;
  run->survivor_cpu_slowdown = fmax(1.0, r->background_cpu_slowdown);
  run->survivor_read_slowdown = fmax(1.0, r->background_read_slowdown);
  free(ready);
  return VS_OK;
}

/* One admitted desktop restarting alone, under the same load: what every
 * policy's restarts are compared with (the storm verdict). */
static int restart_alone(vs_backend *b, const vs_failover *f, double *alone_s)
{
  vs_boot_result *r = NULL;
  int rc = VS_OK;
  *alone_s = 0;
  for (size_t i = 0; i < f->n; i++)
    if (f->vms[i].host >= 0) {
      const vs_failover_vm *v = &f->vms[i];
      vs_boot_req one = {.vm = v->vm, .host = v->host, .disk = v->disk, .cls = v->cls, .start_s = 0};
      if ((rc = vs_backend_boot(b, &one, 1, NULL, &r)) == VS_OK)
        *alone_s = r->ready_s[0] - r->started_s[0];
      vs_boot_result_free(r);
      break;
    }
  return rc;
}

int vs_study_failover_run_all(vs_study_failover *s, vs_backend *b, const vs_capacity *cap, const vs_failover *f,
                              const vs_restart_policy *policies, int n)
{
  const vs_scenario *sc = b->sc;
  const vs_boot_background *idle = b->background;
  int rc;
  memset(s, 0, sizeof(*s));
  b->background = &f->load;
  if ((rc = restart_alone(b, f, &s->restart_alone_s)) != VS_OK)
    goto cleanup;
  /* Throttled: the threshold, shared out over the HDDs (at least one each). */
  s->per_disk = cap->threshold / vs_scenario_total_hdds(sc);
  if (s->per_disk < 1)
    s->per_disk = 1;
  for (int i = 0; i < n && rc == VS_OK; i++) {
    vs_study_failover_run *run = &s->runs[s->n_runs];
    size_t len;
    vs_boot_req *plan = vs_failover_plan(f, policies[i], &len);
    vs_boot_limits limits = VS_BOOT_LIMITS_INIT;
    if (!plan) {
      rc = vs_error_set(VS_ENOMEM, "out of memory");
      break;
    }
    if (policies[i] != VS_RESTART_ALL_AT_ONCE) {
      limits.max_concurrent = cap->threshold;
      limits.max_per_disk = s->per_disk;
    }
    run->policy = policies[i];
    if (len && (rc = vs_backend_boot(b, plan, len, &limits, &run->result)) == VS_OK)
      rc = measure(run, sc, s->restart_alone_s);
    free(plan);
    s->n_runs++;
  }
cleanup:
  b->background = idle;
  return rc;
}

void vs_study_failover_clear(vs_study_failover *s)
{
  for (int i = 0; i < s->n_runs; i++)
    vs_boot_result_free(s->runs[i].result);
  memset(s, 0, sizeof(*s));
}
