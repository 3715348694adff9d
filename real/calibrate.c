/* Calibration: fit the simulator's boot profile and disk model to live runs.
 * The simulator is a black box here (a callback), because SimGrid runs once
 * per process: the caller simulates each candidate in a child process. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "real/real.h"
#include "core/units.h"

#define N_PARAMS 5

static double *param(vs_real_fit_params *p, int i)
{
  switch (i) {
  case 0: return &p->cpu_work;
  case 1: return &p->busy_cpu;
  case 2: return &p->read_bw;
  case 3: return &p->io_cpu_per_byte;
  default: return &p->alpha;
  }
}

/* MAPE over the fitting points; < 0 when a simulation failed. */
static int mape(const vs_real_fit_params *p, const vs_real_fit_point *pts, size_t n, vs_real_sim_fn sim,
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

int vs_real_fit(vs_real_fit_params *p, const vs_real_fit_point *pts, size_t n, vs_real_sim_fn sim, void *ctx,
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
        vs_real_fit_params c = *p;
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

int vs_real_write_scenario(FILE *f, const vs_scenario *sc, const vs_real_fit_params *p, int max_readers,
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
          sc->hosts.core_speed);
  if (sc->storage.kind == VS_STORAGE_LOCAL)
    fprintf(f, "storage: {type: local, hdds: %d}\n", sc->storage.hdds);
  else
    fprintf(f, "storage: {type: nas, nas_count: %d, hdds: %d, link_bw: %.9gB/s}\n", sc->storage.nas_count,
            sc->storage.hdds, sc->storage.link_bw);
  fprintf(f, "hdd:\n  read_bw: %.6gB/s   # fitted\n  concurrency:   # fitted: factor = readers^%.3f\n",
          p->read_bw, p->alpha);
  for (int n = 1; n <= (max_readers > 1 ? max_readers : 2); n++)
    fprintf(f, "    - {readers: %d, factor: %.4f}\n", n, pow(n, p->alpha));
  fprintf(f, "boot:\n  read: %.0fB   # measured: mean bytes read per VM\n", p->read_bytes);
  fprintf(f, "  cpu_work: %.6gf   # fitted\n  io_cpu_cost: %.6gf/B   # fitted\n  busy_cpu: %.6gf   # fitted\n",
          p->cpu_work, p->io_cpu_per_byte, p->busy_cpu);
  fprintf(f, "  chunks: %d\n", sc->boot.chunks);
  fprintf(f, "storm: {max_slowdown: %.6g, cpu_window: %.6gs}\n", sc->storm.max_slowdown, sc->storm.cpu_window);
  if (sc->workload.len && !sc->workload.forecast) {
    fputs("workload:\n  demand:\n", f);
    for (size_t i = 0; i < sc->workload.len; i++)
      fprintf(f, "    - {ready_by: \"%s\", vms: %d}\n",
              vs_clock_format(sc->workload.points[i].ready_by, clock, sizeof(clock)), sc->workload.points[i].vms);
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
            r->domain_type == VS_DOMAIN_KVM ? "kvm" : r->domain_type == VS_DOMAIN_QEMU ? "qemu" : "auto", r->memory,
            r->vcpus);
    put_str(f, r->image_dir ? r->image_dir : "real/guest");
    fprintf(f, "\n  disk: %s\n  working_set: %.0fB\n  guest_cpu_work: %.6gf\n  boot_timeout: %.6gs\n",
            r->disk == VS_DISK_FULL_COPY ? "full-copy" : "linked-clone", r->working_set, r->guest_cpu_work,
            r->boot_timeout);
  }
  return ferror(f) ? vs_error_set(VS_EIO, "write failed") : VS_OK;
}
