/* JSON renderings of results: the contracts of --json and summary.json
 * (README, "JSON contracts"). cJSON builds them; the callers print or save. */
#ifndef VS_JSON_H
#define VS_JSON_H

#include <cjson/cJSON.h>

#include "backend/backend.h"
#include "plan/schedule.h"
#include "plan/validate.h"
#include "report/outdir.h"
#include "study/repeat.h"
#include "study/threshold.h"

/* One experiment: {vms, all_ready_s, mean_ready_s, ready_s[], ...}; live
 * results add backend, domain_type, host overhead and not_ready[]. */
/* {"hit_ratio", "host_memory_bytes", "guest_memory_bytes"} of an experiment
 * behind a read cache (r->has_cache). */
cJSON *vs_json_cache(const vs_boot_result *r);
cJSON *vs_json_boot(const vs_boot_result *r);
/* A threshold search: {scenario, threshold, limits[], steps[...]}; live
 * studies add backend, domain_type and per-step overhead and reads. */
cJSON *vs_json_threshold(const vs_study_threshold *t, const char *scenario);
cJSON *vs_json_schedule(const vs_scenario *sc, const vs_schedule *s, const vs_capacity *cap);
cJSON *vs_json_validation(const vs_scenario *sc, const vs_validation *v);

/* {"mean","sd","p5","p95","min","max","ci95":[lo,hi]} */
cJSON *vs_json_stats(const vs_stats *s);
/* The "repeat" object: {"n":N,"seed":S,KEY:stats} (KEY may be NULL). */
cJSON *vs_json_repeat(const vs_study_repeat *rp, const char *key, const vs_stats *s);

/* Print on stdout (one object, one trailing newline). */
void vs_json_print(const cJSON *obj);
/* Save into a result folder. */
int vs_json_write(vs_outdir *d, const char *name, const cJSON *obj);
/* Read a JSON file (up to 16 MiB): VS_EIO if unreadable, VS_EINPUT if not JSON. */
int vs_json_read(const char *path, cJSON **out);

#endif
