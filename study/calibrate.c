/* Calibration: fit the simulator to live runs (see calibrate.h). */
#include "study/calibrate.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/spawn.h"
#include "core/units.h"
#include "scenario/placement.h"

/* ---- measured runs ---- */

static double num(const cJSON *o, const char *key, double dflt)
{
  const cJSON *v = cJSON_GetObjectItem(o, key);
  return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* The power-on offsets of a step's first run, from its vms.csv. */
static int load_starts(const char *path, vs_calibrate_point *p)
{
  vs_csv *csv;
  char **f;
  size_t n;
  int rc, got, i = 0;
  if ((rc = vs_csv_open(&csv, path)) != VS_OK)
    return rc;
  while ((got = vs_csv_next(csv, &f, &n)) > 0 && i < p->k) {
    double start;
    if (!strcmp(f[0], "vm"))
      continue;
    if (n < 4 || vs_parse_double(f[3], &start) != VS_OK || start < 0) {
      got = vs_csv_error(csv, "expected vm,host,disk,start_s,... with start_s >= 0");
      break;
    }
    p->start_s[i++] = start;
  }
  vs_csv_free(csv);
  if (got < 0)
    return got;
  for (; i < p->k; i++)
    p->start_s[i] = 0;
  return VS_OK;
}

/* Pool one measured step into out->pts, or list it as dropped. */
static int add_step(vs_calibrate_result *out, const char *dir, const char *file, const cJSON *o, const char *vms_csv,
                    double max_overhead)
{
  const cJSON *rep = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "repeat"), "all_ready_s");
  const cJSON *nr = cJSON_GetObjectItem(o, "not_ready");
  int k = (int)num(o, "k", num(o, "vms", 0));
  double t = num(rep, "mean", num(o, "all_ready_s", -1)), overhead = num(o, "host_overhead_cpu_util", 0);
  int runs = (int)num(cJSON_GetObjectItem(o, "repeat"), "n", 1);
  if (k < 1 || k > VS_CALIBRATE_MAX_K || !(t > 0) || !cJSON_IsNumber(cJSON_GetObjectItem(o, "read_MB")))
    return vs_error_set(VS_EINPUT, "%s/%s: not a live result (expected k or vms, all_ready_s, read_MB; k <= %d)", dir,
                        file, VS_CALIBRATE_MAX_K);
  /* A step with a VM that never became ready measures the timeout, not the
   * boot; one whose host was busy with other work measures that work. */
  if ((cJSON_IsNumber(nr) && nr->valuedouble > 0) || (cJSON_IsArray(nr) && cJSON_GetArraySize(nr) > 0) ||
      overhead > max_overhead) {
    out->dropped[out->n_dropped++ % VS_CALIBRATE_MAX_K] = k;
    return VS_OK;
  }
  vs_calibrate_point *p = NULL;
  for (size_t i = 0; i < out->n_pts; i++)
    if (out->pts[i].k == k)
      p = &out->pts[i];
  if (!p) {
    if (out->n_pts == VS_CALIBRATE_MAX_K)
      return vs_error_set(VS_EINPUT, "%s: more than %d measured k", dir, VS_CALIBRATE_MAX_K);
    p = &out->pts[out->n_pts++];
    memset(p, 0, sizeof(*p));
    p->k = k;
    int rc = load_starts(vms_csv, p);
    if (rc != VS_OK)
      return rc;
  }
  /* Pool with earlier folders' runs of the same k: a weighted mean, and the
   * spread as the larger of the two. */
  double w0 = p->runs, w1 = runs;
  p->measured_s = (p->measured_s * w0 + t * w1) / (w0 + w1);
  p->read_B = (p->read_B * w0 + num(o, "read_MB", 0) * 1e6 / k * w1) / (w0 + w1);
  p->overhead = (p->overhead * w0 + overhead * w1) / (w0 + w1);
  p->peak_cpu_util = fmax(p->peak_cpu_util, num(o, "peak_cpu_util", 0));
  p->sd_s = fmax(p->sd_s, num(rep, "sd", 0));
  p->runs += runs;
  return VS_OK;
}

