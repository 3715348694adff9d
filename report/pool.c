#include "report/pool.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "core/units.h"
#include "report/json.h"
#include "report/series.h"
#include "report/text.h"

#define TRAFFIC_BUCKET_S 10.0

static cJSON *latency_json(const vs_pool_latency *l)
{
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "min", l->min_s);
  cJSON_AddNumberToObject(j, "p50", l->p50_s);
  cJSON_AddNumberToObject(j, "p95", l->p95_s);
  cJSON_AddNumberToObject(j, "max", l->max_s);
  cJSON_AddNumberToObject(j, "mean", l->mean_s);
  return j;
}

static cJSON *per_kind(const vs_pool_spec *spec, const double *d, const int *i)
{
  cJSON *j = cJSON_CreateObject();
  for (size_t k = 0; k < spec->n_images; k++)
    cJSON_AddNumberToObject(j, spec->images[k].name, d ? d[k] : i[k]);
  return j;
}

static void run_json(cJSON *j, const vs_scenario *sc, const vs_study_pool_run *r)
{
  cJSON_AddNumberToObject(j, "requests", (double)r->pool->n_requests);
  cJSON_AddItemToObject(j, "latency_s", latency_json(&r->latency));
  cJSON_AddNumberToObject(j, "not_created", r->latency.not_created);
  cJSON_AddItemToObject(j, "pool_empty_s", per_kind(sc->pool, r->pool->empty_s, NULL));
  cJSON_AddItemToObject(j, "pool_empty_times", per_kind(sc->pool, NULL, r->pool->empty_times));
  cJSON_AddItemToObject(j, "sizes", per_kind(sc->pool, NULL, r->sizes));
  cJSON_AddNumberToObject(j, "copied_bytes", r->pool->copied_B);
  cJSON_AddNumberToObject(j, "copies", (double)r->pool->n_copies);
  if (isfinite(r->pool->fill_done_s))
    cJSON_AddNumberToObject(j, "fill_s", r->pool->fill_done_s - sc->pool->fill_at_s);
  cJSON_AddNumberToObject(j, "span_s", r->pool->end_s - r->pool->start_s);
}

static cJSON *morning_json(const vs_scenario *sc, const vs_study_pool *s)
{
  cJSON *m = cJSON_CreateObject();
  char clock[32];
  cJSON_AddNumberToObject(m, "vms", (double)s->jit.sched->n);
  cJSON_AddStringToObject(m, "origin", vs_clock_format(s->morning_origin_s, clock, sizeof(clock)));
  cJSON_AddNumberToObject(m, "makespan_alone_s", s->alone.makespan_s);
  cJSON_AddNumberToObject(m, "makespan_with_pool_s", s->with.makespan_s);
  cJSON_AddNumberToObject(m, "makespan_delta_s", s->with.makespan_s - s->alone.makespan_s);
  cJSON_AddStringToObject(m, "last_ready_alone", vs_clock_format(s->alone.last_ready_s, clock, sizeof(clock)));
  cJSON_AddStringToObject(m, "last_ready_with_pool", vs_clock_format(s->with.last_ready_s, clock, sizeof(clock)));
  cJSON_AddNumberToObject(m, "last_ready_delta_s", s->with.last_ready_s - s->alone.last_ready_s);
  cJSON_AddNumberToObject(m, "late_vms_alone", s->alone.late_vms);
  cJSON_AddNumberToObject(m, "late_vms_with_pool", s->with.late_vms);
  cJSON_AddNumberToObject(m, "max_lateness_with_pool_s", s->with.max_lateness_s);
  cJSON *pool = cJSON_AddObjectToObject(m, "pool");
  run_json(pool, sc, &s->with_pool);
  return m;
}

cJSON *vs_json_pool(const vs_scenario *sc, const vs_study_pool *s, const vs_study_pool_options *o)
{
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "scenario", sc->name);
  cJSON_AddBoolToObject(j, "pool", !o->no_pool_only);
  run_json(j, sc, &s->main);
  if (s->no_pool.pool) {
    cJSON *np = cJSON_AddObjectToObject(j, "no_pool");
    run_json(np, sc, &s->no_pool);
  }
  if (o->recommend) {
    cJSON_AddNumberToObject(j, "p95_target_s", o->p95_target_s);
    cJSON_AddNumberToObject(j, "search_runs", s->search_runs);
    if (s->recommended_feasible)
      cJSON_AddItemToObject(j, "recommended", per_kind(sc->pool, NULL, s->recommended));
    else
      cJSON_AddNullToObject(j, "recommended");
  }
  if (s->morning)
    cJSON_AddItemToObject(j, "boot_slowdown", morning_json(sc, s));
  return j;
}

