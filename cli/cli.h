/* The command-line front end: parse options, call a study, print or save.
 * No experiment logic lives here (that is study/), no rendering (report/). */
#ifndef VS_CLI_H
#define VS_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "backend/backend.h"

typedef struct vs_outdir vs_outdir;
typedef struct cJSON cJSON;
#include "scenario/scenario.h"

/* Exit codes. */
enum { VS_EXIT_OK = 0, VS_EXIT_FAIL = 1, VS_EXIT_USAGE = 2, VS_EXIT_INTERRUPTED = 130 };

typedef struct {
  const char *name;
  const char *summary;
  int (*run)(int argc, char **argv);
  void (*help)(FILE *out);
} vs_command;

extern const vs_command vs_cmd_run, vs_cmd_boot, vs_cmd_threshold, vs_cmd_schedule, vs_cmd_validate,
    vs_cmd_regress, vs_cmd_dataset, vs_cmd_forecast, vs_cmd_real, vs_cmd_calibrate, vs_cmd_plot, vs_cmd_failover,
    vs_cmd_pool, vs_cmd_report, vs_cmd_sweep, vs_cmd_plan;

/* Options every simulating command takes. */
#define VS_CLI_MAX_SET 64
typedef struct {
  const char *scenario_path; /* NULL: the bundled default */
  const char *out_dir;       /* -o DIR; NULL: results/runs/<scenario>-<timestamp> */
  int json;                  /* --json: one JSON object on stdout */
  int no_save;               /* --no-save: write no result folder */
  int verbose;               /* -v: the backend's own log */
  int quiet;                 /* -q: no progress on stderr */
  int force;                 /* --force: run past the memory estimate; replace a foreign -o folder */
  const char *set[VS_CLI_MAX_SET]; /* --set KEY=VALUE (scenario/override.h), in order */
  int n_set;
} vs_cli_common;
#define VS_CLI_COMMON_INIT \
  {.scenario_path = NULL, .out_dir = NULL, .json = 0, .no_save = 0, .verbose = 0, .quiet = 0, .force = 0}

/* Long-option codes above the ASCII range, for options without a letter. */
enum {
  VS_OPT_JSON = 0x100, VS_OPT_NO_SAVE, VS_OPT_HELP, VS_OPT_FORCE, VS_OPT_SET,
  VS_OPT_FIRST_OWN = 0x200 /* commands number their own options from here */
};

/* A command's own option: 1 taken, 0 not one of its own, negative (message
 * set) when malformed. `arg` is NULL for options without a value. */
typedef int (*vs_cli_option_fn)(void *ctx, int opt, const char *arg);

typedef struct {
  const vs_command *cmd;
  const char *subcommand;        /* "real boot", ...: for messages; may be NULL */
  const struct option *options;  /* the command's own long options, {0} terminated; may be NULL */
  const char *short_options;     /* the command's own short options (getopt syntax); may be NULL */
  vs_cli_option_fn on_option;
  void *ctx;
  int common;                    /* also accept --json -o --no-save -q -v */
  int positional;                /* how many positional arguments (SCENARIO) at most */
} vs_cli_spec;

/* getopt_long over argv[1..] (both --opt value and --opt=value): --help is
 * printed (returns 1); the command's own options go to on_option; the
 * common ones into `common`; the first positional argument is the scenario.
 * Returns 0 to go on, 1 after --help, negative (message set) on bad input. */
int vs_cli_parse(int argc, char **argv, const vs_cli_spec *spec, vs_cli_common *common);

/* Value parsers for options ("--opt: 'x' is not ..."). */
int vs_cli_int_arg(const char *opt, const char *value, int min, int max, int *out);
/* A date (YYYY-MM-DD); the calendar's type. */
int vs_cli_date_arg(const char *opt, const char *value, int *year, int *month, int *day);

/* Report the last error (one line on stderr, "vdistorm: ..."; with --json
 * also {"error":{"file","line","col","key","message"}} on stdout) and return
 * the exit code for `rc`: 2 for bad input, 128 + signal when interrupted,
 * 1 otherwise. */
int vs_cli_fail(int rc);
/* Whether failures are printed as JSON too (main: --json on the command line). */
void vs_cli_json_errors(int on);
const char *vs_cli_default_scenario(void);
/* Load the scenario named by the options (or the bundled default), its
 * --set overrides applied and its forecast workload resolved. */
int vs_cli_load_scenario(const vs_cli_common *o, vs_scenario **sc);

/* Progress of long runs on stderr: on a terminal one line rewritten in
 * place, otherwise a plain line now and then; nothing with -q. */
typedef struct vs_cli_progress vs_cli_progress;
vs_cli_progress *vs_cli_progress_new(const vs_cli_common *o);
void vs_cli_progress_phase(vs_cli_progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vs_cli_progress_boot(void *ctx, const vs_boot_progress *bp); /* a vs_boot_progress_fn */
void vs_cli_progress_done(vs_cli_progress *p);                    /* clear the line, free */
/* Points of a sweep or plan search: "PHASE: done/total points [elapsed, ETA]";
 * `before` of them were done when this run started (resumed), so the ETA
 * counts only this run's pace. Off a terminal: one line per call. */
void vs_cli_progress_count(vs_cli_progress *p, size_t done, size_t total, size_t before);

/* Run `study` on the simulator / on live VMs, with progress; returns the
 * study's VS_* code, its error message set on this thread. */
int vs_cli_simulate(const vs_scenario *sc, const vs_cli_common *o, vs_cli_progress *progress, vs_backend_fn study,
                    void *payload);
int vs_cli_live(const vs_scenario *sc, const vs_cli_common *o, vs_cli_progress *progress, vs_backend_fn study,
                void *payload);

/* What most commands do: run a study on a backend with progress, then print
 * its summary as JSON (--json) or text, then save the result folder. */
typedef struct {
  vs_backend_fn study;
  cJSON *(*summary)(void *payload);          /* the JSON contract */
  void (*text)(void *payload);               /* the human-readable result */
  int (*write)(vs_outdir *d, void *payload); /* files beside summary.json; may be NULL */
  int live;                                  /* on libvirt instead of the simulator */
  const char *index;                         /* a file `write` may add, printed as "report: DIR/FILE" (JSON: "report"); may be NULL */
} vs_cli_job;
/* Returns a VS_* code (message set); the caller maps it to an exit code. */
int vs_cli_run_job(const vs_cli_common *o, const vs_scenario *sc, vs_cli_progress *progress, const vs_cli_job *job,
                   void *payload);

/* Save the result folder `final` (from vs_outdir_check) unless --no-save:
 * summary.json, then what `write` adds (may be NULL); prints "results:
 * DIR/" unless --json. */
int vs_cli_save(const vs_cli_common *o, const char *final, const cJSON *summary, int (*write)(vs_outdir *d, void *ctx),
                void *ctx);

#endif
