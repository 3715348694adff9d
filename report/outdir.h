/* Result folders: files are written into a temporary sibling folder
 * (FINAL.partial-PID) and the folder is moved into place at commit, so a
 * failed or interrupted run leaves nothing behind and never a half-written
 * folder.
 *
 * What may be replaced: a folder that does not exist yet, an empty one, or
 * one vdistorm wrote (it holds the marker file below) -- replaced whole, in
 * one atomic exchange, never merged with another run's files. Anything else
 * (a folder with other files, a file, a symbolic link, a device) is refused
 * unless `force` (folders only; never a symlink or non-folder). Temporary
 * folders of vdistorm processes that died (SIGKILL, power loss) next to the
 * target are removed when a new one is opened. */
#ifndef VS_OUTDIR_H
#define VS_OUTDIR_H

#include <stdio.h>

/* Every result folder holds this file: what marks it as ours. */
#define VS_OUTDIR_MARKER ".vdistorm-result"

typedef struct vs_outdir vs_outdir;

/* Where a run will write: `path` (trailing slashes ignored), or NULL for
 * results/runs/<name>-<timestamp> with `name` made safe for a folder name
 * (letters, digits, '.', '_', '-'; at most 64 characters). Checks that the
 * target may be replaced (see above), so a run can fail before it starts.
 * *final_out (may be NULL) receives the path, to free(). */
int vs_outdir_check(const char *path, const char *name, int force, char **final_out);
int vs_outdir_open(vs_outdir **out, const char *path, const char *name, int force);
FILE *vs_outdir_file(vs_outdir *d, const char *name);
/* Close `f` (from vs_outdir_file), reporting write errors. */
int vs_outdir_close_file(vs_outdir *d, FILE *f, const char *name);
/* A file's full path inside the (temporary) folder, for tools that write by name. */
const char *vs_outdir_tmp_path(const vs_outdir *d);
int vs_outdir_commit(vs_outdir *d);
const char *vs_outdir_path(const vs_outdir *d);
void vs_outdir_free(vs_outdir *d); /* removes everything unless committed */

#endif
