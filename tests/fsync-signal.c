/*
 * fsync-signal.c - a preload library for the shell tests of saving:
 * LD_PRELOAD=tests/.libs/fsync-signal.so replaces fsync() with one that
 *
 *  - with FSYNC_SIGNAL=N in the environment, sends signal N to its own
 *    process at the first fsync of a regular file: the moment a save has
 *    written its temporary file and not yet renamed it, which is when a
 *    signal from outside would do the most harm;
 *  - with FSYNC_LOG=FILE, appends "file" or "directory" to FILE for each
 *    call, so that a test can see what was synced and in which order.
 *
 * The data still reach the disk, through fdatasync().
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fsync(int fd);

static int signalled; /* once: the first regular file is the model's */

static void log_kind(const char *kind)
{
    const char *path = getenv("FSYNC_LOG");
    int log;

    if (path == NULL || (log = open(path, O_WRONLY | O_CREAT | O_APPEND, 0666)) < 0)
        return;
    if (write(log, kind, strlen(kind)) < 0 || write(log, "\n", 1) < 0) {
        /* nothing to do: the test sees the line missing */
    }
    close(log);
}

int fsync(int fd)
{
    const char *sig = getenv("FSYNC_SIGNAL");
    struct stat st;

    if (fstat(fd, &st) == 0) {
        log_kind(S_ISDIR(st.st_mode) ? "directory" : "file");
        if (S_ISREG(st.st_mode) && sig != NULL && !signalled) {
            signalled = 1;
            kill(getpid(), atoi(sig));
        }
    }
    return fdatasync(fd);
}
