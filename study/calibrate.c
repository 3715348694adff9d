/* Calibration: fit the simulator's boot profile and disk model to live runs.
 * The simulator is a black box here (a callback), because SimGrid runs once
 * per process: each candidate is simulated in a child process. */
#include "study/calibrate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/spawn.h"
#include "core/units.h"

#define N_PARAMS 5

static double *param(vs_calibrate_params *p, int i)
{
  switch (i) {
  case 0: return &p->cpu_work_f;
  case 1: return &p->busy_cpu_fps;
  case 2: return &p->read_Bps;
  case 3: return &p->io_cpu_fpB;
  default: return &p->alpha;
  }
}

/* MAPE over the fitting points; < 0 when a simulation failed. */
static int mape(const vs_calibrate_params *p, const vs_calibrate_point *pts, size_t n, vs_calibrate_sim_fn sim,
                void *ctx, double *out, int *evals)
{
  double sum = 0;
  int m = 0, rc;
  for (size_t i = 0; i < n; i++) {
    double s;
    if (!pts[i].fit)
      continue;
    if ((rc = sim(ctx, p, pts[i].k, &s)) != VS_OK)
      return rc;
    (*evals)++;
    sum += fabs(s - pts[i].measured_s) / pts[i].measured_s;
    m++;
  }
  if (!m)
    return vs_error_set(VS_EINPUT, "no measured run to fit to");
  *out = 100.0 * sum / m;
  return VS_OK;
}

