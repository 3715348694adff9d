/* Shared by the vdistorm commands. */
#ifndef VS_CLI_H
#define VS_CLI_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "demand/calendar.h"
#include "scenario/scenario.h"
#include "sim/sim.h"

/* Exit codes. */
enum { VS_EXIT_OK = 0, VS_EXIT_FAIL = 1, VS_EXIT_USAGE = 2 };

/* Options every simulating command takes. */
typedef struct {
  const char *scenario_path; /* NULL: the bundled default */
  const char *out_dir;       /* -o DIR; NULL: results/runs/<scenario>-<timestamp> */
  int json;                  /* --json: one JSON object on stdout */
  int no_save;               /* --no-save: write no result folder */
  int verbose;               /* -v: SimGrid's log */
  int quiet;                 /* -q: no progress on stderr */
} vs_common_opts;
#define VS_COMMON_OPTS_INIT {NULL, NULL, 0, 0, 0, 0}

typedef struct {
  const char *name;
  const char *summary;
  int (*run)(int argc, char **argv);
  void (*help)(FILE *out);
} vs_command;

extern const vs_command vs_cmd_boot, vs_cmd_threshold, vs_cmd_run;
/* Schedules (cmd_schedule.c, cmd_regress.c). */
extern const vs_command vs_cmd_schedule, vs_cmd_validate, vs_cmd_regress;
extern const vs_command vs_cmd_dataset, vs_cmd_forecast;
extern const vs_command vs_cmd_real, vs_cmd_calibrate;
extern const vs_command vs_cmd_plot;

/* Parse a common option at argv[*i] (advancing *i past its value). Returns 1
 * if it was one, 0 if not, VS_EINPUT (message set) if malformed. */
int vs_cli_common_option(vs_common_opts *o, int argc, char **argv, int *i);
/* A command's own options: like vs_cli_common_option, 1 taken, 0 not one,
 * negative malformed. */
typedef int (*vs_option_fn)(void *ctx, int argc, char **argv, int *i);
/* Parse argv[1..]: --help (printed; returns 1), the command's own options
 * through `extra` (may be NULL), then the common ones. 0 to go on, negative
 * (message set) on bad input. */
int vs_cli_parse(int argc, char **argv, const vs_command *cmd, vs_common_opts *common, vs_option_fn extra, void *ctx);
/* A date option value (YYYY-MM-DD). */
int vs_cli_date_arg(const char *opt, const char *value, vs_date *out);
/* Strict positive integer option value. */
int vs_cli_int_arg(const char *opt, const char *value, int min, int max, int *out);
/* Report an error the usual way (to stderr, "vdistorm: ...") and return the exit code. */
int vs_cli_fail(int rc);
/* Run `body` in a simulation session. The body reports its own errors (it
 * may run on another thread, where vs_error_last() is not ours) and stores
 * its exit code in *exit_code, which must start negative. Returns the exit code. */
int vs_cli_session(const vs_scenario *sc, const vs_common_opts *o, vs_sim_body_fn body, void *payload,
                   int *exit_code);
/* Load the scenario named by the options (or the bundled default). */
int vs_cli_load_scenario(const vs_common_opts *o, vs_scenario **sc);
const char *vs_cli_default_scenario(void);

/* Result folder: files are written into a temporary sibling and moved into
 * place at commit, so a failed run leaves nothing behind. */
typedef struct vs_outdir vs_outdir;
int vs_outdir_open(vs_outdir **out, const vs_common_opts *o, const vs_scenario *sc);
FILE *vs_outdir_file(vs_outdir *d, const char *name);
/* Close `f` (from vs_outdir_file), reporting write errors. */
int vs_outdir_close_file(vs_outdir *d, FILE *f, const char *name);
int vs_outdir_commit(vs_outdir *d);
const char *vs_outdir_path(const vs_outdir *d);
void vs_outdir_free(vs_outdir *d); /* removes everything unless committed */

/* JSON and CSV renderings of simulation results. */
cJSON *vs_json_boot(const vs_boot_result *r);
int vs_json_write(vs_outdir *d, const char *name, const cJSON *obj);
/* Read a JSON file (up to 16 MiB): VS_EIO if unreadable, VS_EINPUT if not JSON. */
int vs_json_read(const char *path, cJSON **out);
void vs_json_print(const cJSON *obj);
int vs_csv_boot(vs_outdir *d, const char *prefix, const vs_sim *sim, const vs_boot_result *r);

/* Human-readable pieces. */
void vs_print_boot(FILE *out, const vs_scenario *sc, const vs_boot_result *r);

/* A plan booting the first k VMs of the scenario's layout at once. */
vs_boot_req *vs_plan_simultaneous(const vs_scenario *sc, int k);

#endif