static void text_run(FILE *out, const vs_scenario *sc, const char *what, const vs_study_pool_run *r)
{
  const vs_pool_latency *l = &r->latency;
  fprintf(out, "%-24s %9.1f s %9.1f s %9.1f s %9.1f s %7zu %9.1f GB\n", what, l->min_s, l->p50_s, l->p95_s, l->max_s,
          r->pool->n_copies, r->pool->copied_B / 1e9);
  if (l->not_created)
    fprintf(out, "  %d requests were never created\n", l->not_created);
  (void)sc;
}

void vs_text_pool(FILE *out, const vs_scenario *sc, const vs_study_pool *s, const vs_study_pool_options *o)
{
  const vs_pool_spec *spec = sc->pool;
  char clock[32];
  fprintf(out, "%s: %zu creation requests from %s; %zu image kinds; handler %.1f s; preparer %d at once\n", sc->name,
          spec->n_requests, vs_clock_format(s->origin_s, clock, sizeof(clock)), spec->n_images, spec->handler_s,
          spec->parallel);
  fprintf(out, "%-24s %11s %11s %11s %11s %7s %12s\n", "creation latency", "min", "p50", "p95", "max", "copies",
          "copied");
  text_run(out, sc, o->no_pool_only ? "copying on demand" : "from the pool", &s->main);
  if (s->no_pool.pool)
    text_run(out, sc, "copying on demand", &s->no_pool);
  if (!o->no_pool_only) {
    fprintf(out, "\n%-16s %6s %14s %12s\n", "pool", "size", "empty (times)", "empty for");
    for (size_t k = 0; k < spec->n_images; k++)
      fprintf(out, "%-16s %6d %14d %10.1f s\n", spec->images[k].name, s->main.sizes[k], s->main.pool->empty_times[k],
              s->main.pool->empty_s[k]);
    if (isfinite(s->main.pool->fill_done_s))
      fprintf(out, "initial fill from %s: %.1f s\n", vs_clock_format(spec->fill_at_s, clock, sizeof(clock)),
              s->main.pool->fill_done_s - spec->fill_at_s);
  }
  if (o->recommend) {
    if (!s->recommended_feasible)
      fprintf(out, "\nrecommend: no pool size keeps p95 under %.1f s (the handler alone is slower); %d simulations\n",
              o->p95_target_s, s->search_runs);
    else {
      fprintf(out, "\nrecommended pool sizes for p95 <= %.1f s (%d simulations):", o->p95_target_s, s->search_runs);
      for (size_t k = 0; k < spec->n_images; k++)
        fprintf(out, " %s=%d", spec->images[k].name, s->recommended[k]);
      fputc('\n', out);
    }
  }
  if (s->morning) {
    char a[32], b[32];
    fprintf(out, "\nthe morning: jit schedule of %zu VMs, alone and with the pool's requests and copies\n",
            s->jit.sched->n);
    fprintf(out, "  makespan     %8.1f s alone, %8.1f s with the pool (%+.1f s)\n", s->alone.makespan_s,
            s->with.makespan_s, s->with.makespan_s - s->alone.makespan_s);
    fprintf(out, "  last ready   %s alone, %s with the pool (%+.1f s)\n",
            vs_clock_format(s->alone.last_ready_s, a, sizeof(a)), vs_clock_format(s->with.last_ready_s, b, sizeof(b)),
            s->with.last_ready_s - s->alone.last_ready_s);
    fprintf(out, "  late VMs     %d alone, %d with the pool (max lateness %.1f s)\n", s->alone.late_vms,
            s->with.late_vms, s->with.max_lateness_s);
    fprintf(out, "  creations    p95 %.1f s during the morning; %zu copies\n", s->with_pool.latency.p95_s,
            s->with_pool.pool->n_copies);
  }
}

