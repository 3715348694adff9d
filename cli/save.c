#include "cli.h"
#include "core/error.h"
#include "report/json.h"
#include "report/outdir.h"

int vs_cli_save(const vs_cli_common *o, const vs_scenario *sc, const cJSON *summary,
                int (*write)(vs_outdir *d, void *ctx), void *ctx)
{
  vs_outdir *d = NULL;
  int rc;
  if (o->no_save)
    return VS_OK;
  if ((rc = vs_outdir_open(&d, o->out_dir, sc->name)) == VS_OK && (rc = vs_json_write(d, "summary.json", summary)) == VS_OK &&
      (!write || (rc = write(d, ctx)) == VS_OK) && (rc = vs_outdir_commit(d)) == VS_OK && !o->json)
    printf("results: %s/\n", vs_outdir_path(d));
  vs_outdir_free(d);
  return rc;
}