int vs_calibrate_fit(vs_calibrate_params *p, const vs_calibrate_point *pts, size_t n, vs_calibrate_sim_fn sim, void *ctx,
                int max_rounds, double *best_mape, int *evals)
{
  double best, step[N_PARAMS] = {2.0, 2.0, 2.0, 2.0, 0.25};
  int rc;
  *evals = 0;
  if ((rc = mape(p, pts, n, sim, ctx, &best, evals)) != VS_OK)
    return rc;
  /* Coordinate search: try each parameter up and down by its step; keep any
   * improvement, halve (log-)steps when a full round improves nothing. The
   * objective is piecewise smooth in these parameters (CPU- vs disk-bound
   * regimes), where a derivative-free search is the robust choice. */
  for (int round = 0; round < max_rounds && best > 0.5; round++) {
    int improved = 0;
    for (int i = 0; i < N_PARAMS; i++) {
      for (int dir = -1; dir <= 1; dir += 2) {
        vs_calibrate_params c = *p;
        double *v = param(&c, i);
        if (i == 4) {
          *v = fmin(1.0, fmax(0.0, *v + dir * step[i]));
        } else if (i == 1 || i == 3) {
          /* May be zero: start from a small positive value. */
          double floor_v = i == 1 ? 1e7 : 1.0;
          *v = dir > 0 ? fmax(*v, floor_v / step[i]) * step[i] : (*v <= floor_v ? 0 : *v / step[i]);
        } else {
          *v = dir > 0 ? *v * step[i] : *v / step[i];
        }
        if (*v == *param(p, i))
          continue;
        double m;
        if ((rc = mape(&c, pts, n, sim, ctx, &m, evals)) != VS_OK)
          return rc;
        if (m < best - 1e-9) {
          best = m;
          *p = c;
          improved = 1;
        }
      }
    }
    if (!improved) {
      int small = 1;
      for (int i = 0; i < N_PARAMS; i++) {
        step[i] = i == 4 ? step[i] / 2 : sqrt(step[i]);
        small &= i == 4 ? step[i] < 0.01 : step[i] < 1.01;
      }
      if (small)
        break;
    }
  }
  *best_mape = best;
  return VS_OK;
}

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
  fprintf(f, "hdd:\n  read_bw: %.6gB/s   # fitted\n  concurrency:   # fitted: factor = readers^%.3f\n",
          p->read_Bps, p->alpha);
  for (int n = 1; n <= (max_readers > 1 ? max_readers : 2); n++)
    fprintf(f, "    - {readers: %d, factor: %.4f}\n", n, pow(n, p->alpha));
  fprintf(f, "boot:\n  read: %.0fB   # measured: mean bytes read per VM\n", p->read_B);
  fprintf(f, "  cpu_work: %.6gf   # fitted\n  io_cpu_cost: %.6gf/B   # fitted\n  busy_cpu: %.6gf   # fitted\n",
          p->cpu_work_f, p->io_cpu_fpB, p->busy_cpu_fps);
  fprintf(f, "  chunks: %d\n", sc->boot.chunks);
  fprintf(f, "storm: {max_slowdown: %.6g, cpu_window: %.6gs}\n", sc->storm.max_slowdown, sc->storm.cpu_window_s);
  if (sc->workload.len && !sc->workload.forecast) {
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

/* ---- measured runs ---- */

static int add_point(vs_calibrate_point *pts, const char *file, const cJSON *o)
{
  const cJSON *k = cJSON_GetObjectItem(o, "k"), *vms = cJSON_GetObjectItem(o, "vms");
  const cJSON *t = cJSON_GetObjectItem(o, "all_ready_s"), *rd = cJSON_GetObjectItem(o, "read_MB");
  const cJSON *nr = cJSON_GetObjectItem(o, "not_ready");
  const cJSON *kk = cJSON_IsNumber(k) ? k : vms;
  if (!cJSON_IsNumber(kk) || !cJSON_IsNumber(t) || !cJSON_IsNumber(rd))
    return vs_error_set(VS_EINPUT, "%s: not a live result (expected k or vms, all_ready_s, read_MB)", file);
  int kv = (int)kk->valuedouble;
  if (kv < 1 || kv > VS_CALIBRATE_MAX_K || t->valuedouble <= 0)
    return vs_error_set(VS_EINPUT, "%s: k = %d, all_ready_s = %g out of range", file, kv, t->valuedouble);
  /* A step with VMs that never became ready measures the timeout, not the boot. */
  if ((cJSON_IsNumber(nr) && nr->valuedouble > 0) || (cJSON_IsArray(nr) && cJSON_GetArraySize(nr) > 0))
    return VS_OK;
  vs_calibrate_point *p = &pts[kv - 1];
  p->k = kv;
  p->measured_s += t->valuedouble;
  p->read_B += rd->valuedouble * 1e6 / kv;
  p->runs++;
  return VS_OK;
}

static int load_dir(vs_calibrate_point *pts, const char *dir)
{
  char path[4096];
  vs_buf b = VS_BUF_INIT;
  cJSON *o = NULL;
  int rc;
  snprintf(path, sizeof(path), "%s/summary.json", dir);
  b.max = 16 << 20;
  if ((rc = vs_buf_read_file(&b, path)) != VS_OK)
    return rc;
  if (!(o = cJSON_Parse(b.data))) {
    vs_buf_clear(&b);
    return vs_error_set(VS_EINPUT, "%s: not JSON", path);
  }
  vs_buf_clear(&b);
  const cJSON *backend = cJSON_GetObjectItem(o, "backend"), *steps = cJSON_GetObjectItem(o, "steps");
  if (!cJSON_IsString(backend) || strcmp(backend->valuestring, "libvirt") != 0)
    rc = vs_error_set(VS_EINPUT, "%s: not a live run (expected \"backend\": \"libvirt\")", path);
  else if (cJSON_IsArray(steps)) {
    const cJSON *s;
    cJSON_ArrayForEach(s, steps) if ((rc = add_point(pts, path, s)) != VS_OK) break;
  } else
    rc = add_point(pts, path, o);
  cJSON_Delete(o);
  return rc;
}

int vs_calibrate_load_measured(const char *const *dirs, size_t n_dirs, vs_calibrate_point *pts, size_t *n_pts)
{
  vs_calibrate_point *by_k = calloc(VS_CALIBRATE_MAX_K, sizeof(*by_k));
  int rc = VS_OK;
  *n_pts = 0;
  if (!by_k)
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (size_t i = 0; i < n_dirs && rc == VS_OK; i++)
    rc = load_dir(by_k, dirs[i]);
  for (int k = 0; rc == VS_OK && k < VS_CALIBRATE_MAX_K; k++)
    if (by_k[k].runs) {
      vs_calibrate_point p = by_k[k];
      p.measured_s /= p.runs;
      p.read_B /= p.runs;
      pts[(*n_pts)++] = p;
    }
  free(by_k);
  return rc;
}

/* ---- simulating a candidate in a child ---- */

typedef struct {
  const vs_scenario *sc;
  char tmp[64];
  int max_k;
} child_ctx;

/* Simulate k simultaneous boots with p in a child `vdistorm boot`. */
static int simulate_child(void *ctx, const vs_calibrate_params *p, int k, double *all_ready_s)
{
  child_ctx *c = ctx;
  vs_buf out = VS_BUF_INIT;
  char kbuf[16];
  int status = 0, rc;
  FILE *f = fopen(c->tmp, "w");
  if (!f)
    return vs_error_set(VS_EIO, "%s: cannot write: %s", c->tmp, strerror(errno));
  rc = vs_calibrate_write_scenario(f, c->sc, p, c->max_k, NULL);
  if (fclose(f) != 0 || rc != VS_OK)
    return vs_error_set(VS_EIO, "%s: write failed", c->tmp);
  snprintf(kbuf, sizeof(kbuf), "%d", k);
  char *argv[] = {(char *)vs_spawn_self(), "boot", c->tmp, "--vms", kbuf, "--json", "--no-save", "-q", NULL};
  if ((rc = vs_spawn_run(argv, NULL, &out, &status)) != VS_OK)
    return rc;
  cJSON *o = cJSON_Parse(out.data ? out.data : "");
  const cJSON *t = o ? cJSON_GetObjectItem(o, "all_ready_s") : NULL;
  vs_buf_clear(&out);
  if (status != 0 || !cJSON_IsNumber(t)) {
    cJSON_Delete(o);
    return vs_error_set(VS_ESIM, "simulating k = %d with a candidate scenario failed (status %d)", k, status);
  }
  *all_ready_s = t->valuedouble;
  cJSON_Delete(o);
  return VS_OK;
}

static int wants_fit(const vs_calibrate_options *o, size_t index, int k)
{
  if (!o->fit_k)
    return index % 2 == 0;
  for (size_t i = 0; i < o->n_fit_k; i++)
    if (o->fit_k[i] == k)
      return 1;
  return 0;
}

int vs_calibrate_run(const vs_scenario *sc, const vs_calibrate_options *opts_in, vs_calibrate_result *out)
{
  vs_calibrate_options o = VS_CALIBRATE_OPTIONS_INIT;
  vs_calibrate_params *p = &out->params;
  child_ctx ctx = {.sc = sc};
  double reads = 0, err_check = 0, err_all = 0;
  int rc;

  if (opts_in)
    o = *opts_in;
  out->n_fit = out->n_check = 0;
  for (size_t i = 0; i < out->n_pts; i++) {
    out->pts[i].fit = wants_fit(&o, i, out->pts[i].k);
    out->n_fit += out->pts[i].fit;
    reads += out->pts[i].read_B;
    ctx.max_k = out->pts[i].k;
  }
  if (!out->n_pts || !out->n_fit)
    return vs_error_set(VS_EINPUT, "no usable measured k%s", out->n_pts ? " among the k to fit" : "");
  /* Start: one VM alone is all CPU on one core; the disk is not a limit. */
  memset(p, 0, sizeof(*p));
  const vs_calibrate_point *first = &out->pts[0];
  p->read_B = fmax(1, reads / (double)out->n_pts);
  p->cpu_work_f = 0.9 * first->measured_s * sc->hosts.core_fps / fmax(1, first->k / (double)sc->hosts.cores);
  p->read_Bps = p->read_B / (0.1 * first->measured_s);
  p->alpha = 0.5;
  snprintf(ctx.tmp, sizeof(ctx.tmp), "/tmp/vdistorm-calibrate-%ld.yaml", (long)getpid());
  if (o.progress)
    o.progress(o.progress_ctx, "fitting: each candidate is simulated");
  rc = vs_calibrate_fit(p, out->pts, out->n_pts, simulate_child, &ctx, o.rounds, &out->mape_fit_pct, &out->evals);
  for (size_t i = 0; rc == VS_OK && i < out->n_pts; i++) {
    vs_calibrate_point *pt = &out->pts[i];
    if ((rc = simulate_child(&ctx, p, pt->k, &pt->simulated_s)) != VS_OK)
      break;
    double e = 100 * fabs(pt->simulated_s - pt->measured_s) / pt->measured_s;
    err_all += e;
    if (!pt->fit) {
      err_check += e;
      out->n_check++;
    }
  }
  unlink(ctx.tmp);
  if (rc != VS_OK)
    return rc;
  out->mape_check_pct = out->n_check ? err_check / out->n_check : NAN;
  out->mape_all_pct = err_all / (double)out->n_pts;
  return VS_OK;
}
