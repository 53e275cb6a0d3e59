/* The `sifr` command line: parses the subcommand and its options, handles
 * --help/--version and usage errors (exit 2), then hands the work to the
 * pipeline (compile.c) or the supervised build/run (process.c). */
#define _GNU_SOURCE
#include "driver.h"

#include <unistd.h>

static const char drv_usage_text[] =
    "usage: sifr <command> [options]\n"
    "\n"
    "commands:\n"
    "  build FILE [-o OUT] [--release] [--target TRIPLE] [--cpu CPU]\n"
    "             [--emit llvm-ir|asm|obj|bc|mir]   (-o - : to standard output)\n"
    "                      compile FILE to a native executable (or IR, assembly, object, bitcode)\n"
    "  run FILE [--release] [--cpu CPU] [-- ARGS...]\n"
    "                      compile FILE and run it with ARGS; exits with the program's status\n"
    "  check FILE          parse and type-check FILE without generating code\n"
    "  help                show this help\n"
    "\n"
    "options (accepted anywhere on the line):\n"
    "  --cpu CPU           native (this machine), x86-64, x86-64-v2, x86-64-v3 or\n"
    "                      x86-64-v4; default: the target's portable baseline\n"
    "  --diagnostic-format human|json|compact   how errors are printed (default: human)\n"
    "  -v, --verbose       print the stages and the link command\n"
    "  --time              print how long the compiler's stages took (standard error)\n"
    "  -h, --help          show this help\n"
    "  --version           print the version\n"
    "\n"
    "exit status: 0 success, 1 the program was rejected, 2 usage error,\n"
    "             3 internal compiler error\n";

