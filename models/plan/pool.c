#include "plan/pool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static int by_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The q-quantile by the nearest-rank method (the p95 of 20 values is the 19th). */
static double rank_quantile(const double *sorted, size_t n, double q)
{
  size_t k = (size_t)ceil(q * (double)n - 1e-9);
  return sorted[k ? k - 1 : 0];
}

int vs_pool_latency_of(const vs_pool_result *r, vs_pool_latency *out)
{
  double *lat = malloc((r->n_requests ? r->n_requests : 1) * sizeof(double)), sum = 0;
  size_t n = 0;
  if (!lat)
    return vs_error_set(VS_ENOMEM, "out of memory");
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < r->n_requests; i++)
    if (isfinite(r->created_s[i]))
      sum += lat[n++] = r->created_s[i] - r->arrival_s[i];
  out->n = (int)n;
  out->not_created = (int)(r->n_requests - n);
  if (n) {
    qsort(lat, n, sizeof(double), by_double);
    out->min_s = lat[0];
    out->p50_s = rank_quantile(lat, n, 0.5);
    out->p95_s = rank_quantile(lat, n, 0.95);
    out->max_s = lat[n - 1];
    out->mean_s = sum / (double)n;
  }
  free(lat);
  return VS_OK;
}

int vs_pool_traffic_of(const vs_pool_result *r, double bucket_s, vs_pool_traffic *out)
{
  double t0 = r->start_s, t1 = r->end_s;
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < r->n_copies; i++) {
    t0 = fmin(t0, r->copies[i].start_s);
    t1 = fmax(t1, r->copies[i].end_s);
  }
  out->t0_s = t0;
  out->bucket_s = bucket_s;
  out->n = (size_t)ceil((t1 - t0) / bucket_s - 1e-9);
  if (out->n == 0)
    out->n = 1;
  out->MBps = calloc(out->n, sizeof(double));
  out->active = calloc(out->n, sizeof(double));
  if (!out->MBps || !out->active) {
    vs_pool_traffic_clear(out);
    return vs_error_set(VS_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < r->n_copies; i++) {
    const vs_pool_copy *c = &r->copies[i];
    double span = c->end_s - c->start_s;
    if (span <= 0)
      continue;
    size_t b0 = (size_t)((c->start_s - t0) / bucket_s), b1 = (size_t)((c->end_s - t0) / bucket_s);
    for (size_t b = b0; b <= b1 && b < out->n; b++) {
      double lo = fmax(c->start_s, t0 + (double)b * bucket_s), hi = fmin(c->end_s, t0 + (double)(b + 1) * bucket_s);
      if (hi <= lo)
        continue;
      out->MBps[b] += c->bytes * (hi - lo) / span / bucket_s / 1e6;
      out->active[b] += (hi - lo) / bucket_s;
    }
  }
  return VS_OK;
}

void vs_pool_traffic_clear(vs_pool_traffic *t)
{
  free(t->MBps);
  free(t->active);
  memset(t, 0, sizeof(*t));
}

/* ---- the pool-size search ---- */

int vs_pool_search_init(vs_pool_search *s, const vs_pool_spec *spec, double target_s)
{
  memset(s, 0, sizeof(*s));
  s->n = spec->n_images;
  s->target_s = target_s;
  s->size = calloc(s->n, sizeof(int));
  s->lo = calloc(s->n, sizeof(int));
  s->hi = calloc(s->n, sizeof(int));
  s->found = calloc(s->n, sizeof(int));
  s->never_dry = calloc(s->n, sizeof(int));
  if (!s->size || !s->lo || !s->hi || !s->found || !s->never_dry) {
    vs_pool_search_clear(s);
    return vs_error_set(VS_ENOMEM, "out of memory");
  }
  /* A pool as large as the requests that take from it never runs dry. */
  for (size_t i = 0; i < spec->n_requests; i++) {
    s->hi[spec->requests[i].system]++;
    s->hi[spec->requests[i].user]++;
  }
  for (size_t k = 0; k < s->n; k++) {
    s->lo[k] = 1;
    if (s->hi[k] < 1)
      s->hi[k] = 1;
    s->size[k] = s->never_dry[k] = s->hi[k];
  }
  return VS_OK;
}

/* The next kind whose range is still open, from s->kind on; s->n: none. */
static void next_open_kind(vs_pool_search *s)
{
  while (s->kind < s->n && s->lo[s->kind] >= s->hi[s->kind]) {
    s->found[s->kind] = s->hi[s->kind];
    s->kind++;
  }
}

const int *vs_pool_search_next(vs_pool_search *s)
{
  if (s->phase == 0)
    return s->size; /* all at hi */
  if (s->phase == 1) {
    next_open_kind(s);
    if (s->kind < s->n) {
      /* The other kinds at their never-dry size (their hi before the
       * search narrowed it is kept in `never_dry`); this one at the middle. */
      for (size_t k = 0; k < s->n; k++)
        s->size[k] = s->never_dry[k];
      s->size[s->kind] = s->lo[s->kind] + (s->hi[s->kind] - s->lo[s->kind]) / 2;
      return s->size;
    }
    s->phase = 2;
    memcpy(s->size, s->found, s->n * sizeof(int));
  }
  if (s->phase == 2)
    return s->size;
  return NULL;
}

void vs_pool_search_report(vs_pool_search *s, double p95_s, const double *empty_s)
{
  int ok = p95_s <= s->target_s;
  s->runs++;
  if (s->phase == 0) {
    s->feasible = ok;
    s->phase = ok ? 1 : 3;
    return;
  }
  if (s->phase == 1) {
    int mid = s->size[s->kind];
    if (ok)
      s->hi[s->kind] = mid;
    else
      s->lo[s->kind] = mid + 1;
    return;
  }
  if (s->phase == 2) {
    if (ok) {
      memcpy(s->found, s->size, s->n * sizeof(int));
      s->phase = 3;
      return;
    }
    /* Together they miss: the kind that was empty longest grows by one. */
    size_t worst = s->n;
    for (size_t k = 0; k < s->n; k++)
      if (s->size[k] < (int)VS_POOL_MAX_COUNT && (worst == s->n || empty_s[k] > empty_s[worst]))
        worst = k;
    if (worst == s->n) {
      s->feasible = 0;
      s->phase = 3;
      return;
    }
    s->size[worst]++;
  }
}

void vs_pool_search_clear(vs_pool_search *s)
{
  free(s->size);
  free(s->lo);
  free(s->hi);
  free(s->found);
  free(s->never_dry);
  memset(s, 0, sizeof(*s));
}
