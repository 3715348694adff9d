#include "plan/failover.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/units.h"
#include "scenario/placement.h"

static const char *const policy_names[VS_RESTART_POLICIES] = {"all-at-once", "throttled", "priority"};

const char *vs_restart_policy_name(vs_restart_policy p) { return policy_names[p]; }

int vs_restart_policy_parse(const char *name, vs_restart_policy *out)
{
  for (int i = 0; i < VS_RESTART_POLICIES; i++)
    if (!strcmp(name, policy_names[i])) {
      *out = (vs_restart_policy)i;
      return VS_OK;
    }
  return vs_error_set(VS_EINPUT, "--policy: '%s' is not a restart policy (expected all-at-once, throttled or priority)",
                      name);
}

/* Restart order for admission and for the priority policy: higher
 * priority first, then id. Insertion sort on indices: stable (ids stay in
 * order within a priority), and the lists are a few hosts' desktops. */
static void sort_by_priority(size_t *idx, size_t n, const vs_failover_vm *vms, const int *prio)
{
  for (size_t a = 1; a < n; a++)
    for (size_t b = a; b > 0 && prio[vms[idx[b]].cls] > prio[vms[idx[b - 1]].cls]; b--) {
      size_t t = idx[b];
      idx[b] = idx[b - 1];
      idx[b - 1] = t;
    }
}

int vs_failover_build(const vs_scenario *sc, int failed, double at_s, const int *priority, vs_failover *f)
{
  int H = sc->hosts.count, D = vs_scenario_total_hdds(sc), rc = VS_OK, *prio = f->priority;
  int *used = NULL;
  size_t *idx = NULL;
  char at[32], first[32];

  memset(f, 0, sizeof(*f));
  f->at_s = at_s;
  f->failed = failed;
  for (size_t c = 0; c < sc->n_classes; c++)
    f->priority[c] = priority ? priority[c] : sc->classes[c].priority;
  if (failed < 1 || failed >= H)
    return vs_error_set(VS_EINPUT, "--fail: %d of %d hosts (expected 1 to %d: at least one host must survive)", failed,
                        H, H - 1);
  for (size_t p = 0; p < sc->workload.len && sc->workload.points[p].ready_by_s <= at_s + 1e-9; p++)
    f->running += sc->workload.points[p].vms;
  if (!f->running)
    return vs_error_set(VS_EINPUT, "--at %s: no desktop is running yet (the first deadline is %s)",
                        vs_clock_format(at_s, at, sizeof(at)),
                        sc->workload.len ? vs_clock_format(sc->workload.points[0].ready_by_s, first, sizeof(first))
                                         : "none: the scenario has no workload");
  f->host_cpu_fps = calloc((size_t)H, sizeof(double));
  f->disk_read_Bps = calloc((size_t)D, sizeof(double));
  used = calloc((size_t)H, sizeof(int));
  f->vms = malloc((size_t)f->running * sizeof(*f->vms));
  if (!f->host_cpu_fps || !f->disk_read_Bps || !used || !f->vms) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  /* The running desktops, placed as the scenario places that many VMs; the
   * failed hosts' go down, the survivors' keep their steady load. */
  int id = 0;
  for (size_t p = 0; p < sc->workload.len && sc->workload.points[p].ready_by_s <= at_s + 1e-9; p++) {
    const vs_demand_point *pt = &sc->workload.points[p];
    const vs_boot_profile *boot = &sc->classes[pt->cls].boot;
    for (int k = 0; k < pt->vms; k++, id++) {
      int host, disk;
      vs_placement_vm(sc, id, f->running, &host, &disk);
      if (host < failed) {
        f->vms[f->n++] = (vs_failover_vm){.vm = id, .cls = pt->cls, .host_was = host, .host = -1, .disk = disk};
        continue;
      }
      used[host]++;
      f->host_cpu_fps[host] += boot->steady_cpu_fps;
      f->disk_read_Bps[disk] += boot->steady_read_Bps;
    }
  }
  /* Admission, in restart order: each desktop to the survivor with the most
   * free slots (the fewest running without a slot limit). */
  if (!(idx = malloc((f->n ? f->n : 1) * sizeof(*idx)))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < f->n; i++)
    idx[i] = i;
  sort_by_priority(idx, f->n, f->vms, prio);
  for (size_t k = 0; k < f->n; k++) {
    vs_failover_vm *v = &f->vms[idx[k]];
    int best = -1;
    for (int h = failed; h < H; h++)
      if ((!sc->hosts.vm_slots || used[h] < sc->hosts.vm_slots) && (best < 0 || used[h] < used[best]))
        best = h;
    v->host = best;
    if (best < 0) {
      f->not_admitted++;
      continue;
    }
    used[best]++;
    f->admitted++;
  }
  f->load.host_cpu_fps = f->host_cpu_fps;
  f->load.disk_read_Bps = f->disk_read_Bps;
cleanup:
  free(used);
  free(idx);
  if (rc != VS_OK)
    vs_failover_clear(f);
  return rc;
}

void vs_failover_clear(vs_failover *f)
{
  free(f->vms);
  free(f->host_cpu_fps);
  free(f->disk_read_Bps);
  memset(f, 0, sizeof(*f));
}

vs_boot_req *vs_failover_plan(const vs_failover *f, vs_restart_policy p, size_t *n)
{
  vs_boot_req *plan = calloc(f->admitted ? (size_t)f->admitted : 1, sizeof(*plan));
  size_t *idx = malloc((f->n ? f->n : 1) * sizeof(*idx));
  *n = 0;
  if (!plan || !idx) {
    free(plan);
    free(idx);
    return NULL;
  }
  for (size_t i = 0; i < f->n; i++)
    idx[i] = i;
  if (p == VS_RESTART_PRIORITY)
    sort_by_priority(idx, f->n, f->vms, f->priority);
  for (size_t k = 0; k < f->n; k++) {
    const vs_failover_vm *v = &f->vms[idx[k]];
    if (v->host >= 0)
      plan[(*n)++] = (vs_boot_req){.vm = v->vm, .host = v->host, .disk = v->disk, .cls = v->cls, .start_s = 0};
  }
  free(idx);
  return plan;
}
