/* Figures for reports: the gnuplot templates in plots/ (*.gp) fed through a pipe.
 * Plain C; needs the gnuplot program (Debian: gnuplot-nox) at run time. */
#ifndef VS_PLOT_H
#define VS_PLOT_H

#include <stddef.h>

/* Output formats: the cairo PNG terminal or gnuplot's SVG terminal. */
typedef enum { VS_PLOT_PNG, VS_PLOT_SVG } vs_plot_format;

typedef struct {
  const char *template_dir; /* folder of the .gp templates; NULL: $VS_PLOTS_DIR or the source tree's plots/ */
  const char *out_dir;      /* where figures go; NULL = the result folder itself */
  const char *gnuplot;      /* program to run; NULL = $VS_GNUPLOT or "gnuplot" */
  vs_plot_format format;
} vs_plot_options;
#define VS_PLOT_OPTIONS_INIT {.template_dir = NULL, .out_dir = NULL, .gnuplot = NULL, .format = VS_PLOT_PNG}

/* The figures vdistorm draws, each from one CSV of a result folder:
 *   threshold   steps.csv / threshold-steps.csv -> threshold.EXT
 *   timeseries  NAME-timeseries.csv             -> NAME-timeseries.EXT
 *   cpu-by-k    cpu-by-k.csv                    -> cpu-by-k.EXT (busiest host's CPU, one line per k)
 *   ready       ready.csv                       -> ready.EXT (VMs ready per policy against the deadlines)
 *   plan        plan-frontier.csv               -> plan-frontier.EXT (cost against latest ready)
 *   sweep       sweep-heat.csv                  -> sweep-heat.EXT (first two varied keys, jit result)
 *   forecast    forecast-year.csv               -> forecast-year.EXT (forecast against actual, smoothed)
 *   pool        NAME-traffic.csv                -> NAME-traffic.EXT (vdistorm pool: copy traffic; pool.gp) */
typedef enum {
  VS_FIG_THRESHOLD, VS_FIG_TIMESERIES, VS_FIG_CPU_BY_K, VS_FIG_READY, VS_FIG_PLAN, VS_FIG_SWEEP, VS_FIG_FORECAST,
  VS_FIG_POOL, VS_FIG_NONE
} vs_plot_kind;

/* Which figure a CSV file name makes (VS_FIG_NONE: none). */
vs_plot_kind vs_plot_kind_of(const char *csv_name);
const char *vs_plot_format_ext(vs_plot_format f);

/* Draw one figure of `kind` from `csv` into `out` (drawn under a temporary
 * name, renamed into place when gnuplot succeeded). `title` may be NULL. */
int vs_plot_figure(vs_plot_kind kind, const char *csv, const char *out, const char *title,
                   const vs_plot_options *opts);

/* Render every figure a result folder allows (the table above). Written
 * paths are reported through `written` (may be NULL). VS_EINPUT when the
 * folder holds nothing to plot. */
int vs_plot_folder(const char *dir, const vs_plot_options *opts, void (*written)(const char *path, void *ctx),
                   void *ctx);

#endif
