/* Shared by the fuzz targets whose reader takes a path, not a buffer (the
 * CSV readers, the forecast model loader): the input becomes a file, and
 * every finding is checked against the readers' common error contract. */
#ifndef VS_FUZZ_FILE_H
#define VS_FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/error.h"

/* The input as a file named /proc/self/fd/N: a memfd is a regular file (the
 * readers refuse anything else) that lives in memory, so a run of millions
 * of inputs neither wears a disk nor leaves files behind when it is killed.
 * `slot` tells two files of one input apart (0 or 1). */
static inline const char *fuzz_file(int slot, const void *data, size_t size)
{
  static int fd[2] = {-1, -1};
  static char path[2][40];
  const char *p = data;

  if (fd[slot] < 0) {
    if ((fd[slot] = memfd_create("vs-fuzz", MFD_CLOEXEC)) < 0) {
      perror("memfd_create");
      abort();
    }
    snprintf(path[slot], sizeof(path[slot]), "/proc/self/fd/%d", fd[slot]);
  }
  if (ftruncate(fd[slot], 0) != 0)
    abort();
  for (size_t off = 0; off < size;) {
    ssize_t n = pwrite(fd[slot], p + off, size - off, (off_t)off);
    if (n <= 0)
      abort();
    off += (size_t)n;
  }
  return path[slot];
}

/* What every reader promises on failure: nothing handed out (checked by the
 * caller), a code for bad input or memory, and one line that starts with
 * "PATH:" (out of memory need not name the file). Traps otherwise, so that
 * libFuzzer keeps the input. */
static inline void fuzz_check_error(int rc, const char *path)
{
  const char *msg = vs_error_last();
  size_t len = strlen(path);

  if (rc != VS_EINPUT && rc != VS_ENOMEM) {
    fprintf(stderr, "fuzz: unexpected code %d: %s\n", rc, msg);
    __builtin_trap();
  }
  if (rc == VS_EINPUT && (strncmp(msg, path, len) != 0 || msg[len] != ':')) {
    fprintf(stderr, "fuzz: the message does not start with '%s:': %s\n", path, msg);
    __builtin_trap();
  }
  if (strpbrk(msg, "\r\n")) {
    fprintf(stderr, "fuzz: the message is not one line: %s\n", msg);
    __builtin_trap();
  }
}

#define FUZZ_ASSERT(cond)                                                  \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "fuzz: %s:%d: %s does not hold\n", __FILE__, __LINE__, #cond); \
      __builtin_trap();                                                    \
    }                                                                      \
  } while (0)

#endif
