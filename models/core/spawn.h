/* The one child-process runner: regress, calibrate and sweeps run
 * simulations in child processes (SimGrid runs once per process). No shell;
 * argv[0] is a path unless search_path asks for a PATH lookup. The child's stdout is captured;
 * several children can run at once (poll their descriptors). */
#ifndef VS_SPAWN_H
#define VS_SPAWN_H

#include <stddef.h>

#include "core/buf.h"

typedef struct vs_child vs_child;

typedef struct {
  int quiet_stderr;  /* the child's stderr goes to /dev/null */
  int search_path;   /* argv[0] is a program name looked up in PATH */
  size_t max_out;    /* cap on captured stdout in bytes (0: vs_buf's default) */
} vs_spawn_options;
#define VS_SPAWN_OPTIONS_INIT {.quiet_stderr = 0, .search_path = 0, .max_out = 0}

/* Start argv[0] with argv. */
int vs_spawn_start(vs_child **out, char *const argv[], const vs_spawn_options *opts);
/* The descriptor to poll() for the child's output. */
int vs_child_fd(const vs_child *c);
long vs_child_pid(const vs_child *c);
/* Read what is available without blocking: 1 when the output has ended, 0
 * when more may come, negative on error. */
int vs_child_pump(vs_child *c);
/* Read the rest, reap the child and free it: *out receives its stdout
 * (may be NULL to discard), *exit_code its exit status (128 + N when killed
 * by signal N). */
int vs_child_wait(vs_child *c, vs_buf *out, int *exit_code);
/* Terminate (SIGTERM, then SIGKILL after a grace period), reap and free. */
void vs_child_kill(vs_child *c);

/* Start, read and wait in one call. */
int vs_spawn_run(char *const argv[], const vs_spawn_options *opts, vs_buf *out, int *exit_code);

/* This program's own executable, for running one of its commands in a child. */
const char *vs_spawn_self(void);

#endif
