/* A sweep spread over MPI ranks: every rank runs its share of the points as
 * child processes (as a local sweep does), then rank 0 gathers the rows.
 * The only file that includes mpi.h; without MPI at build time (VS_MPI
 * undefined) the functions say so. */
#include "study/sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"

/* mpirun of Open MPI, or MPICH's hydra: more than one rank. */
int vs_sweep_mpi_wanted(void)
{
  const char *n = getenv("OMPI_COMM_WORLD_SIZE");
  if (!n)
    n = getenv("PMI_SIZE");
  return n && atoi(n) > 1;
}

#ifdef VS_MPI
#include <mpi.h>

int vs_sweep_mpi_available(void) { return 1; }

int vs_sweep_mpi_init(vs_sweep_mpi *m)
{
  int on = 0;
  MPI_Initialized(&on);
  if (!on && MPI_Init(NULL, NULL) != MPI_SUCCESS)
    return vs_error_set(VS_ERROR, "MPI_Init failed");
  MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
  MPI_Comm_size(MPI_COMM_WORLD, &m->size);
  return VS_OK;
}

void vs_sweep_mpi_finalize(void)
{
  int on = 0, off = 0;
  MPI_Initialized(&on);
  MPI_Finalized(&off);
  if (on && !off)
    MPI_Finalize();
}

int vs_sweep_mpi_agree(const vs_sweep_mpi *m, int rc)
{
  /* Codes are <= 0: the minimum is a failure whenever one rank failed. */
  int all = rc;
  (void)m;
  MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (all != VS_OK && rc == VS_OK)
    return vs_error_set(all, "another MPI rank failed (%d)", all);
  return all != VS_OK ? rc : VS_OK;
}

int vs_sweep_mpi_share_done(const vs_sweep_mpi *m, vs_sweep_job *jobs, size_t n)
{
  unsigned char *done = calloc(n ? n : 1, 1);
  if (!done)
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (size_t i = 0; m->rank == 0 && i < n; i++)
    done[i] = jobs[i].result.done != 0;
  MPI_Bcast(done, (int)n, MPI_UNSIGNED_CHAR, 0, MPI_COMM_WORLD);
  for (size_t i = 0; i < n; i++)
    jobs[i].result.done = done[i];
  free(done);
  return VS_OK;
}

/* What a rank sends rank 0: its code and message, then its results. */
typedef struct {
  int rc;
  unsigned long ran;
  char message[1024];
} vs_rank_report;

typedef struct {
  unsigned long job;
  vs_sweep_result result;
} vs_rank_row;

/* The caller's progress callback gets its own job numbers back. */
typedef struct {
  const vs_sweep_run_options *o;
  vs_sweep_job *jobs, *mine;
  const size_t *index;
} vs_rank_jobs;

static void rank_done(void *ctx, size_t job)
{
  vs_rank_jobs *t = ctx;
  t->jobs[t->index[job]].result = t->mine[job].result;
  t->o->on_done(t->o->ctx, t->index[job]);
}

