#include "plan/schedule.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/units.h"
#include "scenario/placement.h"

/* ---- building ---- */

static int by_start(const void *a, const void *b)
{
  const vs_schedule_entry *x = a, *y = b;
  if (x->start_s != y->start_s)
    return x->start_s < y->start_s ? -1 : 1;
  return x->vm - y->vm;
}

static vs_schedule *schedule_new(const vs_scenario *sc, const vs_policy *p)
{
  vs_schedule *s = calloc(1, sizeof(*s));
  size_t n = (size_t)vs_scenario_total_vms(sc);
  if (!s)
    return NULL;
  s->policy = *p;
  s->n = n;
  s->entries = calloc(n ? n : 1, sizeof(*s->entries));
  if (!s->entries) {
    free(s);
    return NULL;
  }
  /* VM ids follow the demand: deadline order, as users arrive. */
  for (size_t p_i = 0, i = 0; p_i < sc->workload.len; p_i++)
    for (int v = 0; v < sc->workload.points[p_i].vms; v++, i++) {
      s->entries[i].vm = (int)i;
      s->entries[i].point = (int)p_i;
      s->entries[i].cls = sc->workload.points[p_i].cls;
      s->entries[i].ready_by_s = sc->workload.points[p_i].ready_by_s;
    }
  return s;
}

/* One VM of the class alone (the main class's when the class was not measured). */
static double class_boot_s(const vs_capacity *cap, int cls)
{
  return cap->class_boot_s[cls] > 0 ? cap->class_boot_s[cls] : cap->boot_s;
}

/* What jit first plans a VM's boot on: its class alone, slowed as much as
 * the lanes booting together slowed their slowest VM (so the spread of boot
 * times between VMs is inside). Planned this way the first simulation is
 * usually on time and needs no re-planning. */
#define JIT_PLAN_GUARD_S 0.25 /* VMs of other ids vary a little more; starts are whole ms */
static double jit_boot_s(const vs_capacity *cap, int cls)
{
  double alone = class_boot_s(cap, cls);
  return cap->lanes_slowdown > 0 ? alone * fmax(1.0, cap->lanes_slowdown) + JIT_PLAN_GUARD_S : alone;
}

/* Whole minutes a wave needs (the paper boots one wave per minute). */
static double wave_spacing(const vs_capacity *cap) { return fmax(60.0, ceil(cap->wave_s / 60.0) * 60.0); }

/* The paper's waves: at most `threshold` VMs each, one per whole minute
 * (or per as many whole minutes as a wave takes), backwards from each
 * deadline; waves of different deadlines never overlap. */
static void build_waves(vs_schedule *s, const vs_scenario *sc, const vs_capacity *cap)
{
  int per = cap->threshold > 0 ? cap->threshold : 1;
  double spacing = wave_spacing(cap), frontier = INFINITY;
  size_t end = s->n;

  for (size_t p_i = sc->workload.len; p_i-- > 0;) {
    const vs_demand_point *d = &sc->workload.points[p_i];
    int waves = (d->vms + per - 1) / per;
    double last = fmin(floor((d->ready_by_s - cap->wave_s) / 60.0) * 60.0, frontier - spacing);
    size_t first = end - (size_t)d->vms;
    for (int v = 0; v < d->vms; v++) {
      vs_schedule_entry *e = &s->entries[first + (size_t)v];
      int wave = v / per, slot = v % per;
      e->start_s = last - (waves - 1 - wave) * spacing;
      e->expected_ready_s = e->start_s + cap->wave_s;
      e->lane = slot;
      vs_placement_vm(sc, slot, per, &e->host, &e->disk);
    }
    frontier = last - (waves - 1) * spacing;
    end = first;
  }
}

/* Backward list scheduling on `lanes` storm-free lanes: latest deadline
 * first, each VM on the lane free latest, ending at min(deadline, the lane's
 * next boot). Boots of one lane follow each other without gaps: pipelined,
 * not in waves. dur[i] is VM i's boot time. Returns the earliest start. */
static double backward_pass(vs_schedule_entry *entries, size_t n, int lanes, const double *dur, const vs_scenario *sc,
                            int place)
{
  double *free_before = malloc((size_t)lanes * sizeof(double)), earliest = INFINITY;
  if (!free_before)
    return -INFINITY;
  for (int l = 0; l < lanes; l++)
    free_before[l] = INFINITY;
  for (size_t k = n; k-- > 0;) {
    vs_schedule_entry *e = &entries[k];
    int best = 0;
    for (int l = 1; l < lanes; l++)
      if (free_before[l] > free_before[best])
        best = l;
    double end = fmin(e->ready_by_s, free_before[best]);
    e->start_s = end - dur[k];
    e->expected_ready_s = end;
    free_before[best] = e->start_s;
    e->lane = best;
    if (place)
      vs_placement_vm(sc, best, lanes, &e->host, &e->disk);
    earliest = fmin(earliest, e->start_s);
  }
  free(free_before);
  return earliest;
}

