/* The module layer of sema (sema/modules.c): per-module name scopes, the
 * binding of `from M import names` between modules, and the `@extern`
 * declarations of the standard library. sema.c drives the passes; these
 * functions keep the state of the modules of the program being checked. */
#ifndef SIFR_SEMA_MODULES_H
#define SIFR_SEMA_MODULES_H

#include "sema_internal.h"

/* Diagnostic codes of the module system (docs/design/modules.md). */
#define CODE_IMPORT_CYCLE    "SIFR-IMPORT-0002" /* modules import each other */
#define CODE_IMPORT_RELATIVE "SIFR-IMPORT-0003" /* `from ..m import x`: beyond the program's directory */
#define CODE_IMPORT_FORM     "SIFR-IMPORT-0004" /* an import form Sifr does not have (`import m`, `*`) */

/* Is the (dotted) module a CPython module Sifr does not have? (sema.c) */
bool sema_is_cpython_module(StrId module);

/* Levenshtein distance of two names (99 when either is over 64 bytes). */
uint32_t sema_edit_distance(const char *a, uint32_t la, const char *b, uint32_t lb);

/* Start checking the modules of `set` (one scope each). */
void mods_begin(Sema *s, const SemaModuleSet *set);
/* Make module `m` current: s->module is its scope and s->file its file. */
void mods_enter(Sema *s, uint32_t m);
uint32_t mods_current(void);
uint32_t mods_count(void);
/* Free the scopes (s->module is left empty). */
void mods_end(Sema *s);

/* `from M import ...` when M is a module file of the program: binds the
 * names in the current scope. False when the statement is not such an
 * import (builtin or CPython modules). */
bool mods_import_from(Sema *s, NodeId stmt);
/* Is source file `file` a standard-library module (lib/sifr/)? */
bool mods_file_is_lib(uint32_t file);
/* `from sifr.X import ...` when lib/ has no sifr/X.sifr: names the seed
 * page denies are unknown, builtin error types are bound, the rest is "not
 * supported yet". False for other modules. */
bool mods_import_stdlib_pending(Sema *s, NodeId stmt);
/* `from typing import ...`: the names Sifr's annotations know. */
void mods_import_typing(Sema *s, NodeId stmt);

/* The decorators of function `fi`: `@extern("rt_name")` in standard-library
 * modules, anything else is reported. */
void mods_decorators(Sema *s, uint32_t fi);
/* After signatures: an `@extern` function's body must be `...`; its
 * parameter and return types must have a plain C form. */
void mods_check_extern(Sema *s, uint32_t fi);

#endif
