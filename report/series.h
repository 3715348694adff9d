/* CSV files of a result folder: time series, per-VM tables, per-resource
 * series, threshold steps and schedules. Column names carry their units. */
#ifndef VS_SERIES_H
#define VS_SERIES_H

#include "backend/backend.h"
#include "plan/schedule.h"
#include "report/outdir.h"
#include "study/threshold.h"

/* PREFIXtimeseries.csv, PREFIXvms.csv, PREFIXhosts.csv, PREFIXdisks.csv and
 * (NAS storage) PREFIXlinks.csv of one experiment. */
int vs_series_write_boot(vs_outdir *d, const char *prefix, const vs_scenario *sc, const vs_boot_result *r);
/* PREFIXsteps.csv, and the experiments of the threshold step and the step
 * past it (PREFIXkN-...), which tell the storm's story. */
int vs_series_write_threshold(vs_outdir *d, const char *prefix, const vs_scenario *sc, const vs_study_threshold *t);
/* Every kept experiment of a threshold study (live runs keep them all). */
int vs_series_write_threshold_all(vs_outdir *d, const char *prefix, const vs_scenario *sc,
                                  const vs_study_threshold *t);
/* A schedule CSV in the folder. */
int vs_series_write_schedule(vs_outdir *d, const char *name, const vs_scenario *sc, const vs_schedule *s);

#endif