static int by_k(const void *a, const void *b)
{
  return ((const vs_calibrate_point *)a)->k - ((const vs_calibrate_point *)b)->k;
}

static int load_dir(vs_calibrate_result *out, const char *dir, double max_overhead)
{
  char path[4096], vms[4200];
  vs_buf b = VS_BUF_INIT;
  cJSON *o;
  int rc;
  snprintf(path, sizeof(path), "%s/summary.json", dir);
  b.max = 16 << 20;
  if ((rc = vs_buf_read_file(&b, path)) != VS_OK)
    return rc;
  o = cJSON_Parse(b.data);
  vs_buf_clear(&b);
  if (!o)
    return vs_error_set(VS_EINPUT, "%s: not JSON", path);
  const cJSON *backend = cJSON_GetObjectItem(o, "backend"), *steps = cJSON_GetObjectItem(o, "steps");
  if (!cJSON_IsString(backend) || strcmp(backend->valuestring, "libvirt") != 0)
    rc = vs_error_set(VS_EINPUT, "%s: not a live run (expected \"backend\": \"libvirt\")", path);
  else if (cJSON_IsArray(steps)) {
    const cJSON *s;
    cJSON_ArrayForEach(s, steps)
    {
      snprintf(vms, sizeof(vms), "%s/threshold-k%d-vms.csv", dir, (int)num(s, "k", 0));
      if ((rc = add_step(out, dir, "summary.json", s, vms, max_overhead)) != VS_OK)
        break;
    }
  } else {
    snprintf(vms, sizeof(vms), "%s/vms.csv", dir);
    rc = add_step(out, dir, "summary.json", o, vms, max_overhead);
  }
  cJSON_Delete(o);
  return rc;
}

int vs_calibrate_load_measured(const char *const *dirs, size_t n_dirs, double max_overhead, vs_calibrate_result *out)
{
  int rc = VS_OK;
  out->n_pts = out->n_dropped = 0;
  for (size_t i = 0; i < n_dirs && rc == VS_OK; i++)
    rc = load_dir(out, dirs[i], max_overhead);
  qsort(out->pts, out->n_pts, sizeof(*out->pts), by_k);
  return rc;
}

/* ---- simulating a candidate in a child ---- */

typedef struct {
  const vs_scenario *sc;
  char dir[PATH_MAX]; /* private temporary folder */
  char yaml[PATH_MAX + 32];  /* the candidate scenario */
  int max_k;
  int evals;
} child_ctx;

/* The live run's starts as a schedule CSV the child boots. */
static int write_starts(child_ctx *c, const vs_calibrate_point *p)
{
  char path[PATH_MAX + 32], host[32], disk[48], start[40];
  vs_buf b = VS_BUF_INIT;
  int rc = vs_buf_printf(&b, "vm,host,disk,start,ready_by\n");
  for (int i = 0; i < p->k && rc == VS_OK; i++) {
    int h, d;
    vs_placement_vm(c->sc, i, p->k, &h, &d);
    rc = vs_buf_printf(&b, "%d,%s,%s,%s,23:59:00\n", i, vs_placement_host_name(h, host, sizeof(host)),
                       vs_placement_disk_name(c->sc, d, disk, sizeof(disk)),
                       vs_clock_format_ms(p->start_s[i] - p->start_s[0], start, sizeof(start)));
  }
  snprintf(path, sizeof(path), "%s/k%d.csv", c->dir, p->k);
  if (rc == VS_OK)
    rc = vs_fs_write_atomic(path, b.data, b.len);
  vs_buf_clear(&b);
  return rc;
}

