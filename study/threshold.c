#include "study/threshold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "scenario/placement.h"

static int keep(vs_study_threshold *t, int k, vs_boot_result *r)
{
  size_t cap = (size_t)t->by_k_len;
  if (k >= t->by_k_len) {
    if (vs_array_reserve(&t->by_k, &cap, (size_t)k + 1, sizeof(*t->by_k)) != VS_OK)
      return VS_ENOMEM;
    memset(t->by_k + t->by_k_len, 0, (cap - (size_t)t->by_k_len) * sizeof(*t->by_k));
    t->by_k_len = (int)cap;
  }
  vs_boot_result_free(t->by_k[k]);
  t->by_k[k] = r;
  return VS_OK;
}

int vs_study_boot_at_once(vs_backend *b, int k, const vs_study_repeat *rp, vs_boot_result **out)
{
  vs_boot_req *plan = vs_boot_plan_simultaneous(b->sc, k);
  int rc;
  if (!plan)
    return vs_error_set(VS_ENOMEM, "out of memory");
  rc = vs_study_repeat_boot(b, rp, plan, (size_t)k, NULL, out);
  free(plan);
  return rc;
}

/* One step of the search: k VMs powered on at once (repeated). */
static int measure_k(void *ctx, int k, vs_threshold_measure *m)
{
  vs_study_threshold *t = ctx;
  int runs = t->repeat.n > 1 ? t->repeat.n : 1, rc;
  vs_boot_result **all = calloc((size_t)runs, sizeof(*all)), *r;

  if (!all)
    return vs_error_set(VS_ENOMEM, "out of memory");
  if ((rc = vs_study_boot_at_once(t->backend, k, &t->repeat, all)) != VS_OK) {
    free(all);
    return rc;
  }
  for (int i = 0; i < runs; i++) {
    t->all_ready_runs[i] = all[i]->all_ready_s;
    t->peak_cpu_runs[i] = all[i]->peak_cpu_util;
    if (i)
      vs_boot_result_free(all[i]);
  }
  r = all[0];
  free(all);
  m->n_runs = (size_t)runs;
  m->all_ready_runs = t->all_ready_runs;
  m->peak_cpu_runs = t->peak_cpu_runs;
  if (r->not_ready && !t->failed_k) {
    t->failed_k = k;
    snprintf(t->failure, sizeof(t->failure), "%s", r->failure);
  }
  m->all_ready_s = r->all_ready_s;
  m->mean_ready_s = r->mean_ready_s;
  m->peak_cpu_util = r->peak_cpu_util;
  m->mean_disk_MBps = r->mean_disk_MBps;
  m->peak_link_util = r->peak_link_util;
  m->read_B = r->total_read_B;
  m->not_ready = r->not_ready;
  if ((rc = keep(t, k, r)) != VS_OK)
    vs_boot_result_free(r);
  return rc;
}

/* One VM of each class alone: what the schedulers plan a class's boot on. */
static int measure_classes(vs_study_threshold *t, vs_backend *b)
{
  for (size_t c = 0; c < b->sc->n_classes; c++) {
    vs_boot_req one = {.vm = 0, .cls = (int)c};
    vs_boot_result *r = NULL;
    vs_placement_vm(b->sc, 0, 1, &one.host, &one.disk);
    int rc = vs_backend_boot(b, &one, 1, NULL, &r);
    if (rc != VS_OK)
      return rc;
    t->class_boot_s[c] = r->all_ready_s;
    vs_boot_result_free(r);
  }
  return VS_OK;
}

int vs_study_threshold_run(vs_study_threshold *t, vs_backend *b, const vs_threshold_options *opts,
                           const vs_study_repeat *rp)
{
  vs_study_repeat one = VS_STUDY_REPEAT_INIT;
  int rc;
  memset(t, 0, sizeof(*t));
  t->backend = b;
  t->repeat = rp ? *rp : one;
  if (t->repeat.n < 1)
    t->repeat.n = 1;
  t->all_ready_runs = calloc((size_t)t->repeat.n, sizeof(double));
  t->peak_cpu_runs = calloc((size_t)t->repeat.n, sizeof(double));
  if (!t->all_ready_runs || !t->peak_cpu_runs)
    return vs_error_set(VS_ENOMEM, "out of memory");
  if ((rc = vs_threshold_search(b->sc, opts, measure_k, t, &t->res)) != VS_OK)
    return rc;
  if (b->sc->n_classes > 1)
    return measure_classes(t, b);
  t->class_boot_s[0] = t->res.unloaded_boot_s;
  return VS_OK;
}

const vs_boot_result *vs_study_threshold_result(const vs_study_threshold *t, int k)
{
  return k >= 0 && k < t->by_k_len ? t->by_k[k] : NULL;
}

void vs_study_threshold_capacity(const vs_study_threshold *t, vs_capacity *cap)
{
  const vs_boot_result *wave = vs_study_threshold_result(t, t->res.threshold);
  memset(cap, 0, sizeof(*cap));
  cap->threshold = t->res.threshold > 0 ? t->res.threshold : 1;
  cap->boot_s = t->res.unloaded_boot_s;
  for (size_t c = 0; c < VS_MAX_CLASSES; c++)
    cap->class_boot_s[c] = t->class_boot_s[c];
  cap->wave_s = wave ? wave->all_ready_s : cap->boot_s;
  cap->vm_io_Bps = t->res.vm_io_Bps;
  /* The search often measured jit's lanes already (its first steps and
   * the threshold); otherwise the schedule study measures them. */
  const vs_boot_result *lanes = vs_study_threshold_result(t, vs_capacity_lanes(t->backend->sc, cap));
  cap->lanes_slowdown = lanes ? vs_capacity_lanes_slowdown(cap, lanes) : 0.0;
}

void vs_study_threshold_clear(vs_study_threshold *t)
{
  for (int k = 0; k < t->by_k_len; k++)
    vs_boot_result_free(t->by_k[k]);
  free(t->by_k);
  free(t->all_ready_runs);
  free(t->peak_cpu_runs);
  vs_threshold_result_clear(&t->res);
  memset(t, 0, sizeof(*t));
}
