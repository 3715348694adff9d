/* Running the threshold search on the simulator, and rendering it; shared by
 * `threshold` and `run`. */
#ifndef VS_THRESHOLD_REPORT_H
#define VS_THRESHOLD_REPORT_H

#include "cli.h"
#include "plan/threshold.h"

typedef struct {
  vs_sim *sim;
  vs_threshold_options opts;
  int progress;
  vs_threshold_result res;
  vs_boot_result **by_k; /* kept results, indexed by k (sparse) */
  int by_k_len;
} vs_threshold_run;

void vs_threshold_run_init(vs_threshold_run *run, vs_sim *sim, const vs_threshold_options *opts, int progress);
int vs_threshold_run_search(vs_threshold_run *run);
void vs_threshold_run_clear(vs_threshold_run *run);
/* The simulated result for k, or NULL. */
const vs_boot_result *vs_threshold_run_result(const vs_threshold_run *run, int k);

cJSON *vs_threshold_json(const vs_threshold_run *run);
/* The threshold JSON contract for any backend's search result. */
cJSON *vs_threshold_result_json(const vs_threshold_result *res, const char *scenario);
void vs_threshold_print(FILE *out, const vs_threshold_run *run);
int vs_threshold_write_csv(vs_outdir *d, const char *prefix, const vs_threshold_run *run);

/* Threshold options shared by commands that search: --search, --max-k, --extra. */
int vs_cli_threshold_option(vs_threshold_options *t, int argc, char **argv, int *i);

#endif