/* All-ready time of point p simulated with parameters q. */
static int simulate(child_ctx *c, const vs_calibrate_params *q, const vs_calibrate_point *p, double *all_ready_s)
{
  vs_buf out = VS_BUF_INIT;
  char starts[PATH_MAX + 32];
  int status = 0, rc;
  FILE *f = fopen(c->yaml, "w");
  if (!f)
    return vs_error_set(VS_EIO, "%s: cannot write: %s", c->yaml, strerror(errno));
  rc = vs_calibrate_write_scenario(f, c->sc, q, c->max_k, NULL);
  if (fclose(f) != 0 || rc != VS_OK)
    return vs_error_set(VS_EIO, "%s: write failed", c->yaml);
  snprintf(starts, sizeof(starts), "%s/k%d.csv", c->dir, p->k);
  char *argv[] = {(char *)vs_spawn_self(), "boot", c->yaml, "--schedule", starts, "--json", "--no-save", "-q", NULL};
  if ((rc = vs_spawn_run(argv, NULL, &out, &status)) != VS_OK)
    return rc;
  c->evals++;
  cJSON *o = cJSON_Parse(out.data ? out.data : "");
  const cJSON *t = o ? cJSON_GetObjectItem(o, "all_ready_s") : NULL;
  vs_buf_clear(&out);
  if (status != 0 || !cJSON_IsNumber(t)) {
    cJSON_Delete(o);
    return vs_error_set(VS_ESIM, "simulating k = %d with a candidate scenario failed (status %d)", p->k, status);
  }
  *all_ready_s = t->valuedouble;
  cJSON_Delete(o);
  return VS_OK;
}

/* ---- the fit ---- */

/* The parameters a regime fits, as indices into vs_calibrate_params. */
typedef struct {
  const char *name;
  double *(*get)(vs_calibrate_params *p);
  double lo, hi;   /* range */
  int additive;    /* steps add (alpha) rather than multiply */
} param_def;

static double *p_work(vs_calibrate_params *p) { return &p->cpu_work_f; }
static double *p_threads(vs_calibrate_params *p) { return &p->cpu_threads; }
static double *p_read(vs_calibrate_params *p) { return &p->read_Bps; }
static double *p_alpha(vs_calibrate_params *p) { return &p->alpha; }

static const param_def cpu_params[] = {{"boot.cpu_work", p_work, 1e6, 1e15, 0},
                                       {"boot.cpu_threads", p_threads, 1, VS_MAX_CPU_THREADS, 0}};
static const param_def disk_params[] = {{"hdd.read_bw", p_read, 1e3, 1e12, 0},
                                        {"hdd.concurrency (alpha)", p_alpha, 0, 1, 1}};

/* Weighted mean absolute percentage error over the points to fit. */
static int objective(child_ctx *c, const vs_calibrate_params *q, vs_calibrate_point *pts, size_t n, int fit_only,
                     double *out)
{
  double sum = 0, wsum = 0;
  for (size_t i = 0; i < n; i++) {
    if (fit_only && !pts[i].fit)
      continue;
    int rc = simulate(c, q, &pts[i], &pts[i].simulated_s);
    if (rc != VS_OK)
      return rc;
    sum += pts[i].weight * fabs(pts[i].simulated_s - pts[i].measured_s) / pts[i].measured_s;
    wsum += pts[i].weight;
  }
  *out = wsum > 0 ? 100.0 * sum / wsum : 0;
  return VS_OK;
}

/* Coordinate search from `p`: try each parameter up and down by its step,
 * keep improvements, shrink the steps when a round improves nothing. */
