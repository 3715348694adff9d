/* A sweep's rows as CSV (OUT/sweep.csv): one row per grid point, in grid
 * order -- the varied keys (one column each, named by the key path, values
 * as given), `threshold`, `limit`, then per policy that `run` reports
 * `<policy>.on_time`, `.makespan_s`, `.idle_vm_min`, `.storm`. Written whole
 * and atomically (temporary file + rename); read back for --resume. */
#ifndef VS_SWEEPCSV_H
#define VS_SWEEPCSV_H

#include "study/sweep.h"

/* The rows of the jobs that are done (job i is grid point i). */
int vs_sweepcsv_write(const char *path, const vs_sweep *s, const vs_sweep_job *jobs);
/* Mark the grid points whose rows `path` holds as done, with their
 * figures. A missing file is no row; a file with other columns is
 * VS_EINPUT ("FILE:1: ..."). Rows of points outside the grid are left out. */
int vs_sweepcsv_read(const char *path, const vs_sweep *s, vs_sweep_job *jobs);

#endif
