/* File-system helpers shared by result folders, data files, models and live
 * runs: directories, recursive removal, and atomic output files. Plain C. */
#ifndef VS_FSUTIL_H
#define VS_FSUTIL_H

#include <stddef.h>
#include <stdio.h>

/* mkdir -p. VS_EIO with "DIR: cannot create directory: reason". */
int vs_fs_mkdir_p(const char *dir);
/* The folders above `path` (a file to be written), as mkdir -p. */
int vs_fs_mkdir_parent(const char *path);
/* Remove `dir` and everything below it (nftw, depth first, symlinks not
 * followed). Best effort: errors are ignored. */
void vs_fs_remove_tree(const char *dir);

/* Open an input for reading, only if it is a regular file: a FIFO, device
 * or folder given as input would block or mean nothing. NULL with the
 * message set ("PATH: cannot read: why" / "PATH: not a regular file"). */
FILE *vs_fs_open_regular(const char *path);

/* An output file written to a temporary sibling and renamed over its target
 * on commit, so that a failed or interrupted write never leaves a partial
 * file or destroys the old one. A symlink is followed (its target is
 * replaced); an existing target that is not a regular file (a device, a
 * FIFO, a directory) is refused. Errors name the path and the reason. */
typedef struct vs_atomic vs_atomic;
int vs_atomic_open(vs_atomic **out, const char *path);
FILE *vs_atomic_file(vs_atomic *a);
/* The path the temporary file has now (for tools that write by name). */
const char *vs_atomic_tmp_path(const vs_atomic *a);
/* Flush, check every write, rename into place and free. */
int vs_atomic_commit(vs_atomic *a);
/* Remove the temporary file and free (NULL is fine). */
void vs_atomic_abort(vs_atomic *a);
/* A whole file at once. */
int vs_fs_write_atomic(const char *path, const void *data, size_t len);

#endif
