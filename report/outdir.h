/* Result folders: files are written into a temporary sibling folder and the
 * folder is moved into place at commit, so a failed or interrupted run
 * leaves nothing behind and never a half-written folder. */
#ifndef VS_OUTDIR_H
#define VS_OUTDIR_H

#include <stdio.h>

typedef struct vs_outdir vs_outdir;

/* `path` NULL: results/runs/<name>-<timestamp>. */
int vs_outdir_open(vs_outdir **out, const char *path, const char *name);
FILE *vs_outdir_file(vs_outdir *d, const char *name);
/* Close `f` (from vs_outdir_file), reporting write errors. */
int vs_outdir_close_file(vs_outdir *d, FILE *f, const char *name);
/* A file's full path inside the (temporary) folder, for tools that write by name. */
const char *vs_outdir_tmp_path(const vs_outdir *d);
int vs_outdir_commit(vs_outdir *d);
const char *vs_outdir_path(const vs_outdir *d);
void vs_outdir_free(vs_outdir *d); /* removes everything unless committed */

#endif
