/* One growable byte buffer (curl's dynbuf) and one growable array, used
 * wherever something is read or collected whose size is not known up front.
 * Both keep a hard cap so that no input can grow memory without bound. */
#ifndef VS_BUF_H
#define VS_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
  char *data;    /* NUL-terminated when non-NULL */
  size_t len, cap;
  size_t max;    /* refuse to grow beyond this many bytes; 0 = 64 MiB */
} vs_buf;
#define VS_BUF_INIT {.data = NULL, .len = 0, .cap = 0, .max = 0}

/* Append `len` bytes; VS_ENOMEM past the cap or out of memory. */
int vs_buf_add(vs_buf *b, const void *bytes, size_t len);
int vs_buf_printf(vs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The whole content of an open descriptor (EINTR-safe), appended. */
int vs_buf_read_fd(vs_buf *b, int fd);
/* A whole regular file (refuses FIFOs and devices: they may never end). */
int vs_buf_read_file(vs_buf *b, const char *path);
/* Hand the data over (the caller frees it) and reset the buffer. */
char *vs_buf_detach(vs_buf *b);
void vs_buf_clear(vs_buf *b);

/* Make room for `need` elements of `elem` bytes in *items (capacity *cap,
 * doubled as it grows). VS_ENOMEM (message set) when it cannot. */
int vs_array_reserve(void *items, size_t *cap, size_t need, size_t elem);

#endif
