#include "plan/capacity.h"

#include <math.h>
#include <string.h>

#include "core/error.h"

double vs_capacity_hdd_stormfree_Bps(const vs_scenario *sc, int *readers)
{
  int best_r = 1, max_r = 64;
  double best = sc->hdd.read_Bps * vs_scenario_hdd_factor(&sc->hdd, 1);
  if (sc->hdd.curve_len && sc->hdd.curve[sc->hdd.curve_len - 1].readers > max_r)
    max_r = sc->hdd.curve[sc->hdd.curve_len - 1].readers;
  for (int r = 2; r <= max_r; r++) {
    double f = vs_scenario_hdd_factor(&sc->hdd, r);
    if (r / f <= sc->storm.max_slowdown && sc->hdd.read_Bps * f > best) {
      best = sc->hdd.read_Bps * f;
      best_r = r;
    }
  }
  if (readers)
    *readers = best_r;
  return best;
}

int vs_capacity_lanes(const vs_scenario *sc, const vs_capacity *cap)
{
  int per_hdd;
  long long lanes;
  vs_capacity_hdd_stormfree_Bps(sc, &per_hdd);
  if (!vs_scenario_reads_hdd_uncached(sc)) {
    /* Behind a cache or from SSDs the one-VM-per-HDD lanes do not apply:
     * the measured threshold (which tried them) is the lane count. */
    lanes = cap->threshold > 0 ? cap->threshold : vs_scenario_total_hdds(sc);
  } else if (sc->storage.kind == VS_STORAGE_NAS) {
    long long per_nas = (long long)per_hdd * sc->storage.hdds;
    if (cap->vm_io_Bps > 0) {
      long long link = (long long)floor(sc->storage.link_Bps / cap->vm_io_Bps);
      if (link < per_nas)
        per_nas = link;
    }
    lanes = per_nas * sc->storage.nas_count;
  } else
    lanes = (long long)per_hdd * vs_scenario_total_hdds(sc);
  if (cap->threshold > 0 && lanes > cap->threshold)
    lanes = cap->threshold;
  return lanes < 1 ? 1 : lanes > 1000000 ? 1000000 : (int)lanes;
}

static double peak_factor(const vs_hdd_model *m)
{
  double best = vs_scenario_hdd_factor(m, 1);
  for (size_t i = 0; i < m->curve_len; i++)
    best = fmax(best, m->curve[i].factor);
  return best;
}

/* The best rate of one HDD over every reader count of its curve, bytes/s. */
static double hdd_peak_Bps(const vs_scenario *sc)
{
  double best = sc->hdd.read_Bps * vs_scenario_hdd_factor(&sc->hdd, 1);
  for (size_t i = 0; i < sc->hdd.curve_len; i++)
    best = fmax(best, sc->hdd.read_Bps * sc->hdd.curve[i].factor);
  return best;
}

double vs_capacity_fixed_cpu_f(const vs_scenario *sc, int cls, double read_B)
{
  const vs_boot_profile *b = &sc->classes[cls].boot;
  return read_B * (b->io_cpu_fpB + b->cpu_work_f / b->read_B);
}

static void bound(const vs_scenario *sc, double total_read_B, double cpu_f, double hdd_Bps, vs_capacity_bound *out)
{
  int host_cache = sc->storage.cache.at == VS_CACHE_HOST && sc->storage.cache.clones == VS_CLONES_LINKED;
  int cached = sc->storage.cache.at != VS_CACHE_NONE && sc->storage.cache.clones == VS_CLONES_LINKED;
  memset(out, 0, sizeof(*out));
  /* Bytes a cache serves never reach the disks (or, for a host cache, the
   * links): what they must carry is unknown before simulating, so they give
   * no lower bound. An SSD replica tier carries every boot's bytes. */
  if (sc->storage.boot_from == VS_TIER_SSD && !cached)
    out->hdd_s = total_read_B / (vs_scenario_total_ssds(sc) * sc->ssd.read_Bps * peak_factor(&sc->ssd));
  else if (!cached)
    out->hdd_s = total_read_B / (vs_scenario_total_hdds(sc) * hdd_Bps);
  if (sc->storage.kind == VS_STORAGE_NAS && !host_cache)
    out->link_s = total_read_B / (sc->storage.nas_count * sc->storage.link_Bps);
  out->cpu_s = cpu_f / (sc->hosts.count * sc->hosts.cores * sc->hosts.core_fps);
  out->bound_s = fmax(out->hdd_s, fmax(out->link_s, out->cpu_s));
  out->by = out->bound_s == out->hdd_s ? (sc->storage.boot_from == VS_TIER_SSD ? "SSDs" : "HDDs")
            : out->bound_s == out->link_s ? "uplinks" : "CPU";
}

void vs_capacity_storm_free_bound(const vs_scenario *sc, double total_read_B, double total_cpu_f,
                                  vs_capacity_bound *out)
{
  bound(sc, total_read_B, total_cpu_f, vs_capacity_hdd_stormfree_Bps(sc, NULL), out);
}

void vs_capacity_physical_bound(const vs_scenario *sc, double total_read_B, double total_cpu_f,
                                vs_capacity_bound *out)
{
  bound(sc, total_read_B, total_cpu_f, hdd_peak_Bps(sc), out);
}

double vs_capacity_lanes_slowdown(const vs_capacity *cap, const vs_boot_result *lanes)
{
  double worst = 0.0;
  for (size_t i = 0; i < lanes->n_vms; i++) {
    int cls = lanes->boots[i].cls;
    double alone = cap->class_boot_s[cls] > 0 ? cap->class_boot_s[cls] : cap->boot_s;
    if (!isnan(lanes->ready_s[i]) && alone > 0)
      worst = fmax(worst, (lanes->ready_s[i] - lanes->started_s[i]) / alone);
  }
  return lanes->not_ready ? 0.0 : worst;
}
