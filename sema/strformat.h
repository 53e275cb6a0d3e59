/* The replacement-field grammar of str.format() ("{}", "{0}", "{name!r:>8}",
 * "{{" and "}}"), shared by its type check (sema/check_builtins.c) and its
 * lowering (sema/mir_lower_seq.c) so both read a format string alike. */
#ifndef SIFR_SEMA_STRFORMAT_H
#define SIFR_SEMA_STRFORMAT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct StrFmtPiece {
    bool field;       /* false: literal text lit[0..lit_len) */
    const char *lit;
    uint32_t lit_len;
    int32_t index;    /* field: positional argument, or -1 for a keyword */
    const char *name; /* field: keyword name (index == -1) */
    uint32_t name_len;
    char conv;        /* 0, 'r' or 's' */
    const char *spec; /* after ':' (may be empty) */
    uint32_t spec_len;
} StrFmtPiece;

typedef struct StrFmt {
    const char *s;
    uint32_t len, pos;
    int32_t next_auto; /* the next "{}" index */
    int numbering;     /* 0 undecided, 1 automatic, 2 manual */
} StrFmt;

/* Read the next piece into *out. Returns 1 for a piece, 0 at the end, -1
 * for a malformed string (*err says why, in Python's words) and -2 for a
 * field form this compiler does not support (attribute or index lookups,
 * nested fields in the spec; *err names it). */
int strfmt_next(StrFmt *f, StrFmtPiece *out, const char **err);

#endif