static int search(child_ctx *c, const param_def *defs, size_t nd, vs_calibrate_params *p, vs_calibrate_point *pts,
                  size_t n, int rounds, double *best)
{
  double step[VS_CALIBRATE_N_PARAMS];
  int rc;
  for (size_t i = 0; i < nd; i++)
    step[i] = defs[i].additive ? 0.25 : 2.0;
  if ((rc = objective(c, p, pts, n, 1, best)) != VS_OK)
    return rc;
  for (int r = 0; r < rounds && *best > 0.2; r++) {
    int improved = 0;
    for (size_t i = 0; i < nd; i++)
      for (int dir = -1; dir <= 1; dir += 2) {
        vs_calibrate_params q = *p;
        double *v = defs[i].get(&q);
        *v = defs[i].additive ? *v + dir * step[i] : dir > 0 ? *v * step[i] : *v / step[i];
        *v = fmin(defs[i].hi, fmax(defs[i].lo, *v));
        if (*v == *defs[i].get(p))
          continue;
        double m;
        if ((rc = objective(c, &q, pts, n, 1, &m)) != VS_OK)
          return rc;
        if (m < *best - 1e-9) {
          *best = m;
          *p = q;
          improved = 1;
        }
      }
    if (!improved) {
      int small = 1;
      for (size_t i = 0; i < nd; i++) {
        step[i] = defs[i].additive ? step[i] / 2 : sqrt(step[i]);
        small &= defs[i].additive ? step[i] < 0.01 : step[i] < 1.005;
      }
      if (small)
        break;
    }
  }
  return VS_OK;
}

/* Which resource bounds a lone boot: one VM that keeps (most of) a core
 * busy is CPU-bound, as QEMU's TCG is. */
static vs_calibrate_regime regime_of(const vs_scenario *sc, const vs_calibrate_point *first)
{
  double cores_busy = first->peak_cpu_util * sc->hosts.cores * sc->hosts.count / (double)first->k;
  return cores_busy >= 0.8 ? VS_CALIBRATE_CPU_BOUND : VS_CALIBRATE_DISK_BOUND;
}

static void mark_fit(vs_calibrate_result *out, const vs_calibrate_options *o)
{
  out->n_fit = out->n_check = 0;
  for (size_t i = 0; i < out->n_pts; i++) {
    vs_calibrate_point *p = &out->pts[i];
    p->fit = 0;
    if (!o->fit_k)
      p->fit = i < 2; /* measure k = 1, 2 here, predict the rest */
    for (size_t j = 0; o->fit_k && j < o->n_fit_k; j++)
      p->fit |= o->fit_k[j] == p->k;
    out->n_fit += p->fit;
    out->n_check += !p->fit;
    /* Steady k count more than noisy ones. */
    p->weight = 1.0 / fmax(p->sd_s / p->measured_s, 0.02);
  }
}

/* Elasticity of the fitted points' all-ready time to each fitted parameter. */
static int sensitivity(child_ctx *c, const param_def *defs, size_t nd, vs_calibrate_result *out)
{
  for (size_t i = 0; i < nd; i++) {
    vs_calibrate_params q = out->params;
    double *v = defs[i].get(&q), before = *v, e = 0;
    int m = 0, rc;
    *v = defs[i].additive ? *v + 0.05 : *v * 1.1;
    for (size_t j = 0; j < out->n_pts; j++) {
      double t;
      if (!out->pts[j].fit)
        continue;
      if ((rc = simulate(c, &q, &out->pts[j], &t)) != VS_OK)
        return rc;
      /* d ln T / d ln p (alpha: per 0.05, scaled to a 10 % change of 1). */
      e += log(t / out->pts[j].simulated_s) / (defs[i].additive ? log(1.0 + 0.05 / fmax(before, 0.05)) : log(1.1));
      m++;
    }
    out->fitted[i] = defs[i].name;
    out->elasticity[i] = m ? e / m : NAN;
  }
  out->fitted[nd] = NULL;
  return VS_OK;
}

