/* Linking: runs `clang-19 -fuse-ld=lld` (no shell) on the program's object,
 * the runtime archive and liburing, with the linker's output captured in the
 * private temporary directory and attached to SIFR-LINK-0001 on failure. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cg_internal.h"

#ifndef SIFR_CLANG_PATH
#define SIFR_CLANG_PATH "clang-19"
#endif

extern char **environ;

/* Read at most `max` bytes of a small text file (the linker's messages). */
static char *cg_read_small_file(const char *path, size_t max) {
    FILE *f = fopen(path, "rb");
    if (!f) return xstrdup("");
    char *buf = xmalloc(max + 1);
    size_t n = fread(buf, 1, max, f);
    fclose(f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = '\0';
    return buf;
}

/* The runtime's bitcode archive when this build links with LTO (release,
 * for the host, archive present), else NULL. The string is static. */
const char *cg_lto_runtime(Cg *c) {
    static char path[4096];
    const CodegenOptions *o = c->opts;
    if (!o->release || !c->is_host || !o->rt_dir) return NULL;
    snprintf(path, sizeof path, "%s/librt_sifr_lto.a", o->rt_dir);
    return access(path, R_OK) == 0 ? path : NULL;
}

bool cg_link(Cg *c, const char *obj, const char *out_tmp) {
    const CodegenOptions *o = c->opts;
    if (!o->rt_dir) ICE("cg_link: no runtime directory given");

    StrBuf rt = {0}, errpath = {0};
    const char *lto = cg_lto_runtime(c);
    if (lto) sb_printf(&rt, "%s", lto);
    else sb_printf(&rt, "%s/librt_sifr.a", o->rt_dir);
    const char *dir = o->tmp_dir ? o->tmp_dir : P_tmpdir;
    if (o->tmp_dir) sb_printf(&errpath, "%s/link.stderr", dir);
    else sb_printf(&errpath, "%s/sifr-link-%ld.stderr", dir, (long)getpid());

    const char *argv[16];
    int argc = 0;
    argv[argc++] = SIFR_CLANG_PATH;
    argv[argc++] = "-fuse-ld=lld";
    if (lto) {
        /* full LTO of the program with the runtime (DESIGN.md, build modes) */
        argv[argc++] = "-flto=full";
        argv[argc++] = "-O2";
    }
    argv[argc++] = "-o";
    argv[argc++] = out_tmp;
    argv[argc++] = obj;
    argv[argc++] = rt.data;
    if (o->uring_lib) argv[argc++] = o->uring_lib;
    argv[argc++] = "-lm";
    argv[argc++] = "-lpthread";
    argv[argc] = NULL;

    if (o->verbose) {
        for (int i = 0; i < argc; i++) fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
        fputc('\n', stderr);
    }

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, errpath.data, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 2, 1);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);

    bool ok = false;
    if (rc != 0) {
        diag_error(CODE_LINK, CG_NO_SPAN, "cannot run the linker `%s`: %s", argv[0], strerror(rc));
    } else {
        int status = 0;
        pid_t w;
        do w = waitpid(pid, &status, 0);
        while (w < 0 && errno == EINTR);
        if (w < 0) {
            diag_error(CODE_LINK, CG_NO_SPAN, "waiting for the linker failed: %s", strerror(errno));
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            ok = true;
        } else {
            char *text = cg_read_small_file(errpath.data, 64 * 1024);
            Diagnostic *d = WIFEXITED(status)
                                ? diag_new(SEV_ERROR, CODE_LINK, CG_NO_SPAN, "linking failed (%s exited with status %d)",
                                           argv[0], WEXITSTATUS(status))
                                : diag_new(SEV_ERROR, CODE_LINK, CG_NO_SPAN, "linking failed (%s killed by signal %d)",
                                           argv[0], WTERMSIG(status));
            if (text[0]) diag_note(d, CG_NO_SPAN, "linker output:\n%s", text);
            diag_emit(d);
            free(text);
        }
    }
    remove(errpath.data);
    sb_free(&rt);
    sb_free(&errpath);
    return ok;
}
