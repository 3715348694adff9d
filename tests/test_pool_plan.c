/* models/plan/pool.c without a simulator: latency statistics, copy traffic
 * and the pool-size search against a known answer. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "plan/pool.h"

static vs_pool_spec *spec_of(int kinds, int requests)
{
  vs_pool_spec *s = calloc(1, sizeof(*s));
  s->n_images = (size_t)kinds;
  s->images = calloc((size_t)kinds, sizeof(*s->images));
  for (int k = 0; k < kinds; k++)
    s->images[k] = (vs_pool_image){.kind = k ? VS_POOL_USER : VS_POOL_SYSTEM, .size_B = 1e9, .count = 1};
  s->n_requests = (size_t)requests;
  s->requests = calloc((size_t)requests, sizeof(*s->requests));
  for (int i = 0; i < requests; i++)
    s->requests[i] = (vs_pool_request){.at_s = 9 * 3600.0 + i, .system = 0, .user = 1, .id = i};
  return s;
}

static void latency(void)
{
  vs_pool_spec *spec = spec_of(2, 20);
  vs_pool_result *r = vs_pool_result_new(spec);
  vs_pool_latency l;
  for (int i = 0; i < 20; i++)
    r->created_s[i] = r->arrival_s[i] + (i + 1); /* 1 .. 20 s */
  r->created_s[7] = NAN;                         /* never created */
  CHECK(vs_pool_latency_of(r, &l) == 0);
  CHECK(l.n == 19 && l.not_created == 1);
  CHECK_NEAR(l.min_s, 1, 1e-9);
  CHECK_NEAR(l.max_s, 20, 1e-9);
  /* Nearest rank over the 19 created (1..20 s without 8): the 10th is 11 s,
   * the ceil(0.95 x 19) = 19th is 20 s. */
  CHECK_NEAR(l.p50_s, 11, 1e-9);
  CHECK_NEAR(l.p95_s, 20, 1e-9);
  vs_pool_result_free(r);
  vs_pool_spec_free(spec);
}

static void traffic(void)
{
  vs_pool_spec *spec = spec_of(2, 1);
  vs_pool_result *r = vs_pool_result_new(spec);
  r->start_s = 0, r->end_s = 100;
  vs_pool_copy *c = vs_pool_result_add_copy(r);
  *c = (vs_pool_copy){.image = 0, .start_s = 10, .end_s = 30, .bytes = 200e6}; /* 10 MB/s for 20 s */
  vs_pool_traffic t;
  CHECK(vs_pool_traffic_of(r, 10, &t) == 0);
  CHECK(t.n == 10);
  CHECK_NEAR(t.MBps[0], 0, 1e-9);
  CHECK_NEAR(t.MBps[1], 10, 1e-9);
  CHECK_NEAR(t.MBps[2], 10, 1e-9);
  CHECK_NEAR(t.MBps[3], 0, 1e-9);
  CHECK_NEAR(t.active[1], 1, 1e-9);
  double sum = 0;
  for (size_t i = 0; i < t.n; i++)
    sum += t.MBps[i] * 10 * 1e6;
  CHECK_NEAR(sum, 200e6, 1);
  vs_pool_traffic_clear(&t);
  vs_pool_result_free(r);
  vs_pool_spec_free(spec);
}

/* A model whose answer is known: p95 meets the target exactly when kind 0
 * has at least 3 and kind 1 at least 2 (kinds do not interact). */
static double model(const int *size) { return size[0] >= 3 && size[1] >= 2 ? 10 : 1000; }

static void search(void)
{
  vs_pool_spec *spec = spec_of(2, 8);
  vs_pool_search s;
  const int *size;
  double empty[2] = {0, 0};
  CHECK(vs_pool_search_init(&s, spec, 60) == 0);
  CHECK(s.hi[0] == 8 && s.hi[1] == 8);
  while ((size = vs_pool_search_next(&s)) && s.runs < 100) {
    empty[0] = size[0] < 3 ? 100 : 0;
    empty[1] = size[1] < 2 ? 100 : 0;
    vs_pool_search_report(&s, model(size), empty);
  }
  CHECK(s.feasible);
  CHECK_MSG(s.found[0] == 3 && s.found[1] == 2, "found %d, %d", s.found[0], s.found[1]);
  CHECK_MSG(s.runs <= 10, "%d runs (bisection)", s.runs);
  vs_pool_search_clear(&s);
  /* A target nothing meets. */
  CHECK(vs_pool_search_init(&s, spec, 1) == 0);
  while ((size = vs_pool_search_next(&s)) && s.runs < 100)
    vs_pool_search_report(&s, model(size), empty);
  CHECK(!s.feasible && s.runs == 1);
  vs_pool_search_clear(&s);
  vs_pool_spec_free(spec);
}

int main(void)
{
  latency();
  traffic();
  search();
  return CHECK_DONE();
}
