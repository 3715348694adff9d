/* Figures for reports: the gnuplot templates in plots/ (*.gp) fed through a pipe.
 * Plain C; needs the gnuplot program (Debian: gnuplot-nox) at run time. */
#ifndef VS_PLOT_H
#define VS_PLOT_H

#include <stddef.h>

typedef struct {
  const char *template_dir; /* folder of the .gp templates */
  const char *out_dir;      /* where PNGs go; NULL = the result folder itself */
  const char *gnuplot;      /* program to run; NULL = "gnuplot" */
} vs_plot_options;
#define VS_PLOT_OPTIONS_INIT {.template_dir = NULL, .out_dir = NULL, .gnuplot = NULL}

/* Render every figure a result folder allows: threshold.png from a
 * steps.csv (or threshold-steps.csv), and NAME.png for each
 * NAME-timeseries.csv / timeseries.csv. Written paths are reported through
 * `written` (may be NULL). VS_EINPUT when the folder holds nothing to plot. */
int vs_plot_folder(const char *dir, const vs_plot_options *opts, void (*written)(const char *path, void *ctx),
                   void *ctx);

#endif