static int write_requests(vs_outdir *d, const char *prefix, const vs_scenario *sc, const vs_study_pool_run *r)
{
  char name[128], a[32], c[32];
  snprintf(name, sizeof(name), "%srequests.csv", prefix);
  FILE *f = vs_outdir_file(d, name);
  if (!f)
    return VS_EIO;
  fprintf(f, "request,system,user,arrival,created,latency_s\n");
  for (size_t i = 0; i < r->pool->n_requests; i++) {
    const vs_pool_request *rq = &sc->pool->requests[i];
    double done = r->pool->created_s[i];
    fprintf(f, "%zu,%s,%s,%s,", i, sc->pool->images[rq->system].name, sc->pool->images[rq->user].name,
            vs_clock_format(r->pool->arrival_s[i], a, sizeof(a)));
    if (isfinite(done))
      fprintf(f, "%s,%.3f\n", vs_clock_format(done, c, sizeof(c)), done - r->pool->arrival_s[i]);
    else
      fprintf(f, ",\n");
  }
  return vs_outdir_close_file(d, f, name);
}

static int write_copies(vs_outdir *d, const char *prefix, const vs_scenario *sc, const vs_study_pool_run *r)
{
  char name[128], a[32], b[32];
  snprintf(name, sizeof(name), "%scopies.csv", prefix);
  FILE *f = vs_outdir_file(d, name);
  if (!f)
    return VS_EIO;
  fprintf(f, "image,why,start,end,copy_s,bytes\n");
  for (size_t i = 0; i < r->pool->n_copies; i++) {
    const vs_pool_copy *c = &r->pool->copies[i];
    fprintf(f, "%s,%s,%s,%s,%.3f,%.0f\n", sc->pool->images[c->image].name,
            c->fill ? "fill" : c->on_demand ? "on-demand" : "refill", vs_clock_format(c->start_s, a, sizeof(a)),
            vs_clock_format(c->end_s, b, sizeof(b)), c->end_s - c->start_s, c->bytes);
  }
  return vs_outdir_close_file(d, f, name);
}

/* Copy traffic per 10 s: what `vdistorm plot` draws as PREFIXtraffic.png. */
static int write_traffic(vs_outdir *d, const char *prefix, const vs_study_pool_run *r)
{
  char name[128];
  vs_pool_traffic t;
  int rc;
  if ((rc = vs_pool_traffic_of(r->pool, TRAFFIC_BUCKET_S, &t)) != VS_OK)
    return rc;
  snprintf(name, sizeof(name), "%straffic.csv", prefix);
  FILE *f = vs_outdir_file(d, name);
  if (!f) {
    vs_pool_traffic_clear(&t);
    return VS_EIO;
  }
  fprintf(f, "t_s,copies_active,copy_MBps\n");
  for (size_t i = 0; i < t.n; i++)
    fprintf(f, "%.1f,%.3f,%.3f\n", (double)i * t.bucket_s + t.t0_s - r->pool->start_s, t.active[i], t.MBps[i]);
  vs_pool_traffic_clear(&t);
  return vs_outdir_close_file(d, f, name);
}

static int write_run(vs_outdir *d, const char *prefix, const vs_scenario *sc, const vs_study_pool_run *r)
{
  int rc;
  if ((rc = write_requests(d, prefix, sc, r)) != VS_OK || (rc = write_copies(d, prefix, sc, r)) != VS_OK ||
      (rc = write_traffic(d, prefix, r)) != VS_OK)
    return rc;
  return r->run ? vs_series_write_boot(d, prefix, sc, r->run) : VS_OK;
}

int vs_series_write_pool(vs_outdir *d, const vs_scenario *sc, const vs_study_pool *s)
{
  int rc;
  if ((rc = write_run(d, s->main.no_pool ? "no-pool-" : "pool-", sc, &s->main)) != VS_OK)
    return rc;
  if (s->no_pool.pool && (rc = write_run(d, "no-pool-", sc, &s->no_pool)) != VS_OK)
    return rc;
  if (s->morning) {
    if ((rc = vs_series_write_boot(d, "morning-alone-", sc, s->alone_run)) != VS_OK ||
        (rc = write_run(d, "morning-pool-", sc, &s->with_pool)) != VS_OK)
      return rc;
  }
  return VS_OK;
}
