/* Rendering of the image-pool study (vdistorm pool): the JSON contract, the
 * text report and the CSV files of its result folder. */
#ifndef VS_REPORT_POOL_H
#define VS_REPORT_POOL_H

#include <stdio.h>

#include "report/outdir.h"
#include "study/pool.h"

typedef struct cJSON cJSON;

/* {"requests":N,"latency_s":{min,p50,p95,max},"pool_empty_s":{KIND:s},"copied_bytes":B,"copies":N, ...} */
cJSON *vs_json_pool(const vs_scenario *sc, const vs_study_pool *s, const vs_study_pool_options *o);
void vs_text_pool(FILE *out, const vs_scenario *sc, const vs_study_pool *s, const vs_study_pool_options *o);
/* pool-requests.csv (per request), pool-copies.csv (per copy), pool-traffic.csv
 * (copy MB/s per 10 s), pool-timeseries.csv (+ disks, links, hosts) of the
 * main run; no-pool-*; and with a morning, morning-alone-* and morning-pool-*. */
int vs_series_write_pool(vs_outdir *d, const vs_scenario *sc, const vs_study_pool *s);

#endif
