#include "study/pool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* t = 0 of a pool experiment: the initial fill, or the first request. */
static double pool_origin(const vs_pool_spec *spec)
{
  double t = spec->n_requests ? spec->requests[0].at_s : 0.0;
  return spec->fill ? fmin(t, spec->fill_at_s) : t;
}

static void run_clear(vs_study_pool_run *r)
{
  free(r->sizes);
  vs_pool_result_free(r->pool);
  vs_boot_result_free(r->run);
  memset(r, 0, sizeof(*r));
}

/* One experiment: `plan` (n boots, may be 0) with the pool's requests and
 * copies beside it from origin_s. */
static int pool_experiment(vs_study_pool_run *out, vs_backend *b, const int *sizes, int no_pool, double origin_s,
                           const vs_boot_req *plan, size_t n, const vs_boot_limits *limits)
{
  const vs_pool_spec *spec = b->sc->pool;
  vs_pool_workload w = VS_POOL_WORKLOAD_INIT;
  const vs_pool_workload *before = b->pool;
  vs_boot_req none = {0};
  int rc;

  memset(out, 0, sizeof(*out));
  out->no_pool = no_pool;
  out->sizes = malloc(spec->n_images * sizeof(int));
  out->pool = vs_pool_result_new(spec);
  if (!out->sizes || !out->pool)
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (size_t k = 0; k < spec->n_images; k++)
    out->sizes[k] = sizes ? sizes[k] : spec->images[k].count;
  w.spec = spec;
  w.count = out->sizes;
  w.no_pool = no_pool;
  w.origin_s = origin_s;
  w.out = out->pool;
  b->pool = &w;
  rc = vs_backend_boot(b, n ? plan : &none, n, limits, &out->run);
  b->pool = before;
  if (rc == VS_OK)
    rc = vs_pool_latency_of(out->pool, &out->latency);
  return rc;
}

/* The smallest sizes that keep p95 under the target (plan/pool.h). */
static int recommend(vs_study_pool *s, vs_backend *b, const vs_study_pool_options *o)
{
  const vs_pool_spec *spec = b->sc->pool;
  vs_pool_search search;
  const int *sizes;
  int rc;
  if ((rc = vs_pool_search_init(&search, spec, o->p95_target_s)) != VS_OK)
    return rc;
  while ((sizes = vs_pool_search_next(&search))) {
    vs_study_pool_run r;
    if ((rc = pool_experiment(&r, b, sizes, 0, s->origin_s, NULL, 0, NULL)) != VS_OK) {
      run_clear(&r);
      goto cleanup;
    }
    vs_pool_search_report(&search, r.latency.not_created ? INFINITY : r.latency.p95_s, r.pool->empty_s);
    run_clear(&r);
  }
  s->recommended_feasible = search.feasible;
  s->search_runs = search.runs;
  if (!(s->recommended = malloc(spec->n_images * sizeof(int)))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  memcpy(s->recommended, search.found, spec->n_images * sizeof(int));
cleanup:
  vs_pool_search_clear(&search);
  return rc;
}

/* The workload's jit schedule alone, then the same plan with the pool's
 * requests and copies during the same morning: t = 0 is the earlier of the
 * schedule's first power-on and the pool's first event, for both runs. */
static int morning(vs_study_pool *s, vs_backend *b, const vs_capacity *cap, const vs_study_pool_options *o)
{
  vs_policy jit = VS_POLICY_INIT;
  vs_boot_req *plan = NULL;
  double sched_origin;
  int rc;

  if ((rc = vs_study_schedule_policy(&s->jit, b, cap, &jit)) != VS_OK)
    return rc;
  vs_boot_limits limits = vs_schedule_limits(s->jit.sched);
  if (!(plan = vs_schedule_plan(s->jit.sched, &sched_origin)))
    return vs_error_set(VS_ENOMEM, "out of memory");
  s->morning_origin_s = fmin(sched_origin, s->origin_s);
  for (size_t i = 0; i < s->jit.sched->n; i++)
    plan[i].start_s += sched_origin - s->morning_origin_s;
  if ((rc = vs_backend_boot(b, plan, s->jit.sched->n, &limits, &s->alone_run)) != VS_OK ||
      (rc = vs_validate(b->sc, s->jit.sched, s->morning_origin_s, s->alone_run, cap, &s->alone)) != VS_OK ||
      (rc = pool_experiment(&s->with_pool, b, o->sizes, 0, s->morning_origin_s, plan, s->jit.sched->n, &limits)) !=
          VS_OK ||
      (rc = vs_validate(b->sc, s->jit.sched, s->morning_origin_s, s->with_pool.run, cap, &s->with)) != VS_OK)
    goto cleanup;
  s->morning = 1;
cleanup:
  free(plan);
  return rc;
}

int vs_study_pool_run_all(vs_study_pool *s, vs_backend *b, const vs_capacity *cap, const vs_study_pool_options *o)
{
  const vs_pool_spec *spec = b->sc->pool;
  int rc;
  memset(s, 0, sizeof(*s));
  if (!spec)
    return vs_error_set(VS_EINPUT, "%s: no pool section (expected pool.golden and pool.requests)", b->sc->path);
  s->origin_s = pool_origin(spec);
  if ((rc = pool_experiment(&s->main, b, o->sizes, o->no_pool_only, s->origin_s, NULL, 0, NULL)) != VS_OK)
    return rc;
  if (!o->no_pool_only &&
      (rc = pool_experiment(&s->no_pool, b, o->sizes, 1, s->origin_s, NULL, 0, NULL)) != VS_OK)
    return rc;
  if (o->recommend && (rc = recommend(s, b, o)) != VS_OK)
    return rc;
  if (o->morning && cap && !o->no_pool_only)
    rc = morning(s, b, cap, o);
  return rc;
}

void vs_study_pool_clear(vs_study_pool *s)
{
  run_clear(&s->main);
  run_clear(&s->no_pool);
  free(s->recommended);
  vs_study_schedule_clear(&s->jit);
  vs_validation_clear(&s->alone);
  vs_validation_clear(&s->with);
  vs_boot_result_free(s->alone_run);
  run_clear(&s->with_pool);
  memset(s, 0, sizeof(*s));
}