int vs_calibrate_run(const vs_scenario *sc, const vs_calibrate_options *opts_in, vs_calibrate_result *out)
{
  vs_calibrate_options o = VS_CALIBRATE_OPTIONS_INIT;
  child_ctx c = {.sc = sc};
  double reads = 0, err_check = 0, err_all = 0, best = INFINITY;
  int rc = VS_OK;

  if (opts_in)
    o = *opts_in;
  mark_fit(out, &o);
  if (!out->n_pts || !out->n_fit)
    return vs_error_set(VS_EINPUT, "no usable measured k%s", out->n_pts ? " among the k to fit" : "");
  for (size_t i = 0; i < out->n_pts; i++) {
    reads += out->pts[i].read_B;
    c.max_k = out->pts[i].k;
  }
  /* $TMPDIR if set (as mkdtemp(1) does), else /tmp. */
  const char *tmp = getenv("TMPDIR");
  tmp = tmp && *tmp ? tmp : "/tmp";
  snprintf(c.dir, sizeof(c.dir), "%s/vdistorm-calibrate-XXXXXX", tmp);
  if (!mkdtemp(c.dir))
    return vs_error_set(VS_EIO, "cannot create a temporary folder in %s: %s", tmp, strerror(errno));
  snprintf(c.yaml, sizeof(c.yaml), "%s/candidate.yaml", c.dir);
  for (size_t i = 0; i < out->n_pts && rc == VS_OK; i++)
    rc = write_starts(&c, &out->pts[i]);

  /* What the regime does not fit is tied to values that keep it out of the
   * way: a disk 20 x faster than a lone CPU-bound boot reads, or a guest
   * whose work is a twentieth of a lone disk-bound boot. */
  const vs_calibrate_point *first = &out->pts[0];
  double t1 = first->measured_s, core = sc->hosts.core_fps;
  vs_calibrate_params base = {.read_B = fmax(1, reads / (double)out->n_pts), .cpu_threads = 1, .alpha = 0};
  const param_def *defs;
  size_t nd;
  out->regime = regime_of(sc, first);
  if (out->regime == VS_CALIBRATE_CPU_BOUND) {
    base.read_Bps = 20 * base.read_B / t1;
    defs = cpu_params;
    nd = 2;
  } else {
    base.cpu_work_f = 0.05 * t1 * core;
    defs = disk_params;
    nd = out->n_fit >= 2 ? 2 : 1;
  }
  /* A few starts: a search from one can stall in the wrong corner. */
  for (int s = 0; s < 3 && rc == VS_OK; s++) {
    vs_calibrate_params p = base;
    double m;
    if (out->regime == VS_CALIBRATE_CPU_BOUND) {
      p.cpu_threads = 1.0 + 0.5 * s;
      p.cpu_work_f = t1 * core * (s == 2 ? 1.5 : 1.0);
    } else {
      p.read_Bps = base.read_B / t1 * (s == 1 ? 0.7 : 1.0);
      p.alpha = 0.1 + 0.35 * s;
    }
    if (o.progress)
      o.progress(o.progress_ctx, s == 0 ? "fitting: every candidate is simulated" : "fitting: another start");
    if ((rc = search(&c, defs, nd, &p, out->pts, out->n_pts, o.rounds, &m)) == VS_OK && m < best) {
      best = m;
      out->params = p;
    }
  }
  if (rc == VS_OK)
    rc = objective(&c, &out->params, out->pts, out->n_pts, 0, &err_all);
  if (rc == VS_OK)
    rc = sensitivity(&c, defs, nd, out);
  vs_fs_remove_tree(c.dir);
  if (rc != VS_OK)
    return rc;
  out->mape_fit_pct = best;
  err_all = 0;
  for (size_t i = 0; i < out->n_pts; i++) {
    double e = 100 * fabs(out->pts[i].simulated_s - out->pts[i].measured_s) / out->pts[i].measured_s;
    err_all += e;
    if (!out->pts[i].fit)
      err_check += e;
  }
  out->evals = c.evals;
  out->mape_check_pct = out->n_check ? err_check / out->n_check : NAN;
  out->mape_all_pct = err_all / (double)out->n_pts;
  return VS_OK;
}

/* ---- the calibrated scenario ---- */

