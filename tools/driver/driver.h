/* Internal interface of the `sifr` command: the parsed command line, the
 * compile pipeline (compile.c) and the process plumbing (process.c): the
 * private temporary directory, the supervising parent and `sifr run`. */
#ifndef SIFR_DRIVER_H
#define SIFR_DRIVER_H

#include "codegen.h"

typedef enum DrvCommand { DRV_CMD_BUILD, DRV_CMD_RUN, DRV_CMD_CHECK } DrvCommand;

typedef struct DrvOptions {
    DrvCommand command;
    const char *input;        /* the .sifr file */
    const char *output;       /* -o; NULL = derived from the input's stem */
    const char *target;       /* --target; NULL = host */
    const char *cpu;          /* --cpu; NULL = portable baseline */
    EmitKind emit;
    bool emit_given;          /* --emit was on the line */
    bool emit_mir;            /* --emit mir: print the MIR instead of generating code */
    bool release;
    bool verbose;
    bool time;                /* --time: print how long the stages took */
    DiagFormat diag_format;
    bool diag_color;
    char **program_args;      /* run: the arguments after `--` */
    int program_argc;
} DrvOptions;

/* The command line's program name, used in "sifr: error: ..." lines. */
#define DRV_NAME "sifr"

/* ---- compile.c ----------------------------------------------------------- */

/* The file name without directory and without its last extension:
 * "dir/hello.sifr" -> "hello". Caller frees. */
char *drv_source_stem(const char *path);
/* The default output path of `sifr build` for these options. */
char *drv_default_output(const DrvOptions *opts);
/* Run the pipeline for `opts` (check: parse + sema; otherwise through
 * codegen into `output`, using `tmp_dir` for intermediates). Renders the
 * diagnostics and returns the exit status (0, 1 or 2). */
int drv_compile(const DrvOptions *opts, const char *output, const char *tmp_dir);
/* The directory holding the standard library (holding `sifr/NAME.sifr` files), or
 * NULL: $SIFR_LIB, else ../lib beside the executable, else the source
 * tree's lib/. Caller frees. */
char *drv_find_lib_dir(void);

/* ---- process.c ----------------------------------------------------------- */

/* Create the private temporary directory under $TMPDIR (default /tmp).
 * Returns NULL and prints an error on failure. Caller frees the string. */
char *drv_tmpdir_create(void);
/* Remove the directory and everything under it (best effort). */
void drv_tmpdir_remove(const char *dir);
/* Run `build` or `run` with a supervising parent: the compiler works in a
 * child process while the parent waits, so the temporary directory is
 * removed on every exit path, even when the compiler exits through ICE() or
 * crashes. Returns the exit status for the whole command. */
int drv_supervise(const DrvOptions *opts);

#endif
