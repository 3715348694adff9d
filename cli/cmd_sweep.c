/* vdistorm sweep: one `vdistorm run` per point of a grid of scenario
 * overrides, as child processes several at once (study/sweep), or spread
 * over MPI ranks under mpirun; one CSV row per point (report/sweepcsv). */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/interrupt.h"
#include "report/json.h"
#include "report/outdir.h"
#include "report/sweepcsv.h"
#include "study/sweep.h"

enum { OPT_VARY = VS_OPT_FIRST_OWN, OPT_RESUME };
#define MAX_VARY VS_SWEEP_MAX_AXES

typedef struct {
  const char *vary[MAX_VARY];
  int n_vary;
  int jobs;
  int resume;
} sweep_args;

typedef struct {
  const vs_sweep *grid;
  vs_sweep_job *jobs;
  const char *csv;
  vs_cli_progress *progress;
  size_t done, total, before;
  int write_failed;
} sweep_run;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm sweep SCENARIO --vary KEY=VALUES [--vary ...] [-j N] [--resume] [-o DIR]\n"
          "                      [--set KEY=VALUE ...] [--json] [-q]\n\n"
          "What-if sweep: one 'vdistorm run SCENARIO --set KEY=VALUE ...' per point of the grid\n"
          "of the --vary values (every combination), each in its own process, N at once.\n"
          "  --vary KEY=V1,V2,...     values as in the scenario file, units may mix (1Gbps,10Gbps)\n"
          "  --vary KEY=A..B[:STEP]   a range of whole numbers (4..20, 4..20:4) or of quantities\n"
          "                           in one unit (1Gbps..4Gbps:1Gbps; STEP defaults to 1 of it)\n"
          "                           KEY is a scenario key path: storage.hdds, hosts.cores,\n"
          "                           storage.link_bw, hdd.read_bw, workload.classes[0].share\n"
          "  --set KEY=VALUE          the same override for every point (KEY+=N adds N)\n"
          "  -j N, --jobs N           simulations at once (default: the processors online; under\n"
          "                           mpirun, per rank: the processors shared by the node's ranks)\n"
          "  --resume                 keep the rows DIR/sweep.csv already holds, run the rest\n"
          "  -o DIR                   the sweep's folder (default results/runs/<scenario>-sweep-<time>;\n"
          "                           required under mpirun)\n"
          "DIR/sweep.csv has one row per point in grid order: the varied keys, threshold, limit,\n"
          "and per policy (jit, braids-waves, all-at-once) on_time, makespan_s, idle_vm_min,\n"
          "storm; it is rewritten atomically as each point finishes, so an interrupted sweep\n"
          "keeps every finished point (--resume completes it). DIR/points/<point>/ holds each\n"
          "run's result folder. Under 'mpirun -n R vdistorm sweep ...' the points are shared out\n"
          "over the R ranks and rank 0 writes sweep.csv.\n"
          "--json prints {\"points\":N,\"run\":N,\"resumed\":N,\"dir\":...,\"csv\":...}.\n");
}

static int option(void *ctx, int opt, const char *arg)
{
  sweep_args *a = ctx;
  switch (opt) {
  case OPT_VARY:
    if (a->n_vary >= MAX_VARY)
      return vs_error_set(VS_EINPUT, "--vary: at most %d keys vary at once", MAX_VARY);
    a->vary[a->n_vary++] = arg;
    return 1;
  case 'j': return vs_cli_int_arg("--jobs", arg, 1, 1024, &a->jobs) == VS_OK ? 1 : -1;
  case OPT_RESUME: a->resume = 1; return 1;
  }
  return 0;
}

/* Rows reach the disk as points finish: an interrupted sweep loses none. */
static void point_done(void *ctx, size_t job)
{
  sweep_run *r = ctx;
  (void)job;
  r->done++;
  if (vs_sweepcsv_write(r->csv, r->grid, r->jobs) != VS_OK)
    r->write_failed = 1;
  vs_cli_progress_count(r->progress, r->done, r->total, r->before);
}

static int jobs_per_rank(int jobs, int mpi)
{
  const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (jobs > 0)
    return jobs;
  if (n < 1)
    n = 1;
  if (mpi && local && atoi(local) > 1)
    n = n / atoi(local) > 1 ? n / atoi(local) : 1;
  return (int)n;
}

/* The sweep's folder: created (with the marker of a vdistorm folder) and,
 * unless resuming, a sweep.csv with the header only. */
