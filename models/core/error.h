/* Error codes and the thread-local last-error message (libgit2 style). */
#ifndef VS_ERROR_H
#define VS_ERROR_H

#include <stdarg.h>

enum {
  VS_OK = 0,
  VS_ERROR = -1,  /* generic failure */
  VS_EINPUT = -2, /* bad user input: scenario, CSV, command line (exit code 2) */
  VS_EIO = -3,    /* file system or pipe failure */
  VS_ENOMEM = -4,
  VS_ESIM = -5,   /* the simulation could not run */
  VS_EINTR = -6   /* a signal asked us to stop (core/interrupt.h; exit 128 + signal) */
};

/* Replace the last error message; printf-style. Always returns `code` so that
 * callers can write `return vs_error_set(VS_EINPUT, ...)`. vs_error_last()
 * may be one of the arguments ("%s:%d: %s", file, line, vs_error_last()). */
int vs_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vs_error_setv(int code, const char *fmt, va_list ap);
/* The message of the last error set on this thread, or "" if none. */
const char *vs_error_last(void);
void vs_error_clear(void);

#endif
