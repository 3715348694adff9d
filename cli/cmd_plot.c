/* vdistorm plot: figures for a result folder, through gnuplot. */
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "plots/plot.h"

static void help(FILE *out)
{
  fprintf(out, "usage: vdistorm plot RESULT_DIR [-o OUT_DIR] [--format png|svg]\n\n"
               "Render figures from a result folder written by run, report, boot, threshold,\n"
               "schedule, validate or real (plots/*.gp templates, drawn by gnuplot):\n"
               "  threshold.EXT         all-ready time and peak CPU against k, threshold marked\n"
               "                        (from steps.csv or threshold-steps.csv)\n"
               "  NAME-timeseries.EXT   VMs booting/ready, host CPU, HDD and uplink MB/s per\n"
               "                        second (from each NAME-timeseries.csv)\n"
               "  cpu-by-k.EXT          the busiest host's CPU over time, one line per k\n"
               "  ready.EXT             desktops ready per policy against the deadlines\n"
               "  plan-frontier.EXT     the plan search's upgrades: cost against last ready\n"
               "  sweep-heat.EXT        a sweep's first two varied keys, coloured by jit's result\n"
               "  forecast-year.EXT     forecast against actual over a year, smoothed\n"
               "                        (the last five from the CSVs 'vdistorm report' writes)\n"
               "  -o DIR          write the figures into DIR instead of RESULT_DIR\n"
               "  --format FMT    png (default) or svg\n"
               "Needs gnuplot (Debian: gnuplot-nox); VS_PLOTS_DIR overrides the templates' folder.\n");
}

static int option(void *ctx, int opt, const char *arg)
{
  vs_plot_options *o = ctx;
  if (opt == 'f') {
    if (!strcmp(arg, "png"))
      o->format = VS_PLOT_PNG;
    else if (!strcmp(arg, "svg"))
      o->format = VS_PLOT_SVG;
    else
      return vs_error_set(VS_EINPUT, "--format: '%s' is not png or svg", arg);
    return 1;
  }
  if (opt != 'o')
    return 0;
  if (!*arg)
    return vs_error_set(VS_EINPUT, "--output needs a directory");
  o->out_dir = arg;
  return 1;
}

static void print_written(const char *path, void *ctx) { printf("%s\n", path); }

static int run(int argc, char **argv)
{
  static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                          {"format", required_argument, NULL, 'f'},
                                          {0}};
  vs_plot_options po = VS_PLOT_OPTIONS_INIT;
  vs_cli_common folder = VS_CLI_COMMON_INIT; /* the positional argument lands here */
  vs_cli_spec spec = {.cmd = &vs_cmd_plot, .options = options, .short_options = "o:", .on_option = option,
                      .ctx = &po, .positional = 1};
  int rc = vs_cli_parse(argc, argv, &spec, &folder);
  if (rc != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if (!folder.scenario_path)
    return vs_cli_fail(vs_error_set(VS_EINPUT, "plot: which result folder? (vdistorm plot RESULT_DIR)"));
  if ((rc = vs_plot_folder(folder.scenario_path, &po, print_written, NULL)) != VS_OK)
    return vs_cli_fail(rc);
  return VS_EXIT_OK;
}

const vs_command vs_cmd_plot = {"plot", "PNG or SVG figures of a result folder (gnuplot)", run, help};
