/*
 * atomicfile.h - replacing a file as one step (see atomicfile.c): a crash
 * or a kill in the middle leaves the old file whole.
 */
#ifndef SENTIMENT_ATOMICFILE_H
#define SENTIMENT_ATOMICFILE_H

#include <stddef.h>

#include "sentiment.h"

/* Makes the file PATH hold exactly the SIZE bytes at DATA: PATH, or the
 * end of the chain of symbolic links that starts there, is replaced by a
 * rename, keeping its owner, group and mode as far as this process may;
 * the directory is synced, so that the new file lasts.  On failure the
 * message names PATH (or the temporary file) and PATH is as it was.  A
 * directory, device or FIFO at PATH is not replaced.  sn_save_kill_after
 * (internal.h) kills the process in the middle, for the tests. */
int sn_file_replace(const char *path, const void *data, size_t size,
                    sentiment_error *err);

#endif
