/* str.format() format strings: splitting a literal into text and
 * replacement fields (Python's grammar without attribute/index lookups and
 * nested fields), used by the checker and the lowering alike. */
#include "strformat.h"

#include <string.h>

int strfmt_next(StrFmt *f, StrFmtPiece *out, const char **err) {
    memset(out, 0, sizeof *out);
    if (f->pos >= f->len) return 0;
    const char *s = f->s;
    uint32_t i = f->pos;
    if (s[i] != '{' && s[i] != '}') {
        uint32_t j = i;
        while (j < f->len && s[j] != '{' && s[j] != '}') j++;
        out->lit = s + i;
        out->lit_len = j - i;
        f->pos = j;
        return 1;
    }
    if (i + 1 < f->len && s[i + 1] == s[i]) { /* "{{" / "}}": one brace of text */
        out->lit = s + i;
        out->lit_len = 1;
        f->pos = i + 2;
        return 1;
    }
    if (s[i] == '}') {
        *err = "single '}' encountered in format string";
        return -1;
    }
    /* a field: {[name][!conv][:spec]} */
    uint32_t j = i + 1, end = j;
    while (end < f->len && s[end] != '}') {
        if (s[end] == '{') {
            *err = "a nested `{...}` inside a format field";
            return -2;
        }
        end++;
    }
    if (end >= f->len) {
        *err = "expected '}' before end of string";
        return -1;
    }
    uint32_t k = j;
    while (k < end && s[k] != '!' && s[k] != ':') k++;
    const char *name = s + j;
    uint32_t name_len = k - j;
    for (uint32_t q = 0; q < name_len; q++)
        if (name[q] == '.' || name[q] == '[') {
            *err = "attribute or index lookups in a format field";
            return -2;
        }
    out->field = true;
    if (k < end && s[k] == '!') {
        if (k + 1 >= end || (s[k + 1] != 'r' && s[k + 1] != 's' && s[k + 1] != 'a')) {
            *err = "unknown conversion specifier";
            return -1;
        }
        if (s[k + 1] == 'a') {
            *err = "the `!a` conversion";
            return -2;
        }
        out->conv = s[k + 1];
        k += 2;
        if (k < end && s[k] != ':') {
            *err = "expected ':' after conversion specifier";
            return -1;
        }
    }
    if (k < end && s[k] == ':') {
        out->spec = s + k + 1;
        out->spec_len = end - k - 1;
    }
    bool digits = name_len > 0;
    for (uint32_t q = 0; q < name_len; q++)
        if (name[q] < '0' || name[q] > '9') digits = false;
    if (name_len == 0 || digits) {
        int mode = name_len == 0 ? 1 : 2;
        if (f->numbering && f->numbering != mode) {
            *err = mode == 1 ? "cannot switch from manual field specification to automatic field numbering"
                             : "cannot switch from automatic field numbering to manual field specification";
            return -1;
        }
        f->numbering = mode;
        if (mode == 1) out->index = f->next_auto++;
        else {
            int64_t v = 0;
            for (uint32_t q = 0; q < name_len && v < 1000000; q++) v = v * 10 + (name[q] - '0');
            out->index = (int32_t)v;
        }
    } else {
        out->index = -1;
        out->name = name;
        out->name_len = name_len;
    }
    f->pos = end + 1;
    return 1;
}
