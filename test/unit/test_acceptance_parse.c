/* Every acceptance program (seed and seed_reject) and every seed-page code
 * block under test/parse must parse without a diagnostic and survive the
 * unparse round trip: dump(parse(unparse(parse(P)))) == dump(parse(P)). */
#include <criterion/criterion.h>
#include <dirent.h>

#include "ast.h"
#include "diag.h"

/* Parse one file and check it; returns false (after logging) on failure. */
static bool check_file(const char *path) {
    const char *err = NULL;
    FileId f = source_load(path, &err);
    if (!f) {
        cr_log_error("%s: cannot read: %s", path, err);
        return false;
    }
    uint32_t before = diag_count();
    Ast a1;
    bool ok = parse_file(f, &a1);
    if (!ok || diag_count() != before) {
        diag_render_all(stderr, DIAG_COMPACT, false);
        cr_log_error("%s: parse errors", path);
        ast_free(&a1);
        return false;
    }
    bool good = true;
    char *d1 = ast_dump_string(&a1, a1.root);
    char *text = ast_unparse(&a1, a1.root);
    FileId g = source_add(path, text, strlen(text));
    Ast a2;
    if (!parse_file(g, &a2)) {
        diag_render_all(stderr, DIAG_COMPACT, false);
        cr_log_error("%s: unparsed text does not parse:\n%s", path, text);
        good = false;
    } else {
        char *d2 = ast_dump_string(&a2, a2.root);
        if (strcmp(d1, d2) != 0) {
            cr_log_error("%s: round trip differs; unparsed text:\n%s", path, text);
            good = false;
        }
        free(d2);
    }
    /* A real program has at least one statement. */
    if (ast_node(&a1, a1.root)->list.count == 0) {
        cr_log_error("%s: empty module", path);
        good = false;
    }
    ast_free(&a2);
    free(d1);
    free(text);
    ast_free(&a1);
    return good;
}

static int has_suffix(const char *s, const char *suf) {
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Check every .sifr file in `dir`; returns how many were checked. */
static unsigned check_dir(const char *dir, unsigned *failed) {
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    unsigned count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!has_suffix(e->d_name, ".sifr")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        count++;
        if (!check_file(path)) (*failed)++;
    }
    closedir(d);
    return count;
}

Test(acceptance_parse, seed_programs) {
    unsigned failed = 0;
    unsigned n = check_dir(SIFR_SHARED_DIR "/acceptance/seed", &failed);
    cr_expect_gt(n, 0, "no acceptance programs found");
    cr_expect_eq(failed, 0, "%u of %u seed programs failed", failed, n);
}

Test(acceptance_parse, seed_reject_programs) {
    unsigned failed = 0;
    unsigned n = check_dir(SIFR_SHARED_DIR "/acceptance/seed_reject", &failed);
    cr_expect_gt(n, 0, "no acceptance programs found");
    cr_expect_eq(failed, 0, "%u of %u seed_reject programs failed", failed, n);
}

Test(acceptance_parse, seed_page_blocks) {
    unsigned failed = 0;
    unsigned n = check_dir(SIFR_SOURCE_DIR "/test/parse", &failed);
    cr_expect_geq(n, 17, "expected every seed-page code block, found %u files", n);
    cr_expect_eq(failed, 0, "%u of %u seed-page blocks failed", failed, n);
}
