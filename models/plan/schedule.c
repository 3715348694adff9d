#include "plan/schedule.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "scenario/placement.h"
#include "core/units.h"

/* ---- policies ---- */

int vs_policy_parse(const char *text, vs_policy *out)
{
  static const char *expected =
      "braids-waves, jit, all-at-once, fixed-concurrency:N or rate:N/min";
  vs_policy p = VS_POLICY_INIT;
  const char *arg = NULL;
  long n;

  if (!strcmp(text, "braids-waves"))
    p.kind = VS_POLICY_BRAIDS_WAVES;
  else if (!strcmp(text, "jit"))
    p.kind = VS_POLICY_JIT;
  else if (!strcmp(text, "all-at-once"))
    p.kind = VS_POLICY_ALL_AT_ONCE;
  else if (!strncmp(text, "fixed-concurrency", 17) && (text[17] == ':' || text[17] == '=')) {
    p.kind = VS_POLICY_FIXED_CONCURRENCY;
    arg = text + 18;
  } else if (!strncmp(text, "rate", 4) && (text[4] == ':' || text[4] == '=')) {
    p.kind = VS_POLICY_RATE;
    arg = text + 5;
  } else
    return vs_error_set(VS_EINPUT, "unknown policy '%s' (expected %s)", text, expected);
  if (arg) {
    char num[32];
    size_t len = strcspn(arg, "/");
    if (len == 0 || len >= sizeof(num))
      return vs_error_set(VS_EINPUT, "policy '%s': missing N (expected %s)", text, expected);
    memcpy(num, arg, len);
    num[len] = '\0';
    if (vs_parse_long(num, &n) != VS_OK || n < 1 || n > 1000000)
      return vs_error_set(VS_EINPUT, "policy '%s': N must be a whole number from 1 to 1000000", text);
    if (p.kind == VS_POLICY_RATE && arg[len] && strcmp(arg + len, "/min"))
      return vs_error_set(VS_EINPUT, "policy '%s': a rate is N/min", text);
    if (p.kind == VS_POLICY_FIXED_CONCURRENCY && arg[len])
      return vs_error_set(VS_EINPUT, "policy '%s': expected fixed-concurrency:N", text);
    p.n = (int)n;
  }
  *out = p;
  return VS_OK;
}

const char *vs_policy_format(const vs_policy *p, char *buf, size_t len)
{
  switch (p->kind) {
  case VS_POLICY_BRAIDS_WAVES: snprintf(buf, len, "braids-waves"); break;
  case VS_POLICY_JIT: snprintf(buf, len, "jit"); break;
  case VS_POLICY_ALL_AT_ONCE: snprintf(buf, len, "all-at-once"); break;
  case VS_POLICY_FIXED_CONCURRENCY: snprintf(buf, len, "fixed-concurrency:%d", p->n); break;
  case VS_POLICY_RATE: snprintf(buf, len, "rate:%d/min", p->n); break;
  }
  return buf;
}

int vs_policy_is_dynamic(const vs_policy *p)
{
  return p->kind == VS_POLICY_FIXED_CONCURRENCY || p->kind == VS_POLICY_RATE;
}

/* ---- capacity ---- */

double vs_hdd_stormfree_bw(const vs_scenario *sc, int *readers)
{
  int best_r = 1, max_r = 64;
  double best = sc->hdd.read_bw * vs_hdd_factor(&sc->hdd, 1);
  if (sc->hdd.curve_len && sc->hdd.curve[sc->hdd.curve_len - 1].readers > max_r)
    max_r = sc->hdd.curve[sc->hdd.curve_len - 1].readers;
  for (int r = 2; r <= max_r; r++) {
    double f = vs_hdd_factor(&sc->hdd, r);
    if (r / f <= sc->storm.max_slowdown && sc->hdd.read_bw * f > best) {
      best = sc->hdd.read_bw * f;
      best_r = r;
    }
  }
  if (readers)
    *readers = best_r;
  return best;
}

