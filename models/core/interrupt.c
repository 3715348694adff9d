#include "core/interrupt.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"

/* The only global of the process-wide stop request: a signal handler can
 * do nothing else safely. */
static volatile sig_atomic_t g_signal;

static void on_signal(int sig) { g_signal = sig; }

void vs_interrupt_install(void)
{
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
    sigaction(sigs[i], &sa, NULL);
}

int vs_interrupted(void) { return g_signal; }

void vs_interrupt_reset(void) { g_signal = 0; }

static const char *signal_name(int sig)
{
  switch (sig) {
  case SIGINT: return "SIGINT";
  case SIGTERM: return "SIGTERM";
  case SIGHUP: return "SIGHUP";
  default: return "a signal";
  }
}

int vs_interrupt_error(const char *where_fmt, ...)
{
  char where[200] = "";
  if (where_fmt) {
    va_list ap;
    va_start(ap, where_fmt);
    where[0] = ' ';
    vsnprintf(where + 1, sizeof(where) - 1, where_fmt, ap);
    va_end(ap);
  }
  return vs_error_set(VS_EINTR, "interrupted by %s%s; nothing was written", signal_name(g_signal), where);
}

int vs_interrupt_exit_code(void) { return 128 + (g_signal ? g_signal : SIGINT); }

void vs_interrupt_exit(void)
{
  char line[1200];
  /* On a terminal the progress line is still there: clear it first. */
  int n = snprintf(line, sizeof(line), "%svdistorm: %s\n", isatty(STDERR_FILENO) ? "\r\033[K" : "", vs_error_last());
  if (n > 0 && write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) < 0)
    n = 0;
  _exit(vs_interrupt_exit_code());
}
