/* What-if sweeps: one `vdistorm run` per point of a grid of scenario
 * overrides (`--vary KEY=LIST|A..B[:STEP]`), run as child processes
 * (SimGrid runs once per process) several at once, each summarised as one
 * row. The plan search (study/plan.h) runs its combinations through the
 * same children. MPI ranks share a sweep's points (study/sweep_mpi.c).
 * Callable without the CLI. */
#ifndef VS_STUDY_SWEEP_H
#define VS_STUDY_SWEEP_H

#include <stddef.h>

#define VS_SWEEP_MAX_AXES 16
#define VS_SWEEP_MAX_POINTS 100000
/* The policies `vdistorm run` reports, in its order. */
#define VS_SWEEP_N_POLICIES 3
extern const char *const vs_sweep_policies[VS_SWEEP_N_POLICIES];

/* One policy's validation, as `run --json` reports it. */
typedef struct {
  double on_time;        /* fraction of VMs ready by their deadline */
  double makespan_s;
  double idle_vm_min;    /* idle VM-minutes before use */
  double latest_ready_s; /* the last VM ready, s since midnight */
  double margin_s;       /* least (deadline - ready) over the VMs; < 0: late */
  int storm;
} vs_sweep_policy_result;

/* One point's summary. Plain data (MPI ranks send it as bytes). */
typedef struct {
  int done;
  int threshold;
  char limit[48];        /* the limits that bound the threshold, '+'-joined ("hdd+link"), or "none" */
  vs_sweep_policy_result pol[VS_SWEEP_N_POLICIES];
} vs_sweep_result;

/* ---- The grid ---------------------------------------------------------- */

typedef struct vs_sweep vs_sweep;
int vs_sweep_create(vs_sweep **out);
void vs_sweep_free(vs_sweep *s);
/* Add an axis: "KEY=V1,V2,..." (values as YAML writes them, units may mix:
 * "1Gbps,10Gbps") or "KEY=A..B[:STEP]" (whole numbers, or quantities with
 * one unit: "1Gbps..4Gbps:1Gbps"; STEP defaults to 1 of that unit).
 * VS_EINPUT "--vary ARG: what is wrong". */
int vs_sweep_vary(vs_sweep *s, const char *arg);
size_t vs_sweep_n_axes(const vs_sweep *s);
const char *vs_sweep_axis_key(const vs_sweep *s, size_t axis);
/* The values of an axis, in order (no value twice). */
size_t vs_sweep_axis_len(const vs_sweep *s, size_t axis);
const char *vs_sweep_axis_value(const vs_sweep *s, size_t axis, size_t k);
size_t vs_sweep_n_points(const vs_sweep *s);
/* Point `point`'s value on `axis` (the first axis varies slowest). */
const char *vs_sweep_value(const vs_sweep *s, size_t point, size_t axis);
/* "p0007-4-10Gbps": the point's index and values, safe as a folder name. */
void vs_sweep_point_name(const vs_sweep *s, size_t point, char *buf, size_t len);
/* Load the scenario with the `fixed` sets (--set) and every point's
 * overrides in this process (no simulation), so that a bad key or value stops the sweep before anything
 * runs: "--vary ARG: key.path: what is wrong". */
int vs_sweep_check(const vs_sweep *s, const char *scenario, char *const *fixed, size_t n_fixed);

/* ---- Running points as children ---------------------------------------- */

/* One simulation: `vdistorm run SCENARIO --set S... --json -q -o DIR`
 * (--no-save without a folder). */
typedef struct {
  char **sets;         /* "KEY=VALUE" or "KEY+=N" */
  size_t n_sets;
  char *dir;           /* result folder, or NULL */
  vs_sweep_result result; /* filled when it has run */
} vs_sweep_job;

typedef struct {
  const char *scenario;
  int jobs;                                   /* children at once; <= 0: the processors online */
  void (*on_done)(void *ctx, size_t job);     /* after each finished job (its result filled) */
  void *ctx;
} vs_sweep_run_options;
#define VS_SWEEP_RUN_OPTIONS_INIT {.scenario = NULL, .jobs = 0, .on_done = NULL, .ctx = NULL}

/* Run every job whose result is not done yet. A job whose child fails
 * (neither a summary nor exit 0/1) stops the run: the others are killed,
 * VS_ERROR "point DIR: why". A signal kills the children and returns
 * VS_EINTR; finished jobs keep their results. *ran counts children run. */
int vs_sweep_run_jobs(vs_sweep_job *jobs, size_t n, const vs_sweep_run_options *o, size_t *ran);

/* The grid's jobs: the `fixed` sets (--set, the same for every point),
 * then point i's, and OUT/points/<name> (dir NULL: no folders). Free with
 * vs_sweep_jobs_free. */
int vs_sweep_jobs(const vs_sweep *s, char *const *fixed, size_t n_fixed, const char *dir, vs_sweep_job **out);
void vs_sweep_jobs_free(vs_sweep_job *jobs, size_t n);

/* Parse `run --json` output into *r. */
int vs_sweep_parse_run(const char *json, vs_sweep_result *r);

/* ---- MPI (study/sweep_mpi.c) -------------------------------------------- */

/* Whether this process was started by mpirun with more than one rank. */
int vs_sweep_mpi_wanted(void);
/* Whether MPI support was built in. */
int vs_sweep_mpi_available(void);
typedef struct {
  int rank, size;
} vs_sweep_mpi;
/* MPI_Init (once); rank and size. */
int vs_sweep_mpi_init(vs_sweep_mpi *m);
void vs_sweep_mpi_finalize(void);
/* Rank 0's flags (done[i] != 0: skip job i) to every rank. */
int vs_sweep_mpi_share_done(const vs_sweep_mpi *m, vs_sweep_job *jobs, size_t n);
/* Run the jobs of this rank (job i belongs to rank i mod size among those
 * not done), then gather every result on rank 0. *rc_all is the first
 * failing rank's code (its message set on rank 0), *ran the children run
 * by all ranks. */
int vs_sweep_mpi_run(const vs_sweep_mpi *m, vs_sweep_job *jobs, size_t n, const vs_sweep_run_options *o,
                     size_t *ran);
/* Every rank's `rc` to every rank: VS_OK only when all are; otherwise the
 * lowest rank's failure (its code; the message stays where it was set).
 * Every rank must call it at the same point: it is the rendezvous that keeps
 * a failing rank from leaving the others waiting in a collective. */
int vs_sweep_mpi_agree(const vs_sweep_mpi *m, int rc);

#endif
