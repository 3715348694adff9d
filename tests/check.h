/* Minimal test helpers: each CHECK that fails prints where and why and marks
 * the test failed; CHECK_DONE() returns the process exit code. */
#ifndef VS_CHECK_H
#define VS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                            \
  do {                                                                         \
    check_count++;                                                             \
    if (!(cond)) {                                                             \
      check_failures++;                                                        \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

#define CHECK_MSG(cond, ...)                                                   \
  do {                                                                         \
    check_count++;                                                             \
    if (!(cond)) {                                                             \
      check_failures++;                                                        \
      fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);  \
      fprintf(stderr, __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                     \
    }                                                                          \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                  \
  CHECK_MSG(fabs((double)(a) - (double)(b)) <= (tol), "%g vs %g (tol %g)",     \
            (double)(a), (double)(b), (double)(tol))

#define CHECK_STR_CONTAINS(hay, needle)                                        \
  CHECK_MSG((hay) && strstr((hay), (needle)), "'%s' does not contain '%s'",    \
            (hay) ? (hay) : "(null)", (needle))

#define CHECK_DONE()                                                           \
  (printf("%d checks, %d failed\n", check_count, check_failures),              \
   check_failures ? 1 : 0)

#endif
