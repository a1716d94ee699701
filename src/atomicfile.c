/*
 * atomicfile.c - replacing a file as one step: its readers see the old
 * bytes or the new ones, never a part of them, whatever happens meanwhile.
 *
 * The new bytes go to a temporary file beside the target, are synced, and
 * the temporary is renamed over the target, then the directory synced: a
 * crash, a kill or a full disk in the middle leaves the old file whole.
 * The replaced file keeps its owner, group and mode as far as this process
 * may give them, and a symbolic link stays a link: its target is replaced.
 * Kept apart from modelfile.c, which decides what the bytes of a model are,
 * because none of this depends on them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "internal.h"

unsigned long sn_save_kill_after;
static unsigned long save_written; /* by this save, for sn_save_kill_after */

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        size_t chunk = n;
        if (sn_save_kill_after != 0 && chunk > sn_save_kill_after - save_written)
            chunk = sn_save_kill_after - save_written;
        ssize_t w = write(fd, p, chunk);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
        if (sn_save_kill_after != 0 && (save_written += (size_t)w) >= sn_save_kill_after)
            raise(SIGKILL);
    }
    return 0;
}

/* A copy of the N bytes at S, NUL-terminated; NULL with errno ENOMEM. */
static char *copy_string(const char *s, size_t n)
{
    char *c = sn_malloc(n + 1);

    if (c == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

/* What symbolic link LINK points to, in memory the caller frees, relative
 * targets taken from LINK's directory; NULL with errno set. */
static char *link_target(const char *link)
{
    size_t size = 256;
    const char *slash = strrchr(link, '/');
    size_t dirlen = slash != NULL ? (size_t)(slash - link) + 1 : 0;

    for (;;) {
        char *buf = sn_malloc(dirlen + size);
        ssize_t n;

        if (buf == NULL) {
            errno = ENOMEM;
            return NULL;
        }
        n = readlink(link, buf + dirlen, size);
        if (n < 0) {
            sn_free(buf);
            return NULL;
        }
        if ((size_t)n < size) {
            buf[dirlen + (size_t)n] = '\0';
            if (buf[dirlen] == '/') {
                char *abs = copy_string(buf + dirlen, (size_t)n);
                sn_free(buf);
                return abs;
            }
            memcpy(buf, link, dirlen);
            return buf;
        }
        sn_free(buf);
        if (size > ((size_t)-1 - dirlen) / 2) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        size *= 2;
    }
}

/* The file a save to PATH replaces: PATH, or the end of the chain of
 * symbolic links that starts there, so that the link stays a link and the
 * new file is renamed into its target's own directory.  NULL with errno
 * set (ELOOP for a loop).  The end need not exist. */
static char *follow_links(const char *path)
{
    char *cur = copy_string(path, strlen(path));

    for (int hops = 0; cur != NULL; hops++) {
        struct stat st;
        char *next;

        if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
            return cur; /* what cannot be looked at is reported by open() */
        if (hops == 40) { /* as the kernel counts */
            sn_free(cur);
            errno = ELOOP;
            return NULL;
        }
        next = link_target(cur);
        sn_free(cur);
        cur = next;
    }
    return NULL;
}

/* Creates a new file named TMP (ending in six characters to choose) with
 * open(O_EXCL), not mkstemp(): the mode 0666 then passes through the umask
 * (and the directory's default ACL) as for any new file, without reading
 * the umask, which cannot be done without changing it, in every thread. */
static int create_temporary(char *tmp)
{
    static const char letters[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char *x = tmp + strlen(tmp) - 6;
    struct timespec now;
    uint64_t state;

    clock_gettime(CLOCK_REALTIME, &now);
    state = (uint64_t)now.tv_nsec ^ ((uint64_t)now.tv_sec << 30) ^
            ((uint64_t)getpid() << 42) ^ (uint64_t)(uintptr_t)&now;
    for (int attempt = 0; attempt < 1000; attempt++) {
        uint64_t r = sn_rng_next(&state);
        int fd;

        for (int i = 0; i < 6; i++, r /= 62)
            x[i] = letters[r % 62];
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* Gives the new file FD the owner, group and mode of OLD, the file it
 * replaces, as far as this process may: a user who cannot give a file away
 * still keeps its group when a member of it. */
static int keep_owner_and_mode(int fd, const struct stat *old)
{
    if (fchown(fd, old->st_uid, old->st_gid) < 0 &&
        (errno != EPERM || (fchown(fd, (uid_t)-1, old->st_gid) < 0 && errno != EPERM)))
        return -1;
    /* After fchown, which may clear the set-user-ID and set-group-ID bits. */
    return fchmod(fd, old->st_mode & 07777);
}

/* The directory of PATH, to sync after a rename into it; NULL with errno
 * ENOMEM.  Taken before the rename, so that nothing can fail for memory
 * once the new file is in place. */
static char *directory_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return copy_string(".", 1);
    return copy_string(path, slash == path ? 1 : (size_t)(slash - path));
}

/* Syncs directory DIR, so that a rename into it lasts.  File systems that
 * cannot sync a directory say EINVAL; that is no failure. */
static int sync_directory(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_CLOEXEC), rc = 0;

    if (fd < 0)
        return errno == EACCES ? 0 : -1; /* a directory one may write but not read */
    if (fsync(fd) < 0 && errno != EINVAL && errno != ENOTSUP)
        rc = -1;
    close(fd);
    return rc;
}


/* Writes the bytes under a new name beside TARGET and renames it into
 * place; on any failure the new file is removed and TARGET left as it was.
 * PATH is what the caller named, for messages. */
static int replace_file(const char *path, const char *target, const unsigned char *data,
                        size_t size, sentiment_error *err)
{
    size_t n = strlen(target);
    char *tmp = sn_malloc(n + 12), *dir = directory_of(target);
    struct stat old;
    int existed, fd, rc = SENTIMENT_OK;

    if (tmp == NULL || dir == NULL) {
        sn_free(tmp);
        sn_free(dir);
        return sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory while saving", path);
    }
    memcpy(tmp, target, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12);
    existed = stat(target, &old) == 0;
    if (existed && !S_ISREG(old.st_mode)) {
        /* A rename would put a file where a device, FIFO or directory is. */
        rc = sn_fail(err, SENTIMENT_ERR_IO, "%s: %s", path,
                     S_ISDIR(old.st_mode) ? strerror(EISDIR) : "not a regular file");
        goto out;
    }
    fd = create_temporary(tmp);
    if (fd < 0) {
        rc = sn_fail(err, SENTIMENT_ERR_IO, "%s: cannot create a temporary file: %s",
                     path, strerror(errno));
        goto out;
    }
    if (sn_save_kill_after != 0)
        save_written = 0;
    if ((existed && keep_owner_and_mode(fd, &old) < 0) ||
        write_all(fd, data, size) < 0 || fsync(fd) < 0)
        rc = sn_fail(err, SENTIMENT_ERR_IO, "%s: %s", tmp, strerror(errno));
    if (close(fd) < 0 && rc == SENTIMENT_OK)
        rc = sn_fail(err, SENTIMENT_ERR_IO, "%s: %s", tmp, strerror(errno));
    if (rc == SENTIMENT_OK && rename(tmp, target) < 0)
        rc = sn_fail(err, SENTIMENT_ERR_IO, "%s: cannot rename %s into place: %s",
                     path, tmp, strerror(errno));
    if (rc != SENTIMENT_OK)
        unlink(tmp);
    else if (sync_directory(dir) < 0)
        rc = sn_fail(err, SENTIMENT_ERR_IO, "%s: written, but its directory could not "
                     "be synced: %s", path, strerror(errno));
out:
    sn_free(tmp);
    sn_free(dir);
    return rc;
}

int sn_file_replace(const char *path, const void *data, size_t size,
                    sentiment_error *err)
{
    char *target = follow_links(path);
    int rc;

    if (target == NULL)
        return errno == ENOMEM
               ? sn_fail(err, SENTIMENT_ERR_NOMEM, "%s: out of memory while saving", path)
               : sn_fail(err, SENTIMENT_ERR_IO, "%s: %s", path, strerror(errno));
    rc = replace_file(path, target, data, size, err);
    sn_free(target);
    return rc;
}
