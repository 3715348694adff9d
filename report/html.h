/* The HTML report: one self-contained page a manager can read (no network
 * request: figures are SVG files embedded as data: URIs, styles inline).
 * Every string that comes from a scenario or an input file is escaped. */
#ifndef VS_HTML_H
#define VS_HTML_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "report/figdata.h"
#include "study/schedule.h"
#include "study/threshold.h"

/* A page under construction: markup goes in as is, text escaped. */
typedef struct vs_html vs_html;
int vs_html_create(vs_html **out, const char *title);
void vs_html_free(vs_html *h);
/* Markup written by the caller (no data from inputs in it). */
int vs_html_raw(vs_html *h, const char *markup);
/* Text, escaped (& < > " '). */
int vs_html_text(vs_html *h, const char *text);
/* printf, then escaped: formats that include input strings are safe. */
int vs_html_textf(vs_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* <figure> with the SVG file at `svg_path` as a data: URI and its caption. */
int vs_html_figure(vs_html *h, const char *svg_path, const char *alt, const char *caption);
/* Close the page and hand it over (the caller frees *out). */
int vs_html_finish(vs_html *h, char **out, size_t *len);

/* Base64 (RFC 4648, padded) of `len` bytes, appended to `out`. */
int vs_html_base64(vs_buf *out, const void *data, size_t len);

/* What the report page shows. Figures are paths of SVG files (NULL: not
 * drawn); the notes say plainly why a section has no data. */
typedef struct {
  const vs_scenario *sc;
  const vs_study_threshold *threshold;
  const vs_capacity *cap;
  const vs_study_schedule *runs; /* n_policies runs, the first the recommendation; NULL: no workload */
  const char *const *policies;
  size_t n_policies;
  const char *fig_threshold, *fig_cpu, *fig_ready, *fig_plan, *fig_sweep, *fig_forecast;
  const int *cpu_ks;             /* the ks fig_cpu shows */
  size_t n_cpu_ks;
  const cJSON *plan;             /* plan.json (vdistorm plan); NULL: see plan_note */
  const char *plan_note;
  const vs_figdata_sweep *sweep; /* NULL: see sweep_note */
  const char *sweep_note;
  const char *forecast_note;     /* why there is no forecast figure (NULL: there is one) */
  const char *forecast_text;     /* what fig_forecast was evaluated on, with its accuracy */
} vs_html_report;
#define VS_HTML_REPORT_INIT {.sc = NULL}

/* Whether the recommended schedule meets the morning: every VM on time and no storm. */
int vs_html_report_met(const vs_html_report *r);
/* The answer paragraph as plain text (also the report command's stdout). */
int vs_html_report_answer(const vs_html_report *r, vs_buf *out);
/* The whole page. */
int vs_html_report_render(const vs_html_report *r, char **out, size_t *len);

#endif
