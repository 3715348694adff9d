/* The one CSV reader: schedules, usage data, login logs, measured runs.
 *
 * Comma-separated, fields may be double-quoted (RFC 4180, "" for a quote);
 * blanks around unquoted fields are trimmed; CRLF and a UTF-8 byte-order mark
 * are accepted; blank lines and lines starting with '#' are skipped. Lines
 * are limited in length (and so is memory); a NUL byte is an error. Errors
 * are "FILE:LINE: what is wrong" (VS_EINPUT), or VS_EIO when unreadable.
 * Only regular files are read (a FIFO could block for ever). */
#ifndef VS_CSV_H
#define VS_CSV_H

#include <stddef.h>

typedef struct vs_csv vs_csv;

int vs_csv_open(vs_csv **out, const char *path);
/* Read the next row: 1 and its fields (valid until the next call), 0 at the
 * end, or a negative error. */
int vs_csv_next(vs_csv *c, char ***fields, size_t *n);
/* Line number of the row last read (1-based). */
size_t vs_csv_line(const vs_csv *c);
const char *vs_csv_path(const vs_csv *c);
/* Set "FILE:LINE: MESSAGE" for the row last read; returns VS_EINPUT. */
int vs_csv_error(const vs_csv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vs_csv_free(vs_csv *c);

#endif
