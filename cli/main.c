/* vdistorm: boot-storm planning for VDI. Thin dispatcher; commands live in cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/interrupt.h"

static const vs_command *commands[] = {&vs_cmd_run, &vs_cmd_boot, &vs_cmd_threshold, &vs_cmd_schedule, &vs_cmd_validate, &vs_cmd_failover,
                                       &vs_cmd_pool, &vs_cmd_sweep, &vs_cmd_plan,
                                       &vs_cmd_regress,
                                       &vs_cmd_dataset, &vs_cmd_forecast, &vs_cmd_real, &vs_cmd_calibrate,
                                       &vs_cmd_plot, &vs_cmd_report};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
  fprintf(out, "usage: vdistorm COMMAND [OPTIONS] [SCENARIO]\n\n"
               "Forecast, simulate and schedule VDI boot storms.\n\ncommands:\n");
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
  fprintf(out, "  %-10s %s\n", "help", "help on a command: vdistorm help COMMAND");
  fprintf(out, "\nSCENARIO is a YAML file (see docs/SCENARIO.md); the default is\n  %s\n"
               "Run 'vdistorm COMMAND --help' for a command's options.\n",
          vs_cli_default_scenario());
}

static const vs_command *find(const char *name)
{
  for (size_t i = 0; i < N_COMMANDS; i++)
    if (strcmp(commands[i]->name, name) == 0)
      return commands[i];
  return NULL;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    usage(stderr);
    return VS_EXIT_USAGE;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    usage(stdout);
    return VS_EXIT_OK;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("vdistorm %s\n", VS_VERSION);
    return VS_EXIT_OK;
  }
  if (!strcmp(argv[1], "help")) {
    const vs_command *c = argc > 2 ? find(argv[2]) : NULL;
    if (argc > 2 && !c) {
      fprintf(stderr, "vdistorm: no command '%s'\n", argv[2]);
      return VS_EXIT_USAGE;
    }
    if (c)
      c->help(stdout);
    else
      usage(stdout);
    return VS_EXIT_OK;
  }
  const vs_command *c = find(argv[1]);
  if (!c) {
    fprintf(stderr, "vdistorm: no command '%s' (try 'vdistorm --help')\n", argv[1]);
    return VS_EXIT_USAGE;
  }
  vs_interrupt_install();
  for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
    if (!strcmp(argv[i], "--json"))
      vs_cli_json_errors(1);
  return c->run(argc - 1, argv + 1);
}
