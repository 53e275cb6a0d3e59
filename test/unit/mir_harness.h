/* Lookups shared by the unit tests that lower programs to MIR: a body by
 * its link name, a local by its source name. Included by test_mir.c and
 * test_ownership.c. */
#ifndef SIFR_MIR_HARNESS_H
#define SIFR_MIR_HARNESS_H

#include <criterion/criterion.h>
#include <string.h>

#include "mir.h"

static inline const MirBody *mir_body_in(const MirProgram *mp, const char *symbol) {
    for (uint32_t i = 0; i < mp->bodies.len; i++)
        if (!strcmp(mp->bodies.items[i]->symbol, symbol)) return mp->bodies.items[i];
    cr_assert_fail("no body %s", symbol);
    return NULL;
}

/* The local holding the named variable (the last one of that name, so that
 * a reassigned parameter finds its owned copy). */
static inline MirLocalId mir_local_named(const MirBody *b, const char *name) {
    StrId id = intern_cstr(name);
    for (uint32_t i = b->locals.len; i > 0; i--)
        if (b->locals.items[i - 1].name == id) return i - 1;
    cr_assert_fail("no local %s", name);
    return 0;
}

#endif
