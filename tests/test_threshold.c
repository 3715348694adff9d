/* The threshold search against a synthetic model whose answer is known:
 * linear and fast searches must agree, for every place the storm can start.
 * usage: test_threshold SCENARIOS_DIR */
#include "check.h"
#include "core/error.h"
#include "scenario/placement.h"
#include "scenario/scenario.h"
#include "plan/threshold.h"

typedef struct {
  const vs_scenario *sc;
  int cpu_trips_at; /* the CPU reaches 100 % from this k on */
  int calls;
  int max_seen;
} fake;

static int simulate(void *ctx, int k, vs_threshold_measure *m)
{
  fake *f = ctx;
  f->calls++;
  if (k > f->max_seen)
    f->max_seen = k;
  m->all_ready_s = 58.0 * vs_placement_max_per_disk(f->sc, k); /* exactly the linear trend */
  m->mean_ready_s = 58.0 * (k + 1) / 2;
  m->peak_cpu_util = k >= f->cpu_trips_at ? 1.0 : 0.5 * k / f->cpu_trips_at;
  m->mean_disk_MBps = 10.9;
  m->peak_link_util = 0;
  return VS_OK;
}

static int search(const vs_scenario *sc, vs_threshold_search_mode mode, int cpu_at, int max_k, vs_threshold_result *res,
                  fake *f)
{
  vs_threshold_options o = VS_THRESHOLD_OPTIONS_INIT;
  o.mode = mode;
  o.max_k = max_k;
  f->sc = sc;
  f->cpu_trips_at = cpu_at;
  f->calls = f->max_seen = 0;
  return vs_threshold_search(sc, &o, simulate, f, res);
}

static vs_scenario *load(const char *dir, const char *name)
{
  char path[1024];
  vs_scenario *sc = NULL;
  snprintf(path, sizeof(path), "%s/%s.yaml", dir, name);
  if (vs_scenario_load(&sc, path) != VS_OK)
    fprintf(stderr, "%s\n", vs_error_last());
  return sc;
}

int main(int argc, char **argv)
{
  if (argc < 2)
    return 2;
  vs_scenario *single = load(argv[1], "braids-single-hdd"), *nas = load(argv[1], "braids-case-study");
  CHECK(single && nas);
  if (!single || !nas)
    return CHECK_DONE();

  /* Placement on the case study: one VM per HDD up to 10, all behind one uplink. */
  CHECK(vs_placement_max_per_disk(nas, 10) == 1);
  CHECK(vs_placement_max_per_disk(nas, 11) == 2);
  CHECK(vs_placement_max_per_disk(nas, 70) == 7);
  CHECK(vs_placement_max_per_link(nas, 70) == 70);
  CHECK(vs_placement_max_per_link(single, 5) == 0);
  CHECK(vs_placement_max_per_disk(single, 5) == 5);

  /* Single HDD: only the CPU (and slowdown) can stop the search. */
  int cpu_at[] = {1, 2, 5, 11, 16, 17, 18, 33, 100, 1000};
  for (size_t i = 0; i < sizeof(cpu_at) / sizeof(cpu_at[0]); i++) {
    vs_threshold_result lin, fast, aut;
    fake f;
    CHECK(search(single, VS_SEARCH_LINEAR, cpu_at[i], 0, &lin, &f) == VS_OK);
    int linear_calls = f.calls;
    CHECK(search(single, VS_SEARCH_FAST, cpu_at[i], 0, &fast, &f) == VS_OK);
    int fast_calls = f.calls;
    CHECK(search(single, VS_SEARCH_AUTO, cpu_at[i], 0, &aut, &f) == VS_OK);
    CHECK_MSG(lin.threshold == cpu_at[i] - 1, "cpu at %d: linear says %d", cpu_at[i], lin.threshold);
    CHECK_MSG(fast.threshold == lin.threshold, "cpu at %d: fast %d vs linear %d", cpu_at[i], fast.threshold,
              lin.threshold);
    CHECK_MSG(aut.threshold == lin.threshold, "cpu at %d: auto %d vs linear %d", cpu_at[i], aut.threshold,
              lin.threshold);
    CHECK(lin.limits == VS_LIMIT_CPU && fast.limits == VS_LIMIT_CPU);
    if (cpu_at[i] >= 100)
      CHECK_MSG(fast_calls * 4 < linear_calls, "cpu at %d: fast used %d simulations, linear %d", cpu_at[i],
                fast_calls, linear_calls);
    vs_threshold_result_clear(&lin);
    vs_threshold_result_clear(&fast);
    vs_threshold_result_clear(&aut);
  }

  /* Case study: the HDD limit caps the search at 10 without simulating past 11. */
  {
    vs_threshold_result res;
    fake f;
    CHECK(search(nas, VS_SEARCH_FAST, 1000, 0, &res, &f) == VS_OK);
    CHECK(res.threshold == 10);
    CHECK(res.limits & VS_LIMIT_HDD);
    CHECK_MSG(f.max_seen == 11, "simulated up to %d", f.max_seen);
    vs_threshold_result_clear(&res);
    CHECK(search(nas, VS_SEARCH_LINEAR, 7, 0, &res, &f) == VS_OK);
    CHECK(res.threshold == 6 && res.limits == VS_LIMIT_CPU);
    vs_threshold_result_clear(&res);
  }

  /* No limit up to --max-k: capped, not a threshold. */
  {
    vs_threshold_result res;
    fake f;
    CHECK(search(single, VS_SEARCH_AUTO, 1000, 40, &res, &f) == VS_OK);
    CHECK(res.capped && res.threshold == 40 && f.max_seen == 40);
    vs_threshold_result_clear(&res);
  }

  char buf[64];
  CHECK(!strcmp(vs_threshold_limits_format(VS_LIMIT_HDD | VS_LIMIT_LINK, buf, sizeof(buf)), "hdd+link"));
  CHECK(!strcmp(vs_threshold_limits_format(0, buf, sizeof(buf)), "none"));

  vs_scenario_free(single);
  vs_scenario_free(nas);
  return CHECK_DONE();
}
