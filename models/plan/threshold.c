#include "plan/threshold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "scenario/placement.h"

#define LINEAR_PHASE 16
#define CPU_SATURATED 0.999
#define LINK_SATURATED 0.98

typedef struct {
  const vs_scenario *sc;
  const vs_threshold_options *opts;
  vs_threshold_measure_fn simulate;
  void *ctx;
  vs_threshold_result *res;
  size_t cap;
} search;

const char *vs_threshold_limit_name(unsigned bit)
{
  switch (bit) {
  case VS_LIMIT_CPU: return "cpu";
  case VS_LIMIT_HDD: return "hdd";
  case VS_LIMIT_LINK: return "link";
  case VS_LIMIT_SLOWDOWN: return "slowdown";
  case VS_LIMIT_SSD: return "ssd";
  default: return "?";
  }
}

const char *vs_threshold_limits_format(unsigned limits, char *buf, size_t len)
{
  size_t used = 0;
  buf[0] = '\0';
  for (unsigned bit = 1; bit < (1u << VS_LIMIT_COUNT); bit <<= 1)
    if (limits & bit)
      used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? "+" : "",
                               vs_threshold_limit_name(bit));
  if (!used)
    snprintf(buf, len, "none");
  return buf;
}

/* Every VM's boot crosses its NAS uplink in full: true unless a host cache
 * serves clones from the host's memory. */
static int link_carries_every_boot(const vs_scenario *sc)
{
  return sc->storage.kind == VS_STORAGE_NAS &&
         !(sc->storage.cache.at == VS_CACHE_HOST && !vs_scenario_reads_hdd_uncached(sc));
}

/* Boots from an SSD replica tier (no cache in front): the busiest SSD
 * cannot deliver what the boots reading from it ask for. */
static int ssd_demand_exceeds(const vs_scenario *sc, int k, double vm_io_Bps)
{
  int hdds = vs_scenario_total_hdds(sc), ssds = vs_scenario_total_ssds(sc), worst = 0;
  if (sc->storage.boot_from != VS_TIER_SSD || sc->storage.cache.at != VS_CACHE_NONE || ssds <= 0 || vm_io_Bps <= 0)
    return 0;
  int *count = calloc((size_t)ssds, sizeof(*count));
  if (!count)
    return 0;
  for (int i = 0; i < k; i++) {
    int host, disk, dev;
    vs_placement_vm(sc, i, k, &host, &disk);
    dev = vs_placement_boot_device(sc, disk) - hdds;
    if (dev >= 0 && dev < ssds && ++count[dev] > worst)
      worst = count[dev];
  }
  free(count);
  return worst * vm_io_Bps > sc->ssd.read_Bps * vs_scenario_hdd_factor(&sc->ssd, worst);
}

/* Limits that need no simulation: they depend only on the layout. The
 * one-VM-per-HDD rule holds where boots read their own images from HDDs;
 * behind a cache of the golden image, or from an SSD replica, the measured
 * slowdown decides instead. */
static unsigned analytic_limits(const vs_scenario *sc, int k, double vm_io_Bps)
{
  unsigned limits = 0;
  if (vs_scenario_reads_hdd_uncached(sc) && vs_scenario_total_hdds(sc) >= 2 && k > vs_scenario_total_hdds(sc))
    limits |= VS_LIMIT_HDD;
  if (link_carries_every_boot(sc) && vs_placement_max_per_link(sc, k) * vm_io_Bps > sc->storage.link_Bps)
    limits |= VS_LIMIT_LINK;
  if (ssd_demand_exceeds(sc, k, vm_io_Bps))
    limits |= VS_LIMIT_SSD;
  return limits;
}

/* VMs per disk the linear trend serializes: those sharing an HDD, where
 * boots read their own images from HDDs; elsewhere none (clones behind a
 * cache, or an SSD without a seek penalty, should each boot as if alone). */
static int trend_per_disk(const vs_scenario *sc, int k)
{
  return vs_scenario_reads_hdd_uncached(sc) ? vs_placement_max_per_disk(sc, k) : 1;
}

static vs_threshold_step *find_step(const vs_threshold_result *res, int k)
{
  for (size_t i = 0; i < res->n_steps; i++)
    if (res->steps[i].k == k)
      return &res->steps[i];
  return NULL;
}

