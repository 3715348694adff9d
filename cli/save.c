#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "report/json.h"
#include "report/outdir.h"

int vs_cli_save(const vs_cli_common *o, const char *final, const cJSON *summary, int (*write)(vs_outdir *d, void *ctx),
                void *ctx)
{
  vs_outdir *d = NULL;
  int rc;
  if (o->no_save)
    return VS_OK;
  if ((rc = vs_outdir_open(&d, final, NULL, o->force)) == VS_OK && (rc = vs_json_write(d, "summary.json", summary)) == VS_OK &&
      (!write || (rc = write(d, ctx)) == VS_OK) && (rc = vs_outdir_commit(d)) == VS_OK && !o->json)
    printf("results: %s/\n", vs_outdir_path(d));
  vs_outdir_free(d);
  return rc;
}

int vs_cli_run_job(const vs_cli_common *o, const vs_scenario *sc, vs_cli_progress *progress, const vs_cli_job *job,
                   void *payload)
{
  char *final = NULL;
  int rc;
  /* A result folder that may not be replaced stops the run before it starts. */
  if (!o->no_save && (rc = vs_outdir_check(o->out_dir, sc->name, o->force, &final)) != VS_OK) {
    vs_cli_progress_done(progress);
    return rc;
  }
  rc = job->live ? vs_cli_live(sc, o, progress, job->study, payload)
                 : vs_cli_simulate(sc, o, progress, job->study, payload);
  vs_cli_progress_done(progress);
  if (rc != VS_OK) {
    free(final);
    return rc;
  }
  cJSON *summary = job->summary(payload);
  if (!summary)
    return vs_error_set(VS_ENOMEM, "out of memory");
  /* A job with a report prints its JSON after saving, so that it can name
   * the report ("report": PATH; summary.json is written without it). */
  int json_after = o->json && job->index && !o->no_save;
  if (o->json && !json_after)
    vs_json_print(summary);
  else if (!o->json)
    job->text(payload);
  rc = vs_cli_save(o, final, summary, job->write, payload);
  if (rc == VS_OK && !o->no_save && job->index) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", final, job->index);
    int written = access(path, F_OK) == 0;
    if (written && json_after)
      cJSON_AddStringToObject(summary, "report", path);
    else if (written)
      printf("report: %s\n", path);
  }
  if (rc == VS_OK && json_after)
    vs_json_print(summary);
  cJSON_Delete(summary);
  free(final);
  return rc;
}
