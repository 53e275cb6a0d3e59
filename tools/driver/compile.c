/* The compile pipeline of the `sifr` command: load -> parse -> sema ->
 * codegen, each stage gating the next, with the diagnostics of the whole run
 * rendered once at the end. Also the naming of default outputs and the
 * search for the runtime library. */
#define _GNU_SOURCE
#include "driver.h"
#include "mir.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

char *drv_source_stem(const char *path) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    /* A leading dot names a hidden file, not an extension. */
    size_t n = (dot && dot != base) ? (size_t)(dot - base) : strlen(base);
    if (n == 0) return xstrdup("out");
    return xstrndup(base, n);
}

static const char *drv_emit_extension(EmitKind emit) {
    switch (emit) {
    case EMIT_EXE: return "";
    case EMIT_OBJ: return ".o";
    case EMIT_ASM: return ".s";
    case EMIT_LLVM_IR: return ".ll";
    case EMIT_BC: return ".bc";
    }
    ICE("unknown emit kind %d", (int)emit);
}

char *drv_default_output(const DrvOptions *opts) {
    /* The output goes to the current directory, like cc's a.out. */
    char *stem = drv_source_stem(opts->input);
    StrBuf sb = {0};
    sb_printf(&sb, "./%s%s", stem, opts->emit_mir ? ".mir" : drv_emit_extension(opts->emit));
    free(stem);
    return sb_take(&sb);
}

/* The directory `<dir of this executable>/../lib` when it holds `entry`
 * (a file or directory), else NULL. Caller frees. */
static char *drv_installed_lib(const char *entry) {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return NULL;
    exe[n] = '\0';
    StrBuf dir = {0};
    sb_printf(&dir, "%s/../lib", dirname(exe));
    StrBuf path = {0};
    sb_printf(&path, "%s/%s", dir.data, entry);
    bool found = access(path.data, R_OK) == 0;
    sb_free(&path);
    if (found) return sb_take(&dir);
    sb_free(&dir);
    return NULL;
}

/* The directory holding librt_sifr.a: an installed layout (bin/sifr next to
 * lib/librt_sifr.a) wins over the build tree the compiler came from. */
static char *drv_find_rt_dir(void) {
    char *dir = drv_installed_lib("librt_sifr.a");
    return dir ? dir : xstrdup(SIFR_BUILD_RT_DIR);
}

static bool drv_is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory holding the standard library's `sifr/` modules: SIFR_LIB
 * when set; else an installed layout (bin/sifr next to lib/sifr/); else the
 * source tree the compiler was built from. NULL when none exists. */
char *drv_find_lib_dir(void) {
    const char *env = getenv("SIFR_LIB");
    if (env && *env) return xstrdup(env);
    char *dir = drv_installed_lib("sifr");
    if (dir) return dir;
    if (drv_is_dir(SIFR_SOURCE_DIR "/lib/sifr")) return xstrdup(SIFR_SOURCE_DIR "/lib");
    return NULL;
}

/* True when `output` names the very file we are compiling: writing the
 * executable of `hello` over a source file called `hello` would destroy it. */
static bool drv_output_is_input(const char *output, const char *input) {
    struct stat so, si;
    if (stat(output, &so) != 0 || stat(input, &si) != 0) return false;
    return so.st_dev == si.st_dev && so.st_ino == si.st_ino;
}

/* `--emit mir`: lower to MIR and write every body's dump to `output`, under
 * a temporary name first so a failure leaves no partial file. */
static bool drv_emit_mir(const Program *prog, const char *output) {
    MirProgram mp;
    memset(&mp, 0, sizeof mp);
    if (!mir_build(prog, &mp)) {
        mir_program_free(&mp);
        return false;
    }
    StrBuf tmp = {0};
    sb_printf(&tmp, "%s.tmp.%ld", output, (long)getpid());
    FILE *f = fopen(tmp.data, "w");
    bool ok = f != NULL;
    for (uint32_t i = 0; ok && i < mp.bodies.len; i++) {
        if (i) fputc('\n', f);
        mir_dump(f, mp.bodies.items[i]);
    }
    if (f && fclose(f) != 0) ok = false;
    if (ok && rename(tmp.data, output) != 0) ok = false;
    if (!ok) {
        diag_error(CODE_CLI_IO, (Span){0, 0, 0}, "cannot write %s: %s", output, strerror(errno));
        unlink(tmp.data);
    }
    sb_free(&tmp);
    mir_program_free(&mp);
    return ok;
}

/* The checks that run after sema: the code generator's support gate, then
 * MIR construction with its ownership checks (use after move). */
static bool drv_check_lowering(const Program *prog) {
    if (!cg_check_supported(prog)) return false;
    MirProgram mp;
    memset(&mp, 0, sizeof mp);
    bool ok = mir_build(prog, &mp);
    mir_program_free(&mp);
    return ok && diag_error_count() == 0;
}

static void drv_stage(const DrvOptions *opts, const char *what) {
    if (opts->verbose) fprintf(stderr, DRV_NAME ": %s %s\n", what, opts->input);
}