/* The CPUs --cpu accepts. */
static bool drv_known_cpu(const char *cpu) {
    static const char *const known[] = {"native", "x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(cpu, known[i]) == 0) return true;
    return false;
}

/* Report a usage error: one line naming the problem, then the usage. */
static _Noreturn void drv_usage_error(const char *fmt, const char *arg) {
    fprintf(stderr, DRV_NAME ": error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n\n%s", drv_usage_text);
    exit(2);
}

/* The value of an option written either as `--opt VALUE` or `--opt=VALUE`.
 * Advances *i past a separate value. */
static const char *drv_option_value(int argc, char **argv, int *i, const char *name) {
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (arg[n] == '=') return arg + n + 1;
    if (*i + 1 >= argc) drv_usage_error("option %s needs a value", name);
    return argv[++*i];
}

/* Does `arg` spell option `name`, alone or as `name=VALUE`? */
static bool drv_is_option(const char *arg, const char *name) {
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static bool drv_parse_command(const char *word, DrvCommand *out) {
    if (strcmp(word, "build") == 0) *out = DRV_CMD_BUILD;
    else if (strcmp(word, "run") == 0) *out = DRV_CMD_RUN;
    else if (strcmp(word, "check") == 0) *out = DRV_CMD_CHECK;
    else return false;
    return true;
}

/* Human diagnostics get colour only on a terminal, and never when NO_COLOR
 * is set to a non-empty value (https://no-color.org). */
static bool drv_want_color(void) {
    const char *nc = getenv("NO_COLOR");
    return isatty(STDERR_FILENO) && !(nc && *nc);
}

static void drv_parse_args(int argc, char **argv, DrvOptions *o) {
    memset(o, 0, sizeof *o);
    o->emit = EMIT_EXE;
    o->diag_format = DIAG_HUMAN;
    bool have_command = false, want_help = false, want_version = false;
    const char *command_word = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            /* Everything after `--` belongs to the program of `sifr run`. */
            if (!have_command || o->command != DRV_CMD_RUN)
                drv_usage_error("%s is only valid after `sifr run FILE`", "`--`");
            o->program_args = argv + i + 1;
            o->program_argc = argc - i - 1;
            break;
        }
        if (drv_is_option(a, "--diagnostic-format")) {
            const char *v = drv_option_value(argc, argv, &i, "--diagnostic-format");
            if (!diag_parse_format(v, &o->diag_format))
                drv_usage_error("unknown diagnostic format `%s` (expected human, json or compact)", v);
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o->verbose = true;
        } else if (strcmp(a, "--time") == 0) {
            o->time = true;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            want_help = true;
        } else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            want_version = true;
        } else if (strcmp(a, "--release") == 0) {
            o->release = true;
        } else if (strcmp(a, "-o") == 0) {
            if (i + 1 >= argc) drv_usage_error("option %s needs a value", "-o");
            o->output = argv[++i];
        } else if (drv_is_option(a, "--output")) {
            o->output = drv_option_value(argc, argv, &i, "--output");
        } else if (drv_is_option(a, "--target")) {
            o->target = drv_option_value(argc, argv, &i, "--target");
        } else if (drv_is_option(a, "--cpu")) {
            o->cpu = drv_option_value(argc, argv, &i, "--cpu");
            if (!drv_known_cpu(o->cpu))
                drv_usage_error("unknown CPU `%s` (expected native, x86-64, x86-64-v2, x86-64-v3 or x86-64-v4)",
                                o->cpu);
        } else if (drv_is_option(a, "--emit")) {
            const char *v = drv_option_value(argc, argv, &i, "--emit");
            if (strcmp(v, "mir") == 0)
                o->emit_mir = true;
            else if (!cg_parse_emit(v, &o->emit))
                drv_usage_error("unknown --emit kind `%s` (expected llvm-ir, asm, obj, bc or mir)", v);
            o->emit_given = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            drv_usage_error("unknown option `%s`", a);
        } else if (!command_word) {
            command_word = a;
            if (strcmp(a, "help") == 0) {
                want_help = true;
            } else {
                if (!drv_parse_command(a, &o->command)) drv_usage_error("unknown command `%s`", a);
                have_command = true;
            }
        } else if (!o->input && have_command) {
            o->input = a;
        } else {
            drv_usage_error("unexpected argument `%s`", a);
        }
    }

    if (want_help) {
        fputs(drv_usage_text, stdout);
        exit(0);
    }
    if (want_version) {
        printf("sifr %s (LLVM 19)\n", SIFR_VERSION);
        exit(0);
    }
    if (!have_command) drv_usage_error("%s", "missing command");
    if (!o->input) drv_usage_error("`sifr %s` needs a FILE", command_word);

    /* Options that make no sense for the chosen command are mistakes, not
     * things to ignore silently. */
    if (o->command != DRV_CMD_BUILD) {
        if (o->output) drv_usage_error("-o is only valid for `sifr build`%s", "");
        if (o->emit_given) drv_usage_error("--emit is only valid for `sifr build`%s", "");
        if (o->target && o->command == DRV_CMD_RUN)
            drv_usage_error("--target is only valid for `sifr build`%s", "");
    }
    if (o->output && strcmp(o->output, "-") == 0 && (!o->emit_given || (o->emit == EMIT_EXE && !o->emit_mir)))
        drv_usage_error("-o - writes to standard output, which needs --emit (llvm-ir, asm, obj, bc or mir)%s", "");
    if (o->command == DRV_CMD_CHECK && o->cpu) drv_usage_error("--cpu is not valid for `sifr check`%s", "");
    if (o->command == DRV_CMD_CHECK && o->release)
        drv_usage_error("--release is not valid for `sifr check`%s", "");
    o->diag_color = o->diag_format == DIAG_HUMAN && drv_want_color();
}

int main(int argc, char **argv) {
    ice_install_crash_handlers();
    DrvOptions opts;
    drv_parse_args(argc, argv, &opts);

    /* check writes no files, so it needs neither a temporary directory nor a
     * supervising parent. */
    if (opts.command == DRV_CMD_CHECK) return drv_compile(&opts, NULL, NULL);
    return drv_supervise(&opts);
}
