/* vdistorm plot: figures for a result folder, through gnuplot. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "plots/plot.h"

typedef struct {
  const char *dir;
  vs_plot_options opts;
} plot_args;

static void help(FILE *out)
{
  fprintf(out, "usage: vdistorm plot RESULT_DIR [-o OUT_DIR]\n\n"
               "Render PNG figures from a result folder written by run, boot, threshold,\n"
               "schedule, validate or real (plots/*.gp templates, drawn by gnuplot):\n"
               "  threshold.png         all-ready time and peak CPU against k, threshold marked\n"
               "                        (from steps.csv or threshold-steps.csv)\n"
               "  NAME-timeseries.png   VMs booting/ready, host CPU, HDD and uplink MB/s per\n"
               "                        second (from each NAME-timeseries.csv)\n"
               "  -o DIR   write the PNGs into DIR instead of RESULT_DIR\n"
               "Needs gnuplot (Debian: gnuplot-nox); VS_PLOTS_DIR overrides the templates' folder.\n");
}

static int plot_option(void *ctx, int argc, char **argv, int *i)
{
  plot_args *a = ctx;
  if (strcmp(argv[*i], "-o") && strcmp(argv[*i], "--output")) {
    if (argv[*i][0] == '-')
      return 0;
    if (a->dir)
      return vs_error_set(VS_EINPUT, "plot: one result folder at a time ('%s')", argv[*i]);
    a->dir = argv[*i];
    return 1;
  }
  if (*i + 1 >= argc)
    return vs_error_set(VS_EINPUT, "%s needs a directory", argv[*i]);
  a->opts.out_dir = argv[++*i];
  return 1;
}

static void print_written(const char *path, void *ctx) { printf("%s\n", path); }

static int run(int argc, char **argv)
{
  plot_args a = {NULL, VS_PLOT_OPTIONS_INIT};
  vs_common_opts unused = VS_COMMON_OPTS_INIT;
  int rc = vs_cli_parse(argc, argv, &vs_cmd_plot, &unused, plot_option, &a);
  if (rc != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if (!a.dir)
    return vs_cli_fail(vs_error_set(VS_EINPUT, "plot: which result folder? (vdistorm plot RESULT_DIR)"));
  if ((rc = vs_plot_folder(a.dir, &a.opts, print_written, NULL)) != VS_OK)
    return vs_cli_fail(rc);
  return VS_EXIT_OK;
}

const vs_command vs_cmd_plot = {"plot", "PNG figures of a result folder (gnuplot)", run, help};
