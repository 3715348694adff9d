/* The main job -- threshold search, then the recommended schedule and the
 * baselines it is compared with -- shared by `run` and `report`. */
#ifndef VS_CLI_MAINJOB_H
#define VS_CLI_MAINJOB_H

#include "cli.h"
#include "report/outdir.h"
#include "study/schedule.h"
#include "study/threshold.h"

/* The policies the main job compares; the first is the recommendation. */
#define VS_MAIN_POLICIES 3
extern const char *const vs_main_policies[VS_MAIN_POLICIES];

typedef struct {
  const vs_scenario *sc;
  vs_threshold_options topts;
  vs_cli_progress *progress;
  vs_study_threshold threshold;
  vs_capacity cap;
  vs_study_schedule runs[VS_MAIN_POLICIES];
  int workload;
  struct vs_cli_report *report;       /* write the HTML report too (NULL: no) */
  int report_written;                 /* set once index.html is in the folder */
} vs_main_job;

/* vs_cli_job callbacks over a vs_main_job. */
int vs_main_job_study(vs_backend *b, void *payload);
int vs_main_job_write(vs_outdir *d, void *payload);
cJSON *vs_main_job_summary(void *payload);
void vs_main_job_text(void *payload);
/* Exit code of a finished job: 1 when the recommendation leaves a VM late. */
int vs_main_job_exit(const vs_main_job *a);
void vs_main_job_clear(vs_main_job *a);

#endif
