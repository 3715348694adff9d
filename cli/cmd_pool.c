/* vdistorm pool: desktop creation from an image pool (ETRI), against
 * copying on demand; pool sizes for a p95 target; background copies during
 * the morning's boots. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/units.h"
#include "report/pool.h"
#include "study/pool.h"
#include "study/threshold.h"
#include "study_opts.h"

enum { OPT_NO_POOL = VS_OPT_FIRST_OWN, OPT_RECOMMEND, OPT_P95, OPT_SIZE, OPT_NO_MORNING };

#define MAX_SIZE_ARGS VS_POOL_MAX_IMAGES

typedef struct {
  const vs_scenario *sc;
  vs_study_pool_options o;
  int p95_given, no_morning;
  const char *size_args[MAX_SIZE_ARGS];
  int n_size_args;
  int *sizes;
  vs_cli_progress *progress;
  vs_study_threshold threshold;
  vs_capacity cap;
  vs_study_pool study;
} pool_args;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm pool SCENARIO [--no-pool] [--recommend --p95 T] [--size KIND=N ...] [--no-morning]\n"
          "                     [--json] [-o DIR] [--no-save] [--force] [-q] [-v]\n\n"
          "Desktop creation from an image pool (the scenario's pool: section): each request\n"
          "passes the creation handler (one at a time) and takes a system and a user image\n"
          "from their pools at once; the preparer copies a replacement from the golden image\n"
          "in the background (pool.refill: immediate, off-peak or batched), as reads on the\n"
          "golden's disk and writes on the pool's disk (and transfers between NAS), sharing\n"
          "disks and links with everything else. The same requests are then simulated\n"
          "copying both images on demand. Reported: creation latency (min, p50, p95, max),\n"
          "how often and how long each pool was empty, the copies and their traffic.\n"
          "When the scenario has a workload, its jit schedule is simulated alone and with the\n"
          "pool's requests and copies during the same morning (threshold searched first).\n\n"
          "  --no-pool       only the creations copying on demand\n"
          "  --recommend     the smallest pool size per image kind that keeps the p95\n"
          "                  creation latency at most --p95 (a search; each candidate is\n"
          "                  simulated)\n"
          "  --p95 T         the target, a duration (60s, 2min)\n"
          "  --size KIND=N   simulate pool size N (0 .. %d) for image kind KIND instead of\n"
          "                  the scenario's count (repeatable)\n"
          "  --no-morning    skip the morning comparison\n"
          "  --json          {requests, latency_s:{min,p50,p95,max,mean}, pool_empty_s:{KIND:s},\n"
          "                  pool_empty_times:{KIND:n}, sizes:{KIND:n}, copied_bytes, copies,\n"
          "                  fill_s, no_pool:{same keys}, recommended:{KIND:n} (--recommend),\n"
          "                  boot_slowdown:{makespan_delta_s, last_ready_delta_s, late_vms_alone,\n"
          "                  late_vms_with_pool, ...} (with a workload)}\n"
          "  -o DIR          summary.json, pool-requests.csv, pool-copies.csv, pool-traffic.csv\n"
          "                  (copy MB/s per 10 s), pool-timeseries.csv and per-resource series;\n"
          "                  the same with no-pool- and morning-pool- (vdistorm plot DIR)\n"
          "  --no-save, --force, -q, -v   as for 'vdistorm boot'\n",
          VS_POOL_MAX_COUNT);
}

static int study(vs_backend *b, void *payload)
{
  pool_args *a = payload;
  int rc;
  if (a->o.morning) {
    if ((rc = vs_cli_measure_capacity(b, a->progress, &a->threshold, &a->cap)) != VS_OK)
      return rc;
  }
  vs_cli_progress_phase(a->progress, "image pool");
  return vs_study_pool_run_all(&a->study, b, a->o.morning ? &a->cap : NULL, &a->o);
}

static cJSON *summary(void *payload)
{
  pool_args *a = payload;
  return vs_json_pool(a->sc, &a->study, &a->o);
}

static void text(void *payload)
{
  pool_args *a = payload;
  vs_text_pool(stdout, a->sc, &a->study, &a->o);
}

static int write_outputs(vs_outdir *d, void *payload)
{
  pool_args *a = payload;
  return vs_series_write_pool(d, a->sc, &a->study);
}

static int option(void *ctx, int opt, const char *arg)
{
  pool_args *a = ctx;
  switch (opt) {
  case OPT_NO_POOL: a->o.no_pool_only = 1; return 1;
  case OPT_RECOMMEND: a->o.recommend = 1; return 1;
  case OPT_NO_MORNING: a->no_morning = 1; return 1;
  case OPT_P95:
    if (vs_unit_parse(arg, VS_UNIT_DURATION, &a->o.p95_target_s) != VS_OK || !(a->o.p95_target_s > 0))
      return vs_error_set(VS_EINPUT, "--p95: '%s' is not a positive duration (expected e.g. 60s or 2min)", arg);
    a->p95_given = 1;
    return 1;
  case OPT_SIZE:
    if (a->n_size_args == MAX_SIZE_ARGS)
      return vs_error_set(VS_EINPUT, "--size: more than %d given", MAX_SIZE_ARGS);
    a->size_args[a->n_size_args++] = arg;
    return 1;
  }
  return 0;
}

/* --size KIND=N, checked against the scenario's image kinds. */
static int parse_sizes(pool_args *a, const vs_scenario *sc)
{
  const vs_pool_spec *spec = sc->pool;
  if (!a->n_size_args)
    return VS_OK;
  if (!(a->sizes = malloc(spec->n_images * sizeof(int))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (size_t k = 0; k < spec->n_images; k++)
    a->sizes[k] = spec->images[k].count;
  for (int i = 0; i < a->n_size_args; i++) {
    char kind[128];
    const char *eq = strchr(a->size_args[i], '=');
    int k, rc;
    if (!eq || eq == a->size_args[i] || (size_t)(eq - a->size_args[i]) >= sizeof(kind))
      return vs_error_set(VS_EINPUT, "--size: '%s' is not KIND=N", a->size_args[i]);
    snprintf(kind, sizeof(kind), "%.*s", (int)(eq - a->size_args[i]), a->size_args[i]);
    if ((k = vs_pool_spec_find(spec, kind)) < 0)
      return vs_error_set(VS_EINPUT, "--size: '%s' is not an image kind of %s (expected a name of pool.golden)", kind,
                          sc->path);
    if ((rc = vs_cli_int_arg("--size", eq + 1, 0, VS_POOL_MAX_COUNT, &a->sizes[k])) < 0)
      return rc;
  }
  a->o.sizes = a->sizes;
  return VS_OK;
}

static int run(int argc, char **argv)
{
  static const struct option options[] = {{"no-pool", no_argument, NULL, OPT_NO_POOL},
                                          {"recommend", no_argument, NULL, OPT_RECOMMEND},
                                          {"p95", required_argument, NULL, OPT_P95},
                                          {"size", required_argument, NULL, OPT_SIZE},
                                          {"no-morning", no_argument, NULL, OPT_NO_MORNING},
                                          {0}};
  vs_cli_common o = VS_CLI_COMMON_INIT;
  pool_args a = {.o = VS_STUDY_POOL_OPTIONS_INIT};
  vs_cli_spec spec = {.cmd = &vs_cmd_pool, .options = options, .on_option = option, .ctx = &a, .common = 1,
                      .positional = 1};
  vs_scenario *sc = NULL;
  int rc, code = VS_EXIT_OK;

  if ((rc = vs_cli_parse(argc, argv, &spec, &o)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if (a.o.recommend != a.p95_given)
    return vs_cli_fail(vs_error_set(VS_EINPUT, "pool: --recommend and --p95 T go together"));
  if (a.o.recommend && a.o.no_pool_only)
    return vs_cli_fail(vs_error_set(VS_EINPUT, "pool: --recommend sizes the pool; it does not go with --no-pool"));
  if ((rc = vs_cli_load_scenario(&o, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  a.sc = sc;
  /* Bad input is reported before anything runs. */
  if (!sc->pool) {
    rc = vs_error_set(VS_EINPUT, "%s: no pool section (expected pool.golden and pool.requests; see docs/SCENARIO.md)",
                      sc->path);
    goto done;
  }
  if ((rc = parse_sizes(&a, sc)) != VS_OK)
    goto done;
  a.o.morning = sc->workload.len > 0 && !a.no_morning && !a.o.no_pool_only;
  a.progress = vs_cli_progress_new(&o);
  rc = vs_cli_run_job(&o, sc, a.progress,
                      &(vs_cli_job){.study = study, .summary = summary, .text = text, .write = write_outputs}, &a);
  if (rc == VS_OK && (a.study.main.latency.not_created || (a.o.recommend && !a.study.recommended_feasible)))
    code = VS_EXIT_FAIL;
done:
  if (rc != VS_OK)
    code = vs_cli_fail(rc);
  vs_study_pool_clear(&a.study);
  vs_study_threshold_clear(&a.threshold);
  free(a.sizes);
  vs_scenario_free(sc);
  return code;
}

const vs_command vs_cmd_pool = {"pool", "desktop creation from an image pool (ETRI) vs copying on demand", run, help};