static int plan_jit(vs_schedule *s, const vs_scenario *sc, const double *dur)
{
  /* Entries are in deadline order (their ids); keep that order while planning. */
  double earliest = backward_pass(s->entries, s->n, s->lanes, dur, sc, 1);
  if (earliest == -INFINITY)
    return vs_error_set(VS_ENOMEM, "out of memory");
  s->extra_lanes = 0;
  if (s->n && earliest < sc->workload.earliest_start_s) {
    /* How many more storm-free lanes would meet every deadline. */
    vs_schedule_entry *probe = malloc(s->n * sizeof(*probe));
    if (!probe)
      return vs_error_set(VS_ENOMEM, "out of memory");
    for (int more = 1; more <= 100 * s->lanes; more++) {
      memcpy(probe, s->entries, s->n * sizeof(*probe));
      if (backward_pass(probe, s->n, s->lanes + more, dur, sc, 0) >= sc->workload.earliest_start_s) {
        s->extra_lanes = more;
        break;
      }
    }
    free(probe);
  }
  return VS_OK;
}

static void build_baseline(vs_schedule *s, const vs_scenario *sc, const vs_capacity *cap)
{
  int per = cap->threshold > 0 ? cap->threshold : 1;
  double spacing = wave_spacing(cap);
  size_t i = 0;
  for (size_t p_i = 0; p_i < sc->workload.len; p_i++) {
    const vs_demand_point *d = &sc->workload.points[p_i];
    /* Same power-on window as the paper's waves unless told otherwise. */
    double start = s->policy.start_s >= 0 ? s->policy.start_s : d->ready_by_s - ((d->vms + per - 1) / per) * spacing;
    for (int v = 0; v < d->vms; v++, i++) {
      vs_schedule_entry *e = &s->entries[i];
      e->lane = -1;
      e->start_s = start;
      e->expected_ready_s = start + class_boot_s(cap, e->cls);
      vs_placement_vm(sc, v, d->vms, &e->host, &e->disk);
    }
  }
  if (s->policy.kind == VS_POLICY_FIXED_CONCURRENCY)
    s->max_concurrent = s->policy.n;
  if (s->policy.kind == VS_POLICY_RATE)
    s->min_gap_s = 60.0 / s->policy.n;
}

static void push_forward(vs_schedule *s, double earliest);

/* Deadlines that need a start before workload.earliest_start; those VMs
 * start at earliest_start (pushing their lane along) and will be late. */
static int find_shortfalls(vs_schedule *s, const vs_scenario *sc)
{
  free(s->shortfalls);
  s->shortfalls = NULL;
  s->n_shortfalls = 0;
  for (size_t p_i = 0; p_i < sc->workload.len; p_i++) {
    vs_schedule_shortfall sf = {(int)p_i, 0, INFINITY};
    for (size_t i = 0; i < s->n; i++)
      if (s->entries[i].point == (int)p_i && s->entries[i].start_s < sc->workload.earliest_start_s) {
        sf.late_vms++;
        sf.needed_start_s = fmin(sf.needed_start_s, s->entries[i].start_s);
      }
    if (!sf.late_vms)
      continue;
    vs_schedule_shortfall *grown = realloc(s->shortfalls, (s->n_shortfalls + 1) * sizeof(*grown));
    if (!grown)
      return vs_error_set(VS_ENOMEM, "out of memory");
    s->shortfalls = grown;
    s->shortfalls[s->n_shortfalls++] = sf;
  }
  push_forward(s, sc->workload.earliest_start_s);
  return VS_OK;
}

static int by_lane_start(const void *a, const void *b)
{
  const vs_schedule_entry *x = a, *y = b;
  if (x->lane != y->lane)
    return x->lane - y->lane;
  return x->start_s < y->start_s ? -1 : x->start_s > y->start_s;
}

/* Boots that would start before `earliest` start then instead, and the boots
 * after them on the same lane move along so that a lane never boots two VMs
 * at once: late, rather than a storm. */
