/* The `sifr` command line as a user meets it: options that write to
 * standard output (-o -), usage errors (exit 2, one line naming the
 * problem), --cpu. Runs the built compiler in a scratch directory. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static void setup(void) {
    strcpy(dir, "/tmp/sifr-cli-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/hello.sifr", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("def main() -> None:\n    print(\"hi\")\n", f);
    fclose(f);
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

/* Run `sifr ARGS` in the scratch directory; stdout (and stderr when
 * `merge`) into out; returns the exit status. */
static int run(const char *args, bool merge, char *out, size_t cap) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cd %s && %s %s %s", dir, SIFR_BIN, args, merge ? "2>&1" : "2>/dev/null");
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static bool exists(const char *name) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

TestSuite(cli, .init = setup, .fini = teardown);

Test(cli, emit_to_stdout) {
    static char out[1 << 16];
    cr_assert_eq(run("build hello.sifr --emit mir -o -", false, out, sizeof out), 0);
    cr_expect(strstr(out, "fn main.main() -> None {") != NULL, "MIR on stdout: %s", out);
    cr_assert_eq(run("build hello.sifr --emit llvm-ir -o -", false, out, sizeof out), 0);
    cr_expect(strstr(out, "define") != NULL);
    cr_expect(!exists("-"), "-o - must not create a file named -");
}

Test(cli, exe_to_stdout_is_a_usage_error) {
    char out[4096];
    cr_assert_eq(run("build hello.sifr -o -", true, out, sizeof out), 2);
    cr_expect(strstr(out, "sifr: error: -o - writes to standard output") == out, "%s", out);
    cr_expect(!exists("-"));
}

Test(cli, cpu_option) {
    char out[4096];
    cr_assert_eq(run("build hello.sifr --cpu x86-64-v2 -o a.out", true, out, sizeof out), 0);
    cr_expect(exists("a.out"));
    cr_assert_eq(run("build hello.sifr --cpu pentium9 -o b.out", true, out, sizeof out), 2);
    cr_expect(strstr(out, "unknown CPU `pentium9`") != NULL, "%s", out);
    cr_expect(!exists("b.out"));
    cr_assert_eq(run("check hello.sifr --cpu native", true, out, sizeof out), 2);
}

Test(cli, unknown_option) {
    char out[4096];
    cr_assert_eq(run("build hello.sifr --frobnicate", true, out, sizeof out), 2);
    cr_expect(strstr(out, "unknown option `--frobnicate`") != NULL, "%s", out);
}
