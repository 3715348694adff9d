#include "backend/backend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "scenario/placement.h"

int vs_backend_boot(vs_backend *b, const vs_boot_req *plan, size_t n, const vs_boot_limits *limits,
                    vs_boot_result **out)
{
  int rc;
  *out = NULL;
  if ((rc = vs_boot_plan_check(b->sc, plan, n)) != VS_OK)
    return rc;
  if (b->background && strcmp(b->name, "simgrid") != 0)
    return vs_error_set(VS_EINPUT, "%s: a background load of running desktops is simulated only", b->name);
  return b->boot(b, plan, n, limits, out);
}

/* Each class's weight in the workload (its VMs), or equal weights without one. */
static void mix_weights(const vs_scenario *sc, double *w)
{
  double total = 0;
  for (size_t c = 0; c < sc->n_classes; c++)
    w[c] = 0;
  for (size_t p = 0; p < sc->workload.len; p++)
    w[sc->workload.points[p].cls] += sc->workload.points[p].vms;
  for (size_t c = 0; c < sc->n_classes; c++)
    total += w[c];
  for (size_t c = 0; c < sc->n_classes; c++)
    w[c] = total > 0 ? w[c] / total : 1.0 / (double)sc->n_classes;
}

vs_boot_req *vs_boot_plan_simultaneous(const vs_scenario *sc, int k)
{
  vs_boot_req *plan = calloc(k > 0 ? (size_t)k : 1, sizeof(*plan));
  double w[VS_MAX_CLASSES], given[VS_MAX_CLASSES] = {0};
  mix_weights(sc, w);
  for (int i = 0; plan && i < k; i++) {
    /* The class furthest behind its share comes next (smooth interleave). */
    size_t best = 0;
    for (size_t c = 1; c < sc->n_classes; c++)
      if (w[c] * (i + 1) - given[c] > w[best] * (i + 1) - given[best] + 1e-12)
        best = c;
    given[best]++;
    plan[i].vm = i;
    plan[i].cls = (int)best;
    vs_placement_vm(sc, i, k, &plan[i].host, &plan[i].disk);
  }
  return plan;
}

int vs_boot_plan_check(const vs_scenario *sc, const vs_boot_req *plan, size_t n)
{
  int disks = vs_scenario_total_hdds(sc);
  for (size_t i = 0; i < n; i++) {
    if (plan[i].host < 0 || plan[i].host >= sc->hosts.count)
      return vs_error_set(VS_EINPUT, "VM %d: host %d does not exist (the scenario has %d)", plan[i].vm,
                          plan[i].host, sc->hosts.count);
    if (plan[i].disk < 0 || plan[i].disk >= disks)
      return vs_error_set(VS_EINPUT, "VM %d: disk %d does not exist (the scenario has %d)", plan[i].vm,
                          plan[i].disk, disks);
    if (plan[i].cls < 0 || (size_t)plan[i].cls >= sc->n_classes)
      return vs_error_set(VS_EINPUT, "VM %d: class %d does not exist (the scenario has %zu)", plan[i].vm, plan[i].cls,
                          sc->n_classes);
    if (!(plan[i].start_s >= 0) || !isfinite(plan[i].start_s))
      return vs_error_set(VS_EINPUT, "VM %d: start time %g is not a time >= 0", plan[i].vm, plan[i].start_s);
  }
  return VS_OK;
}

vs_boot_result *vs_boot_result_new(const vs_boot_req *plan, size_t n)
{
  vs_boot_result *r = calloc(1, sizeof(*r));
  size_t m = n ? n : 1;
  if (!r)
    return NULL;
  r->n_vms = n;
  r->peak_concurrency = -1;
  r->sample_s = 1.0;
  r->boots = malloc(m * sizeof(*r->boots));
  r->started_s = calloc(m, sizeof(double));
  r->ready_s = calloc(m, sizeof(double));
  r->read_B = calloc(m, sizeof(double));
  if (!r->boots || !r->started_s || !r->ready_s || !r->read_B) {
    vs_boot_result_free(r);
    return NULL;
  }
  if (n)
    memcpy(r->boots, plan, n * sizeof(*plan));
  return r;
}

/* The largest mean over `window` consecutive samples; a run shorter than
 * the window is one window (a busy first second alone is not a saturated
 * CPU). */
static double rolling_peak(const double *util, size_t n, size_t stride, size_t col, size_t window)
{
  double best = 0, sum = 0;
  if (window > n)
    window = n ? n : 1;
  for (size_t i = 0; i < n; i++) {
    sum += util[i * stride + col];
    if (i >= window)
      sum -= util[(i - window) * stride + col];
    if (i + 1 >= window && sum / (double)window > best)
      best = sum / (double)window;
  }
  return best;
}