static int by_k(const void *a, const void *b)
{
  return ((const vs_threshold_step *)a)->k - ((const vs_threshold_step *)b)->k;
}

static int bit_index(unsigned bit)
{
  int i = 0;
  while (bit > 1) {
    bit >>= 1;
    i++;
  }
  return i;
}

/* The limits of a measured step. With repeats, the unloaded boot is the
 * mean of k = 1's runs, and cpu and slowdown trip when they trip in at
 * least trip_share of the runs. */
static void measured_limits(search *s, vs_threshold_step *st)
{
  vs_threshold_result *res = s->res;
  int k = st->k;
  size_t n = st->m.n_runs ? st->m.n_runs : 1;
  const double *ready = st->m.n_runs ? st->m.all_ready_runs : &st->m.all_ready_s;
  const double *cpu = st->m.n_runs ? st->m.peak_cpu_runs : &st->m.peak_cpu_util;
  int cpu_trips = 0, slow_trips = 0;

  vs_stats_of(ready, n, &st->all_ready);
  vs_stats_of(cpu, n, &st->peak_cpu);
  if (k == 1) {
    res->unloaded_boot_s = st->all_ready.mean;
    res->vm_io_Bps = st->m.all_ready_s > 0 ? st->m.read_B / st->m.all_ready_s : 0;
  }
  st->max_per_disk = vs_placement_max_per_disk(s->sc, k);
  st->max_per_link = vs_placement_max_per_link(s->sc, k);
  st->io_MBps = k * res->vm_io_Bps / 1e6;
  int per_disk = trend_per_disk(s->sc, k);
  st->slowdown = st->m.all_ready_s / (res->unloaded_boot_s * per_disk);
  for (size_t r = 0; r < n; r++) {
    cpu_trips += cpu[r] >= CPU_SATURATED;
    slow_trips += ready[r] / (res->unloaded_boot_s * per_disk) > s->sc->storm.max_slowdown;
  }
  st->limits = analytic_limits(s->sc, k, res->vm_io_Bps);
  st->trip_share[bit_index(VS_LIMIT_HDD)] = st->limits & VS_LIMIT_HDD ? 1 : 0;
  /* Where the uplink carries only a host cache's misses, its measured load says. */
  if (s->sc->storage.kind == VS_STORAGE_NAS && !link_carries_every_boot(s->sc) && st->m.peak_link_util >= LINK_SATURATED)
    st->limits |= VS_LIMIT_LINK;
  st->trip_share[bit_index(VS_LIMIT_LINK)] = st->limits & VS_LIMIT_LINK ? 1 : 0;
  st->trip_share[bit_index(VS_LIMIT_SSD)] = st->limits & VS_LIMIT_SSD ? 1 : 0;
  st->trip_share[bit_index(VS_LIMIT_CPU)] = (double)cpu_trips / (double)n;
  st->trip_share[bit_index(VS_LIMIT_SLOWDOWN)] = (double)slow_trips / (double)n;
  /* One run: it trips or not. Several: in at least trip_share of them. */
  double need = n == 1 ? 1.0 : s->opts->trip_share;
  if (cpu_trips && (double)cpu_trips / (double)n >= need - 1e-12)
    st->limits |= VS_LIMIT_CPU;
  if (slow_trips && (double)slow_trips / (double)n >= need - 1e-12)
    st->limits |= VS_LIMIT_SLOWDOWN;
}

/* Simulate k (once) and return its tripped limits, or a negative error. */
static int step(search *s, int k, unsigned *limits)
{
  vs_threshold_result *res = s->res;
  vs_threshold_step *st = find_step(res, k);
  int rc;

  if (st) {
    *limits = st->limits;
    return VS_OK;
  }
  if (res->n_steps == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 32;
    vs_threshold_step *grown = realloc(res->steps, cap * sizeof(*grown));
    if (!grown)
      return vs_error_set(VS_ENOMEM, "out of memory");
    res->steps = grown;
    s->cap = cap;
  }
  st = &res->steps[res->n_steps];
  memset(st, 0, sizeof(*st));
  st->k = k;
  if ((rc = s->simulate(s->ctx, k, &st->m)) != VS_OK)
    return rc;
  measured_limits(s, st);
  res->n_steps++;
  if (s->opts->on_step)
    s->opts->on_step(s->opts->on_step_ctx ? s->opts->on_step_ctx : s->ctx, st);
  *limits = st->limits;
  return VS_OK;
}