int vs_sched_lanes(const vs_scenario *sc, const vs_capacity *cap)
{
  int per_hdd;
  long long lanes;
  vs_hdd_stormfree_bw(sc, &per_hdd);
  if (sc->storage.kind == VS_STORAGE_NAS) {
    long long per_nas = (long long)per_hdd * sc->storage.hdds;
    if (cap->vm_io_Bps > 0) {
      long long link = (long long)floor(sc->storage.link_bw / cap->vm_io_Bps);
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

void vs_sched_lower_bound(const vs_scenario *sc, double total_read_bytes, vs_lower_bound *out)
{
  double cpu_work = total_read_bytes * (sc->boot.io_cpu_per_byte + sc->boot.cpu_work / sc->boot.read_bytes);
  memset(out, 0, sizeof(*out));
  out->hdd_s = total_read_bytes / (vs_scenario_total_hdds(sc) * vs_hdd_stormfree_bw(sc, NULL));
  if (sc->storage.kind == VS_STORAGE_NAS)
    out->link_s = total_read_bytes / (sc->storage.nas_count * sc->storage.link_bw);
  out->cpu_s = cpu_work / (sc->hosts.count * sc->hosts.cores * sc->hosts.core_speed);
  out->bound_s = fmax(out->hdd_s, fmax(out->link_s, out->cpu_s));
}

/* ---- building ---- */

static int by_start(const void *a, const void *b)
{
  const vs_sched_entry *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
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
      s->entries[i].ready_by = sc->workload.points[p_i].ready_by;
    }
  return s;
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
    double last = fmin(floor((d->ready_by - cap->wave_s) / 60.0) * 60.0, frontier - spacing);
    size_t first = end - (size_t)d->vms;
    for (int v = 0; v < d->vms; v++) {
      vs_sched_entry *e = &s->entries[first + (size_t)v];
      int wave = v / per, slot = v % per;
      e->start = last - (waves - 1 - wave) * spacing;
      e->expected_ready = e->start + cap->wave_s;
      e->lane = slot;
      vs_place_vm(sc, slot, per, &e->host, &e->disk);
    }
    frontier = last - (waves - 1) * spacing;
    end = first;
  }
}

/* Backward list scheduling on `lanes` storm-free lanes: latest deadline
 * first, each VM on the lane free latest, ending at min(deadline, the lane's
 * next boot). Boots of one lane follow each other without gaps: pipelined,
 * not in waves. dur[i] is VM i's boot time. Returns the earliest start. */
static double backward_pass(vs_sched_entry *entries, size_t n, int lanes, const double *dur, const vs_scenario *sc,
                            int place)
{
  double *free_before = malloc((size_t)lanes * sizeof(double)), earliest = INFINITY;
  if (!free_before)
    return -INFINITY;
  for (int l = 0; l < lanes; l++)
    free_before[l] = INFINITY;
  for (size_t k = n; k-- > 0;) {
    vs_sched_entry *e = &entries[k];
    int best = 0;
    for (int l = 1; l < lanes; l++)
      if (free_before[l] > free_before[best])
        best = l;
    double end = fmin(e->ready_by, free_before[best]);
    e->start = end - dur[k];
    e->expected_ready = end;
    free_before[best] = e->start;
    e->lane = best;
    if (place)
      vs_place_vm(sc, best, lanes, &e->host, &e->disk);
    earliest = fmin(earliest, e->start);
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
  if (s->n && earliest < sc->workload.earliest_start) {
    /* How many more storm-free lanes would meet every deadline. */
    vs_sched_entry *probe = malloc(s->n * sizeof(*probe));
    if (!probe)
      return vs_error_set(VS_ENOMEM, "out of memory");
    for (int more = 1; more <= 100 * s->lanes; more++) {
      memcpy(probe, s->entries, s->n * sizeof(*probe));
      if (backward_pass(probe, s->n, s->lanes + more, dur, sc, 0) >= sc->workload.earliest_start) {
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
    double start = s->policy.start >= 0 ? s->policy.start : d->ready_by - ((d->vms + per - 1) / per) * spacing;
    for (int v = 0; v < d->vms; v++, i++) {
      vs_sched_entry *e = &s->entries[i];
      e->lane = -1;
      e->start = start;
      e->expected_ready = start + cap->boot_s;
      vs_place_vm(sc, v, d->vms, &e->host, &e->disk);
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
    vs_sched_shortfall sf = {(int)p_i, 0, INFINITY};
    for (size_t i = 0; i < s->n; i++)
      if (s->entries[i].point == (int)p_i && s->entries[i].start < sc->workload.earliest_start) {
        sf.late_vms++;
        sf.needed_start = fmin(sf.needed_start, s->entries[i].start);
      }
    if (!sf.late_vms)
      continue;
    vs_sched_shortfall *grown = realloc(s->shortfalls, (s->n_shortfalls + 1) * sizeof(*grown));
    if (!grown)
      return vs_error_set(VS_ENOMEM, "out of memory");
    s->shortfalls = grown;
    s->shortfalls[s->n_shortfalls++] = sf;
  }
  push_forward(s, sc->workload.earliest_start);
  return VS_OK;
}

static int by_lane_start(const void *a, const void *b)
{
  const vs_sched_entry *x = a, *y = b;
  if (x->lane != y->lane)
    return x->lane - y->lane;
  return x->start < y->start ? -1 : x->start > y->start;
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
      vs_sched_entry *e = &s->entries[i];
      double shift = fmax(0, (lane >= 0 ? cursor : earliest) - e->start);
      e->start += shift;
      e->expected_ready += shift;
      cursor = e->expected_ready;
    }
  }
}

static int finish(vs_schedule *s, const vs_scenario *sc)
{
  int rc = find_shortfalls(s, sc);
  qsort(s->entries, s->n, sizeof(*s->entries), by_start);
  return rc;
}

/* Entries back in id (deadline) order, as planning wants them. */
static int by_vm(const void *a, const void *b) { return ((const vs_sched_entry *)a)->vm - ((const vs_sched_entry *)b)->vm; }

int vs_sched_build(const vs_scenario *sc, const vs_capacity *cap, const vs_policy *p, vs_schedule **out)
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
    s->lanes = vs_sched_lanes(sc, cap);
    if (!(dur = malloc((s->n ? s->n : 1) * sizeof(*dur)))) {
      rc = vs_error_set(VS_ENOMEM, "out of memory");
      goto cleanup;
    }
    for (size_t i = 0; i < s->n; i++)
      dur[i] = cap->boot_s;
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

int vs_sched_refine(vs_schedule *s, const vs_scenario *sc, const vs_capacity *cap, const double *boot_s)
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
  (void)cap;
  return rc;
}

void vs_schedule_free(vs_schedule *s)
{
  if (!s)
    return;
  free(s->entries);
  free(s->shortfalls);
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
  if (!c->entries || !c->shortfalls) {
    vs_schedule_free(c);
    return vs_error_set(VS_ENOMEM, "out of memory");
  }
  memcpy(c->entries, s->entries, s->n * sizeof(*c->entries));
  memcpy(c->shortfalls, s->shortfalls, s->n_shortfalls * sizeof(*c->shortfalls));
  *out = c;
  return VS_OK;
}

/* ---- CSV ---- */

int vs_sched_write_csv(const vs_schedule *s, const vs_scenario *sc, FILE *f)
{
  char host[32], disk[48], start[32], by[32], exp[32];
  fprintf(f, "vm,host,disk,start,ready_by,expected_ready\n");
  for (size_t i = 0; i < s->n; i++) {
    const vs_sched_entry *e = &s->entries[i];
    fprintf(f, "%d,%s,%s,%s,%s,%s\n", e->vm, vs_host_name(e->host, host, sizeof(host)),
            vs_disk_name(sc, e->disk, disk, sizeof(disk)), vs_clock_format(e->start, start, sizeof(start)),
            vs_clock_format(e->ready_by, by, sizeof(by)), vs_clock_format(e->expected_ready, exp, sizeof(exp)));
  }
  return ferror(f) ? vs_error_set(VS_EIO, "write failed") : VS_OK;
}

#define CSV_FIELDS 6

/* Split a line in place into at most CSV_FIELDS comma-separated fields. */
static int split(char *line, char **fields)
{
  int n = 0;
  line[strcspn(line, "\r\n")] = '\0';
  for (char *p = line;; n++) {
    if (n == CSV_FIELDS)
      return n + 1;
    fields[n] = p;
    char *comma = strchr(p, ',');
    if (!comma)
      return n + 1;
    *comma = '\0';
    p = comma + 1;
  }
}

/* Prefix the last error (set by a parser) with FILE:LINE and `what`. */
static int row_error(const char *path, int line_no, const char *what)
{
  return vs_error_set(VS_EINPUT, "%s:%d: %s%s", path, line_no, what, vs_error_last());
}

static int read_row(const char *path, int line_no, char *line, const vs_scenario *sc, vs_sched_entry *e)
{
  char *f[CSV_FIELDS];
  long vm;
  int n = split(line, f);
  if (n < 5 || n > CSV_FIELDS)
    return vs_error_set(VS_EINPUT, "%s:%d: %d fields (expected vm,host,disk,start,ready_by[,expected_ready])", path,
                        line_no, n);
  if (vs_parse_long(f[0], &vm) != VS_OK || vm < 0 || vm > 100000000)
    return vs_error_set(VS_EINPUT, "%s:%d: vm '%s' is not a VM number >= 0", path, line_no, f[0]);
  e->vm = (int)vm;
  if (vs_host_parse(sc, f[1], &e->host) != VS_OK || vs_disk_parse(sc, f[2], &e->disk) != VS_OK)
    return row_error(path, line_no, "");
  if (vs_unit_parse(f[3], VS_UNIT_CLOCK, &e->start) != VS_OK)
    return row_error(path, line_no, "start: ");
  if (vs_unit_parse(f[4], VS_UNIT_CLOCK, &e->ready_by) != VS_OK)
    return row_error(path, line_no, "ready_by: ");
  e->expected_ready = e->ready_by;
  if (n == CSV_FIELDS && f[5][0] && vs_unit_parse(f[5], VS_UNIT_CLOCK, &e->expected_ready) != VS_OK)
    return row_error(path, line_no, "expected_ready: ");
  return VS_OK;
}

int vs_sched_read_csv(const char *path, const vs_scenario *sc, vs_schedule **out)
{
  vs_policy p = VS_POLICY_INIT;
  vs_schedule *s = calloc(1, sizeof(*s));
  FILE *f = fopen(path, "r");
  char line[1024];
  size_t cap = 0;
  int line_no = 0, rc = VS_OK;

  *out = NULL;
  if (!s) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  s->policy = p;
  if (!f) {
    rc = vs_error_set(VS_EIO, "%s: cannot read: %s", path, strerror(errno));
    goto cleanup;
  }
  while (fgets(line, sizeof(line), f)) {
    line_no++;
    if (!strchr(line, '\n') && !feof(f)) {
      rc = vs_error_set(VS_EINPUT, "%s:%d: line too long", path, line_no);
      goto cleanup;
    }
    if (line_no == 1 && !strncmp(line, "vm,", 3))
      continue; /* header */
    if (line[strspn(line, " \t\r\n")] == '\0' || line[0] == '#')
      continue;
    if (s->n == cap) {
      cap = cap ? 2 * cap : 64;
      vs_sched_entry *grown = realloc(s->entries, cap * sizeof(*grown));
      if (!grown) {
        rc = vs_error_set(VS_ENOMEM, "out of memory");
        goto cleanup;
      }
      s->entries = grown;
    }
    vs_sched_entry *e = &s->entries[s->n];
    memset(e, 0, sizeof(*e));
    e->lane = -1;
    if ((rc = read_row(path, line_no, line, sc, e)) != VS_OK)
      goto cleanup;
    for (size_t i = 0; i < s->n; i++)
      if (s->entries[i].vm == e->vm) {
        rc = vs_error_set(VS_EINPUT, "%s:%d: vm %d appears twice", path, line_no, e->vm);
        goto cleanup;
      }
    s->n++;
  }
  if (ferror(f)) {
    rc = vs_error_set(VS_EIO, "%s: read error", path);
    goto cleanup;
  }
  if (!s->n) {
    rc = vs_error_set(VS_EINPUT, "%s: no schedule rows (expected vm,host,disk,start,ready_by,expected_ready)", path);
    goto cleanup;
  }
  /* Group VMs by deadline as points, for per-deadline reporting. */
  for (size_t i = 0; i < s->n; i++) {
    int point = 0;
    for (size_t p_i = 0; p_i < sc->workload.len; p_i++)
      if (fabs(sc->workload.points[p_i].ready_by - s->entries[i].ready_by) < 0.5)
        point = (int)p_i;
    s->entries[i].point = point;
  }
  qsort(s->entries, s->n, sizeof(*s->entries), by_start);
  *out = s;
  s = NULL;
cleanup:
  if (f)
    fclose(f);
  vs_schedule_free(s);
  return rc;
}
