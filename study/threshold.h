/* The threshold study: the BRAIDS search (models/plan/threshold) run on a
 * backend -- simulated or live -- keeping each k's experiment for reports. */
#ifndef VS_STUDY_THRESHOLD_H
#define VS_STUDY_THRESHOLD_H

#include "backend/backend.h"
#include "plan/capacity.h"
#include "plan/threshold.h"
#include "study/repeat.h"

typedef struct {
  vs_backend *backend;
  vs_threshold_result res;
  vs_boot_result **by_k; /* kept experiments, indexed by k (sparse) */
  int by_k_len;
  double class_boot_s[VS_MAX_CLASSES]; /* one VM of each class alone */
  vs_study_repeat repeat;
  double *all_ready_runs, *peak_cpu_runs; /* scratch: the runs of the step being measured */
  int failed_k;          /* first k at which a VM never became ready (live), 0 if none */
  char failure[512];     /* what the backend said about it */
} vs_study_threshold;

/* k VMs of the scenario's layout powered on at once (the threshold step,
 * and `vdistorm boot`), rp->n times (rp may be NULL: once); out[] receives
 * the runs. */
int vs_study_boot_at_once(vs_backend *b, int k, const vs_study_repeat *rp, vs_boot_result **out);

/* Search on `b`; opts->on_step (progress) receives the study as context
 * unless opts->on_step_ctx says otherwise. */
int vs_study_threshold_run(vs_study_threshold *t, vs_backend *b, const vs_threshold_options *opts,
                           const vs_study_repeat *rp);
/* The experiment of k, or NULL if k was not tried. */
const vs_boot_result *vs_study_threshold_result(const vs_study_threshold *t, int k);
/* The capacity the schedulers need, from a finished search. */
void vs_study_threshold_capacity(const vs_study_threshold *t, vs_capacity *cap);
void vs_study_threshold_clear(vs_study_threshold *t);

#endif