/* The smallest k whose layout alone trips a limit, or max_k + 1. Layout
 * limits only grow with k, so a bisection finds it. */
static int analytic_cap(const vs_scenario *sc, int max_k, double vm_io_Bps)
{
  int lo = 1, hi = max_k + 1;
  if (analytic_limits(sc, 1, vm_io_Bps))
    return 1;
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    if (analytic_limits(sc, mid, vm_io_Bps))
      hi = mid;
    else
      lo = mid;
  }
  return hi;
}

/* Invariant: lo passes, hi trips (hi may be max_k + 1, never simulated). */
static int bisect(search *s, int lo, int hi, int cap, int *threshold)
{
  unsigned limits;
  int rc;
  /* The layout cap usually is the answer: try just below it first. */
  if (hi == cap && hi - 1 > lo) {
    if ((rc = step(s, hi - 1, &limits)) != VS_OK)
      return rc;
    if (!limits)
      lo = hi - 1;
    else
      hi = hi - 1;
  }
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    if ((rc = step(s, mid, &limits)) != VS_OK)
      return rc;
    if (limits)
      hi = mid;
    else
      lo = mid;
  }
  *threshold = lo;
  return VS_OK;
}

int vs_threshold_search(const vs_scenario *sc, const vs_threshold_options *opts_in, vs_threshold_measure_fn simulate,
                        void *ctx, vs_threshold_result *out)
{
  vs_threshold_options opts = VS_THRESHOLD_OPTIONS_INIT;
  search s = {.sc = sc, .opts = &opts, .simulate = simulate, .ctx = ctx, .res = out};
  unsigned limits = 0;
  int rc, k, threshold = 0;

  memset(out, 0, sizeof(*out));
  if (opts_in)
    opts = *opts_in;
  if (opts.max_k <= 0)
    opts.max_k = 65536;

  if ((rc = step(&s, 1, &limits)) != VS_OK)
    goto cleanup;
  int cap = analytic_cap(sc, opts.max_k, out->vm_io_Bps);
  int linear_end = opts.mode == VS_SEARCH_LINEAR ? opts.max_k : opts.mode == VS_SEARCH_FAST ? 1 : LINEAR_PHASE;

  /* Linear phase, as the paper did: k = 1, 2, 3 ... */
  for (k = 1; !limits && k < linear_end && k < opts.max_k; ) {
    k++;
    if ((rc = step(&s, k, &limits)) != VS_OK)
      goto cleanup;
  }
  if (limits) {
    threshold = k - 1;
    for (int extra = 1; extra <= opts.extra_steps && k + extra <= opts.max_k; extra++) {
      unsigned ignored;
      if ((rc = step(&s, k + extra, &ignored)) != VS_OK)
        goto cleanup;
    }
  } else if (k >= opts.max_k) {
    threshold = opts.max_k;
    out->capped = 1;
  } else {
    /* Doubling until a limit trips (or the layout cap), then bisection.
     * Gives the linear scan's answer whenever tripping is monotone in k. */
    int lo = k, hi;
    for (;;) {
      hi = lo * 2 < cap ? lo * 2 : cap;
      if (hi > opts.max_k) {
        hi = opts.max_k + 1;
        break;
      }
      if (hi == cap)
        break;
      if ((rc = step(&s, hi, &limits)) != VS_OK)
        goto cleanup;
      if (limits)
        break;
      lo = hi;
    }
    if ((rc = bisect(&s, lo, hi, cap, &threshold)) != VS_OK)
      goto cleanup;
    if (threshold >= opts.max_k)
      out->capped = 1;
  }

  if (!out->capped) {
    if ((rc = step(&s, threshold + 1, &limits)) != VS_OK)
      goto cleanup;
    out->limits = limits;
  }
  out->threshold = threshold;
  qsort(out->steps, out->n_steps, sizeof(*out->steps), by_k);

cleanup:
  if (rc != VS_OK)
    vs_threshold_result_clear(out);
  return rc;
}

void vs_threshold_result_clear(vs_threshold_result *res)
{
  free(res->steps);
  memset(res, 0, sizeof(*res));
}
