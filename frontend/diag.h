/* The diagnostics engine: every user-facing error of every stage goes through
 * here. A diagnostic has a stable code (never renumbered; see docs/errors.md),
 * a primary span with a label, optional notes (each with an optional span)
 * and an optional help line; three renderings: human, json, compact. */
#ifndef SIFR_DIAG_H
#define SIFR_DIAG_H

#include "common.h"

typedef enum DiagSeverity { SEV_ERROR, SEV_WARNING, SEV_NOTE } DiagSeverity;

typedef enum DiagFormat { DIAG_HUMAN, DIAG_JSON, DIAG_COMPACT } DiagFormat;

typedef struct DiagNote {
    Span span;     /* span.file == 0: a note without a location */
    char *message;
} DiagNote;

typedef struct Diagnostic {
    DiagSeverity severity;
    const char *code;   /* "SIFR-OWN-0001"; static storage */
    char *message;      /* headline: "use of moved value `s`" */
    Span span;          /* primary span */
    char *label;        /* text under the carets; may be NULL */
    VEC(DiagNote) notes;
    char *help;         /* may be NULL */
} Diagnostic;

/* Start a diagnostic; it is recorded when diag_emit() is called. */
Diagnostic *diag_new(DiagSeverity sev, const char *code, Span span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_label(Diagnostic *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_note(Diagnostic *d, Span span, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_help(Diagnostic *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_emit(Diagnostic *d);

/* Shorthand: an error with a code, a span and a message (label = NULL). */
void diag_error(const char *code, Span span, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Engine state: everything emitted so far, in order. */
uint32_t diag_error_count(void);
uint32_t diag_count(void);
const Diagnostic *diag_at(uint32_t i);
void diag_reset(void);

/* Rendering. diag_render_all writes every recorded diagnostic to `out` in the
 * chosen format (json: one JSON object per line). `color` adds ANSI colours in
 * the human form. */
void diag_render(FILE *out, const Diagnostic *d, DiagFormat fmt, bool color);
void diag_render_all(FILE *out, DiagFormat fmt, bool color);
bool diag_parse_format(const char *name, DiagFormat *out);

/* ==== Diagnostic codes ===================================================
 * Stable; listed with explanations in docs/errors.md. Add new codes at the
 * end of their family; never renumber or reuse one. */
#define CODE_PARSE_SYNTAX       "SIFR-PARSE-0001" /* unexpected token / invalid syntax */
#define CODE_PARSE_INDENT       "SIFR-PARSE-0002" /* inconsistent indentation / unexpected indent */
#define CODE_PARSE_TAB          "SIFR-PARSE-0003" /* tab in indentation */
#define CODE_PARSE_STRING       "SIFR-PARSE-0004" /* unterminated string / bad escape */
#define CODE_PARSE_NUMBER       "SIFR-PARSE-0005" /* malformed number literal / out of range */
#define CODE_PARSE_CHAR         "SIFR-PARSE-0006" /* invalid character in source */
#define CODE_PARSE_FSTRING      "SIFR-PARSE-0007" /* malformed f-string */
#define CODE_PARSE_EXPECTED     "SIFR-PARSE-0008" /* expected X, found Y */
#define CODE_PARSE_ENCODING     "SIFR-PARSE-0009" /* file is not valid UTF-8 */
#define CODE_PARSE_TARGET       "SIFR-PARSE-0010" /* invalid assignment target */
#define CODE_PARSE_TOPLEVEL     "SIFR-PARSE-0011" /* executable statement at module level */

#define CODE_NAME_UNKNOWN       "SIFR-NAME-0001"  /* unknown name / not exported by module */
#define CODE_NAME_REDEFINED     "SIFR-NAME-0002"  /* name defined twice in one scope */
#define CODE_NAME_NO_MAIN       "SIFR-NAME-0003"  /* program has no main */
#define CODE_NAME_ATTR          "SIFR-NAME-0004"  /* unknown attribute / method */

#define CODE_IMPORT_UNKNOWN     "SIFR-IMPORT-0001" /* module not found */
#define CODE_IMPORT_CPYTHON     "SIFR-IMPORT-0008" /* a CPython module Sifr does not have */

#define CODE_TYPE_UNKNOWN       "SIFR-TYPE-0001"  /* unknown type name */
#define CODE_TYPE_MISMATCH      "SIFR-TYPE-0002"  /* type mismatch (also await outside async def) */
#define CODE_TYPE_ARITY         "SIFR-TYPE-0003"  /* wrong number of arguments */
#define CODE_TYPE_NOT_CALLABLE  "SIFR-TYPE-0004"  /* calling a non-function */
#define CODE_TYPE_RETURN        "SIFR-TYPE-0005"  /* missing return in a function returning a value */
#define CODE_TYPE_UNSUPPORTED   "SIFR-TYPE-0006"  /* construct not supported yet by this compiler */
#define CODE_TYPE_MAIN          "SIFR-TYPE-0007"  /* main has an unsupported signature */
#define CODE_TYPE_ANNOTATION    "SIFR-TYPE-0008"  /* missing parameter/return annotation */

#define CODE_FLOW_BREAK         "SIFR-FLOW-0001"  /* break outside a loop */
#define CODE_FLOW_CONTINUE      "SIFR-FLOW-0002"  /* continue outside a loop */
#define CODE_FLOW_RETURN        "SIFR-FLOW-0003"  /* return outside a function */

#define CODE_OWN_USE_AFTER_MOVE "SIFR-OWN-0001"   /* use of a moved value */
#define CODE_OWN_CONFLICTING_BORROWS "SIFR-OWN-0002" /* a mutable borrow and another use of the value in one call */
#define CODE_OWN_ESCAPE         "SIFR-OWN-0003"   /* a borrowed parameter (or scoped value) escapes */
#define CODE_OWN_MOVE_IN_LOOP   "SIFR-OWN-0004"   /* a value moved in one loop iteration, used in the next */
#define CODE_OWN_MUTATE_IMMUTABLE "SIFR-OWN-0005" /* mutation through an immutable parameter or `self` */
#define CODE_OWN_REBIND_PARAM   "SIFR-OWN-0006"   /* rebinding a parameter not declared `mut` */
#define CODE_OWN_ACROSS_AWAIT   "SIFR-OWN-0009"   /* a mutable borrow, guard or permit alive across `await` */
#define CODE_OWN_SEND_SPAWN     "SIFR-OWN-0010"   /* a non-sendable value crosses `spawn` (or a worker boundary) */
#define CODE_OWN_SEND_CHANNEL   "SIFR-OWN-0011"   /* a non-sendable channel payload */
#define CODE_OWN_SHARED_MUTABLE "SIFR-OWN-0012"   /* `Shared` of a mutable value */
#define CODE_OWN_LINEAR_DROPPED "SIFR-OWN-0013"   /* a must-consume value dropped without being consumed */
#define CODE_ASYNC_BLOCKING_PROCESS "SIFR-ASYNC-0003" /* a blocking process function called in `async def` */
#define CODE_ASYNC_BLOCKING_PARALLEL "SIFR-ASYNC-0004" /* a parallel map called in `async def` */
#define CODE_ASYNC_BLOCKING_SHELL "SIFR-ASYNC-0007" /* a blocking shell function called in `async def` */
#define CODE_OWN_LINEAR_COPIED  "SIFR-OWN-0014"   /* a use-once or scoped value copied */

#define CODE_RESULT_UNHANDLED   "SIFR-RESULT-0005"

#define CODE_MATCH_NONEXHAUSTIVE "SIFR-MATCH-0001" /* match does not cover every value */

#define CODE_CLI_USAGE          "SIFR-CLI-0001"   /* bad command line (exit 2) */
#define CODE_CLI_IO             "SIFR-CLI-0002"   /* cannot read input / write output */
#define CODE_LINK               "SIFR-LINK-0001"  /* the system linker failed */

#endif