static int prepare_dir(const char *dir, const char *csv, const vs_sweep *grid, vs_sweep_job *jobs, int resume)
{
  char p[4096];
  int rc;
  snprintf(p, sizeof(p), "%s/points", dir);
  if ((rc = vs_fs_mkdir_p(p)) != VS_OK)
    return rc;
  snprintf(p, sizeof(p), "%s/%s", dir, VS_OUTDIR_MARKER);
  if ((rc = vs_fs_write_atomic(p, "sweep\n", 6)) != VS_OK)
    return rc;
  if (resume)
    return vs_sweepcsv_read(csv, grid, jobs);
  return vs_sweepcsv_write(csv, grid, jobs);
}

static void print_text(const vs_sweep *grid, const vs_sweep_job *jobs, const char *csv)
{
  size_t n = vs_sweep_n_points(grid), axes = vs_sweep_n_axes(grid);
  for (size_t a = 0; a < axes; a++)
    printf("%-16s ", vs_sweep_axis_key(grid, a));
  printf("%9s %-10s %8s %10s %6s\n", "threshold", "limit", "on time", "makespan", "storm");
  for (size_t i = 0; i < n; i++) {
    const vs_sweep_result *r = &jobs[i].result;
    for (size_t a = 0; a < axes; a++)
      printf("%-16s ", vs_sweep_value(grid, i, a));
    if (!r->done) {
      printf("%9s\n", "-");
      continue;
    }
    if (isnan(r->pol[0].on_time)) /* no workload: a threshold only */
      printf("%9d %-10s %8s %10s %6s\n", r->threshold, r->limit, "-", "-", "-");
    else
      printf("%9d %-10s %7.1f%% %8.0f s %6s\n", r->threshold, r->limit, 100 * r->pol[0].on_time,
             r->pol[0].makespan_s, r->pol[0].storm ? "YES" : "no");
  }
  printf("(on time, makespan and storm of the recommended jit schedule)\nresults: %s\n", csv);
}

/* Everything before the first output: options, scenario, grid, every
 * point's values, the folder's name (bad input stops here). */
static int prepare(const vs_cli_common *o, const sweep_args *a, int use_mpi, const char *path, vs_scenario **sc,
                   vs_sweep **grid, char **dir, vs_sweep_job **jobs)
{
  char name[256];
  int rc;
  if (!a->n_vary)
    return vs_error_set(VS_EINPUT, "sweep: nothing varies (give --vary KEY=VALUES; see vdistorm sweep --help)");
  if (o->no_save)
    return vs_error_set(VS_EINPUT, "sweep: --no-save: a sweep keeps its rows in its folder");
  if (use_mpi && !o->out_dir)
    return vs_error_set(VS_EINPUT, "sweep: under mpirun give the folder with -o DIR (every rank needs it)");
  if ((rc = vs_cli_load_scenario(o, sc)) != VS_OK || (rc = vs_sweep_create(grid)) != VS_OK)
    return rc;
  for (int i = 0; i < a->n_vary && rc == VS_OK; i++)
    rc = vs_sweep_vary(*grid, a->vary[i]);
  /* Every point's values are checked before anything is written. */
  if (rc != VS_OK || (rc = vs_sweep_check(*grid, path, (char *const *)o->set, (size_t)o->n_set)) != VS_OK)
    return rc;
  snprintf(name, sizeof(name), "%s-sweep", (*sc)->name);
  if ((rc = vs_outdir_check(o->out_dir, name, o->force, dir)) != VS_OK)
    return rc;
  return vs_sweep_jobs(*grid, (char *const *)o->set, (size_t)o->n_set, *dir, jobs);
}