static void push_forward(vs_schedule *s, double earliest)
{
  qsort(s->entries, s->n, sizeof(*s->entries), by_lane_start);
  for (size_t i = 0; i < s->n;) {
    int lane = s->entries[i].lane;
    double cursor = earliest;
    for (; i < s->n && s->entries[i].lane == lane; i++) {
      vs_schedule_entry *e = &s->entries[i];
      double shift = fmax(0, (lane >= 0 ? cursor : earliest) - e->start_s);
      e->start_s += shift;
      e->expected_ready_s += shift;
      cursor = e->expected_ready_s;
    }
  }
}

/* Power-on times in whole milliseconds, the resolution of the schedule CSV:
 * the schedule that is simulated is exactly the one an operator deploys. */
static void quantize(vs_schedule *s)
{
  for (size_t i = 0; i < s->n; i++) {
    s->entries[i].start_s = vs_clock_quantize(s->entries[i].start_s);
    s->entries[i].expected_ready_s = vs_clock_quantize(s->entries[i].expected_ready_s);
  }
}

static int finish(vs_schedule *s, const vs_scenario *sc)
{
  int rc = find_shortfalls(s, sc);
  quantize(s);
  qsort(s->entries, s->n, sizeof(*s->entries), by_start);
  /* Hosts off until needed: the desktops move onto as few hosts as their
   * slots allow, in start order (storage stays where the plan put it). */
  if (rc == VS_OK && sc->dpm.enabled)
    rc = vs_dpm_apply(s, sc, &s->dpm);
  return rc;
}

/* Entries back in id (deadline) order, as planning wants them. */
static int by_vm(const void *a, const void *b) { return ((const vs_schedule_entry *)a)->vm - ((const vs_schedule_entry *)b)->vm; }

int vs_schedule_build(const vs_scenario *sc, const vs_capacity *cap, const vs_policy *p, vs_schedule **out)
{
  vs_schedule *s;
  double *dur = NULL;
  int rc = VS_OK;

  *out = NULL;
  if (!sc->workload.len)
    return vs_error_set(VS_EINPUT, "%s: the scenario has no workload to schedule", sc->path ? sc->path : sc->name);
  if (!(s = schedule_new(sc, p)))
    return vs_error_set(VS_ENOMEM, "out of memory");
  switch (p->kind) {
  case VS_POLICY_BRAIDS_WAVES:
    build_waves(s, sc, cap);
    break;
  case VS_POLICY_JIT:
    s->lanes = vs_capacity_lanes(sc, cap);
    if (!(dur = malloc((s->n ? s->n : 1) * sizeof(*dur)))) {
      rc = vs_error_set(VS_ENOMEM, "out of memory");
      goto cleanup;
    }
    for (size_t i = 0; i < s->n; i++)
      dur[i] = jit_boot_s(cap, s->entries[i].cls);
    if ((rc = plan_jit(s, sc, dur)) != VS_OK)
      goto cleanup;
    break;
  default:
    build_baseline(s, sc, cap);
  }
  if ((rc = finish(s, sc)) != VS_OK)
    goto cleanup;
  *out = s;
  s = NULL;
cleanup:
  free(dur);
  vs_schedule_free(s);
  return rc;
}

