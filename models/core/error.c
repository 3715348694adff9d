#include "core/error.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[1024];

/* Formatted aside first: callers may pass vs_error_last() itself as an
 * argument (to prefix a lower-level message with its file and line). */
int vs_error_setv(int code, const char *fmt, va_list ap)
{
  char msg[sizeof(last_error)];
  vsnprintf(msg, sizeof(msg), fmt, ap);
  memcpy(last_error, msg, sizeof(msg));
  return code;
}

int vs_error_set(int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vs_error_setv(code, fmt, ap);
  va_end(ap);
  return code;
}

const char *vs_error_last(void) { return last_error; }

void vs_error_clear(void) { last_error[0] = '\0'; }