int vs_sweep_mpi_run(const vs_sweep_mpi *m, vs_sweep_job *jobs, size_t n, const vs_sweep_run_options *o,
                     size_t *ran)
{
  vs_sweep_job *mine = calloc(n ? n : 1, sizeof(*mine));
  size_t *index = calloc(n ? n : 1, sizeof(*index)), k = 0, todo = 0, mine_ran = 0;
  vs_rank_row *rows = NULL, *all_rows = NULL;
  vs_rank_report rep = {0}, *reports = NULL;
  int *counts = NULL, *displs = NULL, rc = VS_OK;

  if (!mine || !index) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  /* Round robin over the points still to run, so every rank gets a share
   * even when a resumed sweep has finished the first ones. */
  for (size_t i = 0; i < n; i++) {
    if (jobs[i].result.done)
      continue;
    if ((int)(todo++ % (size_t)m->size) == m->rank) {
      mine[k] = jobs[i];
      index[k++] = i;
    }
  }
  vs_rank_jobs t = {.o = o, .jobs = jobs, .mine = mine, .index = index};
  vs_sweep_run_options local = *o;
  if (o->on_done) {
    local.on_done = rank_done;
    local.ctx = &t;
  }
  rep.rc = vs_sweep_run_jobs(mine, k, &local, &mine_ran);
  rep.ran = mine_ran;
  if (rep.rc != VS_OK)
    snprintf(rep.message, sizeof(rep.message), "%s", vs_error_last());
  /* Wait for the other ranks without spinning: Open MPI's blocking calls
   * busy-poll, which would take a processor from the other ranks' children. */
  MPI_Request req;
  int arrived = 0;
  MPI_Ibarrier(MPI_COMM_WORLD, &req);
  while (MPI_Test(&req, &arrived, MPI_STATUS_IGNORE) == MPI_SUCCESS && !arrived)
    nanosleep(&(struct timespec){0, 20000000}, NULL);
  if (!(rows = calloc(k ? k : 1, sizeof(*rows)))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  size_t nr = 0;
  for (size_t i = 0; i < k; i++)
    if (mine[i].result.done)
      rows[nr++] = (vs_rank_row){.job = index[i], .result = mine[i].result};

  if (m->rank == 0 && (!(reports = calloc((size_t)m->size, sizeof(*reports))) ||
                       !(counts = calloc((size_t)m->size, sizeof(int))) ||
                       !(displs = calloc((size_t)m->size, sizeof(int))))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Gather(&rep, (int)sizeof(rep), MPI_BYTE, reports, (int)sizeof(rep), MPI_BYTE, 0, MPI_COMM_WORLD);
  int bytes = (int)(nr * sizeof(vs_rank_row)), total = 0;
  MPI_Gather(&bytes, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (m->rank == 0) {
    for (int r = 0; r < m->size; r++) {
      displs[r] = total;
      total += counts[r];
    }
    if (!(all_rows = malloc(total ? (size_t)total : 1)))
      MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Gatherv(rows, bytes, MPI_BYTE, all_rows, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD);
  if (m->rank == 0) {
    size_t got = (size_t)total / sizeof(vs_rank_row);
    if (ran)
      *ran = 0;
    for (size_t i = 0; i < got; i++)
      if (all_rows[i].job < n)
        jobs[all_rows[i].job].result = all_rows[i].result;
    for (int r = 0; r < m->size; r++) {
      if (ran)
        *ran += reports[r].ran;
      if (reports[r].rc != VS_OK && rc == VS_OK)
        rc = vs_error_set(reports[r].rc, "%s", reports[r].message);
    }
    /* A signal seen by any rank is the sweep's interruption. */
    for (int r = 0; r < m->size; r++)
      if (reports[r].rc == VS_EINTR)
        rc = vs_error_set(VS_EINTR, "%s", reports[r].message);
  } else {
    for (size_t i = 0; i < k; i++)
      jobs[index[i]].result = mine[i].result;
    rc = rep.rc;
    if (ran)
      *ran = mine_ran;
  }

cleanup:
  free(mine);
  free(index);
  free(rows);
  free(all_rows);
  free(reports);
  free(counts);
  free(displs);
  return rc;
}

#else

int vs_sweep_mpi_available(void) { return 0; }

static int no_mpi(void)
{
  return vs_error_set(VS_EINPUT, "this vdistorm was built without MPI (install libopenmpi-dev and rebuild), "
                      "so a sweep cannot run under mpirun; run it without mpirun");
}

int vs_sweep_mpi_init(vs_sweep_mpi *m)
{
  m->rank = 0;
  m->size = 1;
  return no_mpi();
}
void vs_sweep_mpi_finalize(void) {}
int vs_sweep_mpi_agree(const vs_sweep_mpi *m, int rc)
{
  (void)m;
  return rc;
}
int vs_sweep_mpi_share_done(const vs_sweep_mpi *m, vs_sweep_job *jobs, size_t n)
{
  (void)m, (void)jobs, (void)n;
  return no_mpi();
}
int vs_sweep_mpi_run(const vs_sweep_mpi *m, vs_sweep_job *jobs, size_t n, const vs_sweep_run_options *o,
                     size_t *ran)
{
  (void)m, (void)jobs, (void)n, (void)o, (void)ran;
  return no_mpi();
}

#endif
