#include "error.h"

#include <stdio.h>

static _Thread_local char last_error[1024];

int vs_error_setv(int code, const char *fmt, va_list ap)
{
  vsnprintf(last_error, sizeof(last_error), fmt, ap);
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
