/* The HTML report of a main job (run, report): the figures' CSVs, the
 * figures (SVG, gnuplot), the plan and sweep what-ifs and index.html, all
 * written into the job's result folder before it is moved into place. */
#ifndef VS_CLI_REPORT_OUT_H
#define VS_CLI_REPORT_OUT_H

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "mainjob.h"
#include "report/figdata.h"

typedef struct vs_cli_report {
  const cJSON *plan;             /* --plan DIR's plan.json, read before the run; NULL: none given */
  const vs_figdata_sweep *sweep; /* --sweep DIR's sweep.csv, read before the run; NULL: none given */
  int search_plan;               /* no --plan: run `vdistorm plan` when the scenario has a plan: section */
  int soft;                      /* a report that cannot be drawn is a warning, not a failure (run) */
  /* Filled by vs_cli_report_write: */
  cJSON *searched;               /* the plan `vdistorm plan` found (free with vs_cli_report_clear) */
  char plan_note[256];           /* why there is no plan section ("" when there is one) */
  char forecast_text[512];       /* the forecast figure's evaluation, or */
  char forecast_note[512];       /* why there is none */
} vs_cli_report;
#define VS_CLI_REPORT_INIT {.plan = NULL, .sweep = NULL, .search_plan = 1, .soft = 0, .searched = NULL}
void vs_cli_report_clear(vs_cli_report *rep);

/* DIR/plan.json as `vdistorm plan --json -o DIR` writes it; bad input is
 * one line naming the file (VS_EINPUT). */
int vs_cli_report_load_plan(const char *dir, cJSON **out);
/* DIR/sweep.csv as `vdistorm sweep -o DIR` writes it. */
int vs_cli_report_load_sweep(const char *dir, vs_figdata_sweep *out);
/* Whether the scenario file declares a top-level `plan:` section. */
int vs_cli_report_has_plan_section(const char *scenario_path);

/* Everything above into `d` (the main job's CSVs are already there). */
int vs_cli_report_write(vs_outdir *d, vs_cli_report *rep, vs_main_job *a);
/* The answer paragraph, as plain text. */
int vs_cli_report_answer(const vs_main_job *a, const vs_cli_report *rep, vs_buf *out);

#endif