/* Render everything the stages reported (errors and warnings alike). */
static void drv_render_diagnostics(const DrvOptions *opts) {
    if (diag_count() == 0) return;
    fflush(stdout);
    diag_render_all(stderr, opts->diag_format, opts->diag_color);
    fflush(stderr);
}

/* Parse the entry file and the modules it imports, then check them;
 * returns false if the program was rejected. */
static bool drv_front_end(const DrvOptions *opts, FileId file, Ast *ast, Program *prog) {
    drv_stage(opts, "parsing");
    char *lib_dir = drv_find_lib_dir();
    SemaModuleSet set;
    bool ok = modules_load(file, lib_dir, ast, &set);
    free(lib_dir);
    if (ok) {
        /* modules that could not be imported are already reported and
         * poison the names they would have given */
        drv_stage(opts, "checking");
        sema_init();
        ok = sema_check_program(ast, &set, prog);
    }
    modules_free(&set);
    return ok && diag_error_count() == 0;
}

static int drv_generate(const DrvOptions *opts, const Program *prog, const char *output, const char *tmp_dir);

/* Copy the file at `path` to stdout. */
static bool drv_copy_to_stdout(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char buf[1 << 16];
    size_t n;
    bool ok = true;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0) ok = fwrite(buf, 1, n, stdout) == n;
    ok = ok && !ferror(f) && fflush(stdout) == 0;
    fclose(f);
    return ok;
}

int drv_compile(const DrvOptions *opts, const char *output, const char *tmp_dir) {
    const char *err = NULL;
    FileId file = source_load(opts->input, &err);
    if (file == 0) {
        fprintf(stderr, DRV_NAME ": error: cannot read %s: %s\n", opts->input,
                err ? err : "unknown error");
        return 2;
    }

    Ast ast;
    memset(&ast, 0, sizeof ast);
    Program prog;
    memset(&prog, 0, sizeof prog);
    int status = 0;
    uint64_t t0 = own_clock_ns(), t_front = 0;
    if (!drv_front_end(opts, file, &ast, &prog)) {
        status = 1;
    } else if (opts->command == DRV_CMD_CHECK) {
        /* `check` answers "would this build?": the code generator's support
         * gate and the ownership checks on the MIR run too; only LLVM and
         * the linker are skipped. */
        t_front = own_clock_ns();
        if (!drv_check_lowering(&prog)) status = 1;
    } else {
        t_front = own_clock_ns();
        /* -o -: write into the private directory, then copy to stdout */
        bool to_stdout = strcmp(output, "-") == 0;
        StrBuf staged = {0};
        if (to_stdout) {
            sb_printf(&staged, "%s/stdout.out", tmp_dir);
            output = staged.data;
        }
        status = drv_generate(opts, &prog, output, tmp_dir);
        if (to_stdout && status == 0 && !drv_copy_to_stdout(output)) {
            diag_error(CODE_CLI_IO, (Span){0, 0, 0}, "cannot write to standard output: %s", strerror(errno));
            status = 1;
        }
        sb_free(&staged);
    }
    if (opts->time) {
        /* ownership: the parameter rules (in the front end) and the MIR's
         * move checks (in the lowering) */
        uint64_t t_end = own_clock_ns();
        if (!t_front) t_front = t_end;
        fprintf(stderr, DRV_NAME ": time: front end %.3f ms, after it %.3f ms, total %.3f ms; ownership checks %.3f ms\n",
                (double)(t_front - t0) / 1e6, (double)(t_end - t_front) / 1e6, (double)(t_end - t0) / 1e6,
                (double)sema_ownership_ns() / 1e6);
    }
    drv_render_diagnostics(opts);

    /* The program only exists when sema produced it. */
    if (prog.ast) program_free(&prog);
    ast_free(&ast);
    source_reset();
    return status;
}

/* Everything after the front end of `sifr build`/`run`: MIR or code into
 * `output`. The exit status (0, 1, or 2 for an output that is the input). */
static int drv_generate(const DrvOptions *opts, const Program *prog_in, const char *output, const char *tmp_dir) {
    const Program *prog = prog_in;
    int status = 0;
    {
        if (drv_output_is_input(output, opts->input)) {
            fprintf(stderr, DRV_NAME ": error: the output %s would overwrite the input; choose another with -o\n",
                    output);
            return 2;
        }
        if (opts->emit_mir) return drv_emit_mir(prog, output) ? 0 : 1;
        char *rt_dir = drv_find_rt_dir();
        CodegenOptions cg = {
            .output = output,
            .emit = opts->emit,
            .release = opts->release,
            .target = opts->target,
            .cpu = opts->cpu,
            .rt_dir = rt_dir,
            .uring_lib = SIFR_URING_STATIC,
            .tmp_dir = tmp_dir,
            .verbose = opts->verbose,
        };
        drv_stage(opts, "generating code for");
        if (!cg_build(prog, &cg)) {
            /* cg_build promises a diagnostic for every failure it returns. */
            if (diag_error_count() == 0) ICE("code generation failed without reporting an error");
            status = 1;
        } else if (opts->verbose) {
            fprintf(stderr, DRV_NAME ": wrote %s\n", output);
        }
        free(rt_dir);
    }
    return status;
}