static int run(int argc, char **argv)
{
  static const struct option options[] = {{"vary", required_argument, NULL, OPT_VARY},
                                          {"jobs", required_argument, NULL, 'j'},
                                          {"resume", no_argument, NULL, OPT_RESUME},
                                          {0}};
  vs_cli_common o = VS_CLI_COMMON_INIT;
  sweep_args a = {.jobs = 0};
  vs_cli_spec spec = {.cmd = &vs_cmd_sweep, .options = options, .short_options = "j:", .on_option = option,
                      .ctx = &a, .common = 1, .positional = 1};
  vs_scenario *sc = NULL;
  vs_sweep *grid = NULL;
  vs_sweep_job *jobs = NULL;
  vs_sweep_mpi mpi = {.rank = 0, .size = 1};
  char *dir = NULL, csv[4096];
  size_t n = 0, ran = 0, resumed = 0;
  int rc, exit_code = VS_EXIT_OK, use_mpi = vs_sweep_mpi_wanted();
  sweep_run r = {0};

  if ((rc = vs_cli_parse(argc, argv, &spec, &o)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  /* Under mpirun only rank 0 speaks; the others learn their rank first. */
  if (use_mpi && (rc = vs_sweep_mpi_init(&mpi)) != VS_OK)
    goto done;
  if (mpi.rank != 0)
    o.quiet = 1;
  const char *path = o.scenario_path ? o.scenario_path : vs_cli_default_scenario();
  if ((rc = prepare(&o, &a, use_mpi, path, &sc, &grid, &dir, &jobs)) == VS_OK)
    n = vs_sweep_n_points(grid);
  snprintf(csv, sizeof(csv), "%s/sweep.csv", dir ? dir : ".");
  /* Every rank checked the same input; the folder is made once all agree. */
  if (use_mpi)
    rc = vs_sweep_mpi_agree(&mpi, rc);
  if (rc == VS_OK && mpi.rank == 0)
    rc = prepare_dir(dir, csv, grid, jobs, a.resume);
  if (use_mpi && (rc = vs_sweep_mpi_agree(&mpi, rc)) == VS_OK)
    rc = vs_sweep_mpi_share_done(&mpi, jobs, n);
  if (rc != VS_OK)
    goto done;
  for (size_t i = 0; i < n; i++)
    resumed += jobs[i].result.done != 0;

  r = (sweep_run){.grid = grid, .jobs = jobs, .csv = csv, .total = n, .done = resumed, .before = resumed};
  r.progress = vs_cli_progress_new(&o);
  vs_cli_progress_phase(r.progress, "sweep %s", sc->name);
  vs_sweep_run_options ro = {.scenario = path, .jobs = jobs_per_rank(a.jobs, use_mpi),
                             .on_done = mpi.rank == 0 ? point_done : NULL, .ctx = &r};
  rc = use_mpi ? vs_sweep_mpi_run(&mpi, jobs, n, &ro, &ran) : vs_sweep_run_jobs(jobs, n, &ro, &ran);
  vs_cli_progress_done(r.progress);
  if (mpi.rank != 0)
    goto done;
  /* Under MPI the other ranks' rows arrive only now. Interrupted, the rows
   * of finished points are on disk already (and nothing is written once a
   * signal came: the atomic writer refuses). */
  int wrc = rc == VS_EINTR ? VS_OK : vs_sweepcsv_write(csv, grid, jobs);
  size_t finished = 0;
  for (size_t i = 0; i < n; i++)
    finished += jobs[i].result.done != 0;
  if (rc == VS_EINTR) {
    int sig = vs_interrupted();
    rc = vs_error_set(VS_EINTR, "interrupted by %s; %zu of %zu points done, their rows in %s (--resume runs the rest)",
                      sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "SIGINT", finished, n, csv);
    goto done;
  }
  if (rc == VS_OK && (wrc != VS_OK || r.write_failed))
    rc = wrc != VS_OK ? wrc : vs_error_set(VS_EIO, "%s: could not be written", csv);
  if (rc != VS_OK)
    goto done;
  if (o.json) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "points", (double)n);
    cJSON_AddNumberToObject(j, "run", (double)ran);
    cJSON_AddNumberToObject(j, "resumed", (double)resumed);
    cJSON_AddNumberToObject(j, "ranks", mpi.size);
    cJSON_AddStringToObject(j, "dir", dir);
    cJSON_AddStringToObject(j, "csv", csv);
    vs_json_print(j);
    cJSON_Delete(j);
  } else
    print_text(grid, jobs, csv);

done:
  if (rc != VS_OK)
    exit_code = mpi.rank == 0 ? vs_cli_fail(rc) : (rc == VS_EINTR ? vs_interrupt_exit_code() : VS_EXIT_FAIL);
  vs_sweep_jobs_free(jobs, n);
  vs_sweep_free(grid);
  vs_scenario_free(sc);
  free(dir);
  if (use_mpi)
    vs_sweep_mpi_finalize();
  return exit_code;
}

const vs_command vs_cmd_sweep = {"sweep", "what-if sweep: one run per point of a grid of --vary values (local or MPI)",
                                 run, help};