/* YAML double-quoted string. */
static void put_str(FILE *f, const char *s)
{
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      fputc('\\', f);
    if ((unsigned char)*s < 0x20)
      fprintf(f, "\\x%02x", (unsigned char)*s);
    else
      fputc(*s, f);
  }
  fputc('"', f);
}

int vs_calibrate_write_scenario(FILE *f, const vs_scenario *sc, const vs_calibrate_params *p, int max_readers,
                                const char *header)
{
  char clock[24];
  if (header)
    for (const char *l = header; *l;) {
      const char *e = strchr(l, '\n');
      size_t len = e ? (size_t)(e - l) : strlen(l);
      fprintf(f, "# %.*s\n", (int)len, l);
      l += len + (e ? 1 : 0);
    }
  fputs("name: ", f);
  put_str(f, sc->name);
  fputc('\n', f);
  if (sc->description) {
    fputs("description: ", f);
    put_str(f, sc->description);
    fputc('\n', f);
  }
  fprintf(f, "hosts: {count: %d, cores: %d, core_speed: %.9gHz}\n", sc->hosts.count, sc->hosts.cores,
          sc->hosts.core_fps);
  if (sc->storage.kind == VS_STORAGE_LOCAL)
    fprintf(f, "storage: {type: local, hdds: %d}\n", sc->storage.hdds);
  else
    fprintf(f, "storage: {type: nas, nas_count: %d, hdds: %d, link_bw: %.9gB/s}\n", sc->storage.nas_count,
            sc->storage.hdds, sc->storage.link_Bps);
  fprintf(f, "hdd:\n  read_bw: %.6gB/s\n  concurrency:   # factor = readers^%.3f\n", p->read_Bps, p->alpha);
  for (int n = 1; n <= (max_readers > 1 ? max_readers : 2); n++)
    fprintf(f, "    - {readers: %d, factor: %.4f}\n", n, pow(n, p->alpha));
  fprintf(f, "boot:\n  read: %.0fB   # measured: mean bytes read per VM\n", p->read_B);
  fprintf(f, "  cpu_work: %.6gf\n  cpu_threads: %.4g\n  busy_cpu: %.6gf\n", p->cpu_work_f, p->cpu_threads,
          p->busy_cpu_fps);
  fprintf(f, "  chunks: %d\n", sc->boot.chunks);
  fprintf(f, "storm: {max_slowdown: %.6g, cpu_window: %.6gs}\n", sc->storm.max_slowdown, sc->storm.cpu_window_s);
  if (sc->workload.len && !sc->workload.forecast && sc->n_classes == 1) {
    fputs("workload:\n  demand:\n", f);
    for (size_t i = 0; i < sc->workload.len; i++)
      fprintf(f, "    - {ready_by: \"%s\", vms: %d}\n",
              vs_clock_format(sc->workload.points[i].ready_by_s, clock, sizeof(clock)), sc->workload.points[i].vms);
  }
  if (sc->real.present) {
    const vs_real_config *r = &sc->real;
    fputs("real:\n  uri: [", f);
    for (size_t i = 0; i < r->n_uris; i++) {
      if (i)
        fputs(", ", f);
      put_str(f, r->uris[i]);
    }
    fprintf(f, "]\n  domain_type: %s\n  memory: %.0fB\n  vcpus: %d\n  image: ",
            r->domain_type == VS_DOMAIN_KVM ? "kvm" : r->domain_type == VS_DOMAIN_QEMU ? "qemu" : "auto", r->memory_B,
            r->vcpus);
    put_str(f, r->image_dir ? r->image_dir : "real/guest");
    fprintf(f, "\n  disk: %s\n  working_set: %.0fB\n  guest_cpu_work: %.6gf\n  boot_timeout: %.6gs\n",
            r->disk == VS_DISK_FULL_COPY ? "full-copy" : "linked-clone", r->working_set_B, r->guest_cpu_work_f,
            r->boot_timeout_s);
  }
  return ferror(f) ? vs_error_set(VS_EIO, "write failed") : VS_OK;
}
