/* Small file-system helpers shared by result folders, data files and live
 * runs. Plain C. */
#ifndef VS_FSUTIL_H
#define VS_FSUTIL_H

/* mkdir -p. VS_EIO with "DIR: cannot create directory: reason". */
int vs_fs_mkdir_p(const char *dir);
/* The folders above `path` (a file to be written), as mkdir -p. */
int vs_fs_mkdir_parent(const char *path);
/* Remove the files in `dir`, then `dir` (one level: our run folders hold
 * only files). Best effort: errors are ignored. */
void vs_fs_remove_tree(const char *dir);

#endif