typedef struct {
  double t;
  int delta;
} edge;

static int by_time(const void *a, const void *b)
{
  const edge *x = a, *y = b;
  if (x->t != y->t)
    return x->t < y->t ? -1 : 1;
  return x->delta - y->delta; /* a boot that ends frees its place first */
}

static int peak_from_intervals(const vs_boot_result *r)
{
  edge *e = malloc((2 * r->n_vms + 1) * sizeof(*e));
  size_t m = 0;
  int now = 0, peak = 0;
  if (!e)
    return 0;
  for (size_t i = 0; i < r->n_vms; i++) {
    e[m++] = (edge){r->started_s[i], +1};
    if (!isnan(r->ready_s[i]))
      e[m++] = (edge){r->ready_s[i], -1};
  }
  qsort(e, m, sizeof(*e), by_time);
  for (size_t i = 0; i < m; i++)
    if ((now += e[i].delta) > peak)
      peak = now;
  free(e);
  return peak;
}

void vs_boot_result_summarize(vs_boot_result *r, const vs_scenario *sc)
{
  double first = INFINITY, last = 0, sum = 0, bytes = 0;
  int ready = 0, disks = vs_scenario_total_hdds(sc);
  char *used = calloc(disks > 0 ? (size_t)disks : 1, 1);

  r->max_boot_s = 0;
  r->not_ready = 0;
  r->disks_used = 0;
  for (size_t i = 0; i < r->n_vms; i++) {
    bytes += r->read_B[i];
    first = fmin(first, r->started_s[i]);
    if (used && r->boots[i].disk >= 0 && r->boots[i].disk < disks && !used[r->boots[i].disk]) {
      used[r->boots[i].disk] = 1;
      r->disks_used++;
    }
    if (isnan(r->ready_s[i])) {
      r->not_ready++;
      continue;
    }
    double boot = r->ready_s[i] - r->started_s[i];
    ready++;
    last = fmax(last, r->ready_s[i]);
    sum += boot;
    r->max_boot_s = fmax(r->max_boot_s, boot);
  }
  free(used);
  r->all_ready_s = ready ? last - first : 0;
  r->mean_ready_s = ready ? sum / ready : 0;
  r->total_read_B = bytes;
  r->total_disk_MBps = r->all_ready_s > 0 ? bytes / r->all_ready_s / 1e6 : 0;
  r->mean_disk_MBps = r->disks_used ? r->total_disk_MBps / r->disks_used : 0;
  if (r->peak_concurrency < 0)
    r->peak_concurrency = peak_from_intervals(r);

  size_t window = (size_t)llround(sc->storm.cpu_window_s / (r->sample_s > 0 ? r->sample_s : 1.0));
  if (window < 1)
    window = 1;
  r->peak_cpu_util = 0;
  for (int h = 0; r->host_util && h < r->n_hosts; h++)
    r->peak_cpu_util = fmax(r->peak_cpu_util,
                            rolling_peak(r->host_util, r->n_samples, (size_t)r->n_hosts, (size_t)h, window));
  /* A single chunk on the wire fills a link for an instant; what matters is
   * sustained load, so links get the same window as CPUs. */
  double link_scale = sc->storage.kind == VS_STORAGE_NAS ? 1e6 / sc->storage.link_Bps : 0;
  r->peak_link_util = 0;
  for (int l = 0; r->link_MBps && l < r->n_links; l++)
    r->peak_link_util = fmax(r->peak_link_util, link_scale * rolling_peak(r->link_MBps, r->n_samples,
                                                                          (size_t)r->n_links, (size_t)l, window));
  r->peak_link_util = fmin(r->peak_link_util, 1.0);
  r->host_overhead_cpu_util = r->peak_host_overhead_cpu_util = 0;
  for (size_t s = 0; s < r->n_samples; s++) {
    r->host_overhead_cpu_util += r->samples[s].host_overhead_cpu_util / (double)r->n_samples;
    r->peak_host_overhead_cpu_util = fmax(r->peak_host_overhead_cpu_util, r->samples[s].host_overhead_cpu_util);
  }
}

void vs_boot_result_free(vs_boot_result *r)
{
  if (!r)
    return;
  free(r->boots);
  free(r->started_s);
  free(r->ready_s);
  free(r->read_B);
  free(r->failure_log);
  free(r->samples);
  free(r->host_util);
  free(r->disk_MBps);
  free(r->link_MBps);
  free(r);
}
