/* The cheapest plan's renderings: the `plan --json` contract (also
 * OUT/plan.json, read by the HTML report), the text tables, and
 * OUT/plan.csv with the cost / latest-ready frontier. */
#ifndef VS_PLANOUT_H
#define VS_PLANOUT_H

#include <stdio.h>

#include "study/plan.h"

typedef struct cJSON cJSON;
typedef struct vs_outdir vs_outdir;

/* {"goal":{"on_time","storm","policy"},"combinations","simulated","pruned",
 *  "cheapest":[COMBO...],"frontier":[COMBO...],"closest":null|COMBO+"miss_s"}
 * COMBO = {"cost","options":{NAME:units},"threshold","limit","makespan_s",
 *          "latest_ready_s","margin_s","on_time","storm","meets"} */
cJSON *vs_planout_json(const vs_plan *pl);
void vs_planout_text(FILE *out, const char *scenario, const vs_plan *pl);
int vs_planout_csv(vs_outdir *d, const char *name, const vs_plan *pl);

#endif