int vs_schedule_refine(vs_schedule *s, const vs_scenario *sc, const double *boot_s)
{
  double *dur;
  int rc;
  if (s->policy.kind != VS_POLICY_JIT)
    return VS_OK;
  if (!(dur = malloc((s->n ? s->n : 1) * sizeof(*dur))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  /* boot_s is indexed like the entries now (start order); planning wants id order. */
  for (size_t i = 0; i < s->n; i++)
    dur[s->entries[i].vm] = boot_s[i];
  qsort(s->entries, s->n, sizeof(*s->entries), by_vm);
  rc = plan_jit(s, sc, dur);
  if (rc == VS_OK)
    rc = finish(s, sc);
  free(dur);
  return rc;
}

void vs_schedule_free(vs_schedule *s)
{
  if (!s)
    return;
  free(s->entries);
  free(s->shortfalls);
  vs_dpm_plan_clear(&s->dpm);
  free(s);
}

int vs_schedule_copy(const vs_schedule *s, vs_schedule **out)
{
  vs_schedule *c = malloc(sizeof(*c));
  *out = NULL;
  if (!c)
    return vs_error_set(VS_ENOMEM, "out of memory");
  *c = *s;
  c->entries = malloc((s->n ? s->n : 1) * sizeof(*c->entries));
  c->shortfalls = malloc((s->n_shortfalls ? s->n_shortfalls : 1) * sizeof(*c->shortfalls));
  c->dpm.hosts = s->dpm.hosts ? malloc((size_t)s->dpm.n_hosts * sizeof(*c->dpm.hosts)) : NULL;
  if (c->dpm.hosts)
    memcpy(c->dpm.hosts, s->dpm.hosts, (size_t)s->dpm.n_hosts * sizeof(*c->dpm.hosts));
  if (!c->entries || !c->shortfalls || (s->dpm.hosts && !c->dpm.hosts)) {
    vs_schedule_free(c);
    return vs_error_set(VS_ENOMEM, "out of memory");
  }
  memcpy(c->entries, s->entries, s->n * sizeof(*c->entries));
  memcpy(c->shortfalls, s->shortfalls, s->n_shortfalls * sizeof(*c->shortfalls));
  *out = c;
  return VS_OK;
}

/* ---- the plan a backend boots ---- */

vs_boot_req *vs_schedule_plan(const vs_schedule *s, double *origin_s)
{
  vs_boot_req *plan = calloc(s->n ? s->n : 1, sizeof(*plan));
  double first = INFINITY;
  if (!plan)
    return NULL;
  for (size_t i = 0; i < s->n; i++)
    first = fmin(first, s->entries[i].start_s);
  for (size_t i = 0; i < s->n; i++)
    plan[i] = (vs_boot_req){.vm = s->entries[i].vm, .host = s->entries[i].host, .disk = s->entries[i].disk,
                            .cls = s->entries[i].cls, .start_s = s->entries[i].start_s - first};
  *origin_s = s->n ? first : 0;
  return plan;
}

vs_boot_limits vs_schedule_limits(const vs_schedule *s)
{
  return (vs_boot_limits){.max_concurrent = s->max_concurrent, .min_gap_s = s->min_gap_s};
}

/* ---- CSV ---- */

int vs_schedule_write_csv(const vs_schedule *s, const vs_scenario *sc, FILE *f)
{
  char host[32], disk[48], start[40], by[40], exp[40];
  fprintf(f, "vm,host,disk,start,ready_by,expected_ready,class\n");
  for (size_t i = 0; i < s->n; i++) {
    const vs_schedule_entry *e = &s->entries[i];
    fprintf(f, "%d,%s,%s,%s,%s,%s,%s\n", e->vm, vs_placement_host_name(e->host, host, sizeof(host)),
            vs_placement_disk_name(sc, e->disk, disk, sizeof(disk)), vs_clock_format_ms(e->start_s, start, sizeof(start)),
            vs_clock_format_ms(e->ready_by_s, by, sizeof(by)), vs_clock_format_ms(e->expected_ready_s, exp, sizeof(exp)),
            sc->classes[e->cls].name);
  }
  return ferror(f) ? vs_error_set(VS_EIO, "write failed") : VS_OK;
}

#define CSV_FIELDS 7
/* vs_clock_format_ms writes times to the millisecond only within a year of
 * midnight (further out it drops them): a time the writer cannot give back
 * exactly is refused, so that a schedule read and written stays the same. */
#define CSV_CLOCK_MAX_S (365 * 86400.0)

static int read_clock(vs_csv *csv, const char *name, const char *text, double *out)
{
  char q[VS_QUOTE_MAX + 8];
  if (vs_clock_parse_offset(text, out) != VS_OK)
    return vs_csv_error(csv, "%s: %s", name, vs_error_last());
  if (!(fabs(*out) < CSV_CLOCK_MAX_S))
    return vs_csv_error(csv, "%s: '%s' is a year or more from midnight (expected a time within 364 days of it)", name,
                        vs_quote(text, q, sizeof(q)));
  return VS_OK;
}

static int read_row(vs_csv *csv, char **f, size_t n, const vs_scenario *sc, vs_schedule_entry *e)
{
  long vm;
  if (n < 5 || n > CSV_FIELDS)
    return vs_csv_error(csv, "%zu fields (expected vm,host,disk,start,ready_by[,expected_ready[,class]])", n);
  if (vs_parse_long(f[0], &vm) != VS_OK || vm < 0 || vm > 100000000)
    return vs_csv_error(csv, "vm '%s' is not a VM number >= 0", f[0]);
  e->vm = (int)vm;
  if (vs_placement_host_parse(sc, f[1], &e->host) != VS_OK || vs_placement_disk_parse(sc, f[2], &e->disk) != VS_OK)
    return vs_csv_error(csv, "%s", vs_error_last());
  int rc;
  if ((rc = read_clock(csv, "start", f[3], &e->start_s)) != VS_OK ||
      (rc = read_clock(csv, "ready_by", f[4], &e->ready_by_s)) != VS_OK)
    return rc;
  e->expected_ready_s = e->ready_by_s;
  if (n >= 6 && f[5][0] && (rc = read_clock(csv, "expected_ready", f[5], &e->expected_ready_s)) != VS_OK)
    return rc;
  e->cls = -1; /* from its deadline, below */
  if (n == 7 && f[6][0]) {
    for (size_t c = 0; c < sc->n_classes; c++)
      if (!strcmp(sc->classes[c].name, f[6]))
        e->cls = (int)c;
    if (e->cls < 0)
      return vs_csv_error(csv, "class '%s' is not a desktop class of this scenario", f[6]);
  }
  return VS_OK;
}

static int by_vm_then_line(const void *a, const void *b)
{
  const vs_schedule_entry *x = a, *y = b;
  return x->vm != y->vm ? (x->vm < y->vm ? -1 : 1) : (x->lane < y->lane ? -1 : x->lane > y->lane);
}

/* Sorting finds a repeated VM in n log n (a million rows is a valid input). */
static int check_unique(const char *path, vs_schedule *s)
{
  vs_schedule_entry *copy = malloc((s->n ? s->n : 1) * sizeof(*copy));
  int rc = VS_OK;
  if (!copy)
    return vs_error_set(VS_ENOMEM, "out of memory");
  memcpy(copy, s->entries, s->n * sizeof(*copy));
  qsort(copy, s->n, sizeof(*copy), by_vm_then_line);
  for (size_t i = 1; i < s->n; i++)
    if (copy[i].vm == copy[i - 1].vm) {
      /* lane holds the source line while reading */
      rc = vs_error_set(VS_EINPUT, "%s:%d: vm %d appears twice (first at line %d)", path, copy[i].lane, copy[i].vm,
                        copy[i - 1].lane);
      break;
    }
  free(copy);
  return rc;
}

int vs_schedule_read_csv(const char *path, const vs_scenario *sc, vs_schedule **out)
{
  vs_policy p = VS_POLICY_INIT;
  vs_schedule *s = calloc(1, sizeof(*s));
  vs_csv *csv = NULL;
  size_t cap = 0, n;
  char **f;
  int rc, got, first = 1;

  *out = NULL;
  if (!s)
    return vs_error_set(VS_ENOMEM, "out of memory");
  s->policy = p;
  if ((rc = vs_csv_open(&csv, path)) != VS_OK)
    goto cleanup;
  while ((got = vs_csv_next(csv, &f, &n)) > 0) {
    /* The header, if any, is the first row (comments may come before it). */
    int header = first && !strcmp(f[0], "vm");
    first = 0;
    if (header)
      continue;
    if ((rc = vs_array_reserve(&s->entries, &cap, s->n + 1, sizeof(*s->entries))) != VS_OK)
      goto cleanup;
    vs_schedule_entry *e = &s->entries[s->n];
    memset(e, 0, sizeof(*e));
    if ((rc = read_row(csv, f, n, sc, e)) != VS_OK)
      goto cleanup;
    e->lane = (int)vs_csv_line(csv);
    s->n++;
  }
  if ((rc = got) < 0)
    goto cleanup;
  if (!s->n) {
    rc = vs_error_set(VS_EINPUT, "%s: no schedule rows (expected vm,host,disk,start,ready_by,expected_ready)", path);
    goto cleanup;
  }
  if ((rc = check_unique(path, s)) != VS_OK)
    goto cleanup;
  /* Group VMs by deadline (and class) as points, for per-deadline reporting;
   * a row without a class takes its deadline's. */
  for (size_t i = 0; i < s->n; i++) {
    vs_schedule_entry *e = &s->entries[i];
    int point = -1;
    for (size_t p_i = 0; p_i < sc->workload.len && point < 0; p_i++)
      if (fabs(sc->workload.points[p_i].ready_by_s - e->ready_by_s) < 0.5 &&
          (e->cls < 0 || sc->workload.points[p_i].cls == e->cls))
        point = (int)p_i;
    e->point = point < 0 ? 0 : point;
    if (e->cls < 0)
      e->cls = point < 0 || !sc->workload.len ? 0 : sc->workload.points[point].cls;
    e->lane = -1;
  }
  qsort(s->entries, s->n, sizeof(*s->entries), by_start);
  *out = s;
  s = NULL;
cleanup:
  vs_csv_free(csv);
  vs_schedule_free(s);
  return rc;
}
