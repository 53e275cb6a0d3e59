/* The runtime ABI for compound Sifr values: type descriptors, lists, dicts,
 * sets, bytes, the methods of str and bytes, and the generic operations
 * (drop, clone, equality, hashing, ordering, str/repr) that work on any
 * value through its descriptor. Included by sifr_rt.h.
 *
 * Value layouts (what a value of each type IS when stored in a variable, a
 * field or a container slot; `size`/`align` in the descriptor match):
 *   int         int64_t                      8/8
 *   float       double                       8/8
 *   bool        uint8_t (0/1)                1/1
 *   None        nothing                      0/1
 *   str, bytes  RtStr * (never NULL)         8/8
 *   list[T]     RtList * (never NULL)        8/8
 *   dict[K, V]  RtDict * (never NULL)        8/8
 *   set[T]      RtSet * (never NULL)         8/8
 *   class       void * to a heap object laid out as the descriptor's fields
 *               (classes are boxed so recursive types work; single owner)
 *   tuple       the fields inline, C struct layout of the element types
 *   T | None    RT_K_OPTION: { uint8_t tag (0 = None, 1 = Some); T value at
 *               offset `payload_offset` }; when T is a class the option is the
 *               nullable object pointer itself (RT_K_OPTION_PTR)
 *   Result[T,E] { uint8_t tag (0 = Ok, 1 = Err); T or E at payload_offset }
 *   enum        int64_t member index
 *   Callable    RtClosure { fn pointer, env pointer (may be NULL), env_type }
 *               24/8; env_type is an RT_K_CLASS descriptor (the environment
 *               is a boxed object whose fields are the captured values)
 * Ownership: every operation below documents whether it borrows or takes its
 * arguments. "Takes" means the callee now owns the value and the caller must
 * not drop it; containers own their elements. */
#ifndef SIFR_RT_VALUES_H
#define SIFR_RT_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct RtStr RtStr;
typedef struct RtLoc RtLoc;

/* ==== Type descriptors ====================================================
 * Codegen emits one constant RtType per concrete (monomorphised) type a
 * program uses. The generic operations dispatch on `kind`; class descriptors
 * may override str/eq with user methods. */
typedef enum RtKind {
    RT_K_NONE,
    RT_K_BOOL,
    RT_K_INT,
    RT_K_FLOAT,
    RT_K_STR,
    RT_K_BYTES,
    RT_K_LIST,       /* params[0] = element */
    RT_K_DICT,       /* params[0] = key, params[1] = value */
    RT_K_SET,        /* params[0] = element */
    RT_K_TUPLE,      /* fields = elements (names NULL) */
    RT_K_OPTION,     /* params[0] = T; tag byte + payload */
    RT_K_OPTION_PTR, /* params[0] = T (a class); NULL pointer = None */
    RT_K_RESULT,     /* params[0] = T, params[1] = E */
    RT_K_CLASS,      /* fields; boxed */
    RT_K_ENUM,       /* enum_names */
    RT_K_FUNC,       /* RtClosure */
    RT_K_OPAQUE,     /* a runtime handle (task handle, context, coroutine): a pointer,
                        released by user_drop(pointer) when not NULL; cannot be copied */
} RtKind;

typedef struct RtType RtType;

typedef struct RtField {
    const char *name;     /* NULL for tuple elements */
    uint32_t offset;
    const RtType *type;
} RtField;

/* Optional user overrides (methods written by hand in the class). Each takes
 * a pointer to the value (for classes: a pointer to the object pointer). */
typedef RtStr *(*RtStrFn)(const void *value);
typedef bool (*RtEqFn)(const void *a, const void *b);
typedef void (*RtDropFn)(void *value);

struct RtType {
    RtKind kind;
    uint32_t size;            /* bytes of the value itself (see layouts above) */
    uint32_t align;
    uint32_t payload_offset;  /* RT_K_OPTION / RT_K_RESULT */
    const char *name;         /* class/enum name ("Point"), or NULL */
    uint32_t nparams;
    const RtType *const *params;
    uint32_t nfields;         /* RT_K_CLASS / RT_K_TUPLE */
    const RtField *fields;
    uint32_t object_size;     /* RT_K_CLASS: bytes of the heap object */
    uint32_t nenum;           /* RT_K_ENUM: member names */
    const char *const *enum_names;
    RtStrFn user_str;         /* __str__ written by hand, or NULL */
    RtStrFn user_repr;        /* __repr__ written by hand, or NULL */
    RtEqFn user_eq;           /* __eq__ written by hand, or NULL */
    RtDropFn user_drop;       /* runs before the fields are dropped (__del__), or NULL */
    bool is_error;            /* class derives from Error: str() is its message */
    const RtType *base;       /* RT_K_CLASS: the base class's descriptor, or NULL */
    uint32_t nmethods;        /* RT_K_CLASS: the virtual method table, one slot per */
    void *const *methods;     /*   method in ClassInfo order (overrides in their base's slot) */
    const RtType *eq_other;   /* user_eq's `other` accepts objects of this class (and its
                                 subclasses) only; NULL: of this descriptor's class */
};

/* Descriptors of the primitive types, defined by the runtime. */
extern const RtType rt_type_none, rt_type_bool, rt_type_int, rt_type_float, rt_type_str,
    rt_type_bytes;

/* ==== Generic operations on any value ===================================== */
void rt_value_drop(const RtType *t, void *value);                 /* destroys in place */
void rt_value_clone(const RtType *t, void *dst, const void *src); /* deep copy */
bool rt_value_eq(const RtType *t, const void *a, const void *b);
uint64_t rt_value_hash(const RtType *t, const void *value);       /* XXH3-based, stable per run */
/* Total order for sorting/min/max: ints, floats, bools, str, bytes, tuples
 * and lists lexicographically. Other kinds panic "type is not orderable". */
int rt_value_cmp(const RtType *t, const void *a, const void *b);
/* str() and repr() in the printing forms of SPEC section 3 (nested values
 * always use repr; None inside Ok/Err shows as "()"; a class shows
 * "Point(x=1, y=2)", a field-less class its bare name, an error with a
 * `message` field shows its message under str()). */
RtStr *rt_value_str(const RtType *t, const void *value);
RtStr *rt_value_repr(const RtType *t, const void *value);
void rt_print_value(const RtType *t, const void *value); /* print()'s form: str() */

/* Class objects: a heap object whose first word is its dynamic class (the
 * descriptor of the class it was created as), then the fields at their
 * offsets. A value of a base class type may hold a derived object, so every
 * generic operation on a class value goes through the object's own
 * descriptor. rt_object_new allocates a zeroed object of t->object_size
 * bytes with its header set; drop runs user_drop, drops every field, frees
 * the object. */
void *rt_object_new(const RtType *t);
/* The dynamic class of an object (NULL for a NULL object). */
const RtType *rt_object_class(const void *obj);
/* Is obj's dynamic class `cls` or derived from it? (isinstance, except) */
bool rt_object_isa(const void *obj, const RtType *cls);

/* ==== Lists =============================================================== */
/* No list grows past this many elements ("out of memory" panic), so
 * generated code may assume index arithmetic on lengths cannot overflow
 * (codegen attaches it as the range of every length it loads). */
#define RT_LIST_MAX_LEN ((int64_t)1 << 48)

typedef struct RtList {
    int64_t len;
    int64_t cap;
    const RtType *elem;
    unsigned char *data; /* len * elem->size bytes */
} RtList;

RtList *rt_list_new(const RtType *elem, int64_t cap);
void rt_list_drop(RtList *l);                          /* drops the elements */
int64_t rt_list_len(const RtList *l);
void rt_list_push(RtList *l, const void *elem);        /* takes *elem (bitwise move) */
/* Remove and move out the element at index (negative counts from the end);
 * panics "pop from empty list" / "pop index out of range". */
void rt_list_pop(RtList *l, int64_t index, void *out, const RtLoc *loc);
void rt_list_insert(RtList *l, int64_t index, const void *elem); /* Python clamping */
void *rt_list_at(const RtList *l, int64_t index, const RtLoc *loc); /* borrow; panics "list index out of range" */
void rt_list_set(RtList *l, int64_t index, const void *elem, const RtLoc *loc); /* drops old, takes new */
void rt_list_extend(RtList *l, const RtList *other);   /* clones other's elements */
RtList *rt_list_slice(const RtList *l, int64_t start, int64_t stop, int64_t step,
                      uint32_t has /* bit0 start, bit1 stop, bit2 step given */, const RtLoc *loc);
void rt_list_del(RtList *l, int64_t index, const RtLoc *loc);
void rt_list_reverse(RtList *l);
void rt_list_sort(RtList *l, bool reverse);            /* stable; by rt_value_cmp */
/* index(x): first position of an equal element, or -1 (codegen turns -1 into
 * the ValueError the language specifies). */
int64_t rt_list_index(const RtList *l, const void *elem);
bool rt_list_contains(const RtList *l, const void *elem);
RtList *rt_list_concat(const RtList *a, const RtList *b); /* clones both */
RtList *rt_list_repeat(const RtList *a, int64_t n);

/* ==== Dicts (insertion-ordered hash maps, like Python's) ==================== */
typedef struct RtDict RtDict;

RtDict *rt_dict_new(const RtType *key, const RtType *value);
void rt_dict_drop(RtDict *d);
int64_t rt_dict_len(const RtDict *d);
/* Insert or replace: takes *key and *value; on replace the old value is
 * dropped and the passed key is dropped (the original key object stays). */
void rt_dict_set(RtDict *d, const void *key, const void *value);
/* The same with *key borrowed: cloned only when it makes a new entry. */
void rt_dict_set_ref(RtDict *d, const void *key, const void *value);
/* d[k] = d.get(k, dflt) + delta on a dict[K, int], one lookup: borrows k
 * (cloned if new); overflow panics at loc. */
void rt_dict_add_int(RtDict *d, const void *key, int64_t dflt, int64_t delta, const RtLoc *loc);
/* Borrow the value for key, or NULL when absent. */
void *rt_dict_get(const RtDict *d, const void *key);
bool rt_dict_contains(const RtDict *d, const void *key);
/* Remove key; moves the value to *out_value if out_value is not NULL (else
 * drops it). Returns false when the key was absent. */
bool rt_dict_remove(RtDict *d, const void *key, void *out_value);
/* Iteration in insertion order over live entries: positions 0..rt_dict_slots
 * may be empty (returns false); used by `for k in d`, keys(), values(),
 * items(). */
int64_t rt_dict_slots(const RtDict *d);
bool rt_dict_entry(const RtDict *d, int64_t slot, void **key, void **value);
RtList *rt_dict_keys(const RtDict *d);   /* clones */
RtList *rt_dict_values(const RtDict *d); /* clones */
/* items(): a list of 2-tuples; tuple_type describes (K, V). Clones. */
RtList *rt_dict_items(const RtDict *d, const RtType *tuple_type);

/* ==== Sets (insertion-ordered) ============================================= */
typedef struct RtSet RtSet;

RtSet *rt_set_new(const RtType *elem);
void rt_set_drop(RtSet *s);
int64_t rt_set_len(const RtSet *s);
bool rt_set_add(RtSet *s, const void *elem);     /* takes; false (and drops elem) if present */
bool rt_set_contains(const RtSet *s, const void *elem);
bool rt_set_remove(RtSet *s, const void *elem);  /* false when absent */
int64_t rt_set_slots(const RtSet *s);
bool rt_set_entry(const RtSet *s, int64_t slot, void **elem);
RtSet *rt_set_union(const RtSet *a, const RtSet *b);
RtSet *rt_set_intersection(const RtSet *a, const RtSet *b);
RtSet *rt_set_difference(const RtSet *a, const RtSet *b);

/* ==== Dict and set operations of the language (rt_dict.c) =================
 * A missing key panics "KeyError: <repr of key>" at loc. Borrowed results
 * point into the table and are valid until its next insertion or removal. */
void *rt_dict_at(const RtDict *d, const void *key, const RtLoc *loc);   /* d[k]: borrow */
bool rt_dict_get_clone(const RtDict *d, const void *key, void *out);    /* d.get(k): clones into out */
void rt_dict_get_or(const RtDict *d, const void *key, const void *dflt, void *out); /* clones either */
void rt_dict_del(RtDict *d, const void *key, const RtLoc *loc);         /* del d[k] */
void rt_dict_pop_or(RtDict *d, const void *key, const void *dflt, void *out); /* moves, or clones dflt */
/* setdefault(k, v): takes key and value (dropped when k is present); borrow. */
void *rt_dict_setdefault(RtDict *d, const void *key, const void *value);
void rt_dict_update(RtDict *d, const RtDict *other); /* clones other's entries */
void rt_dict_clear(RtDict *d);
/* `for` over a dict or set: the next live slot >= pos, or -1 at the end;
 * panics (Python's RuntimeError) when the length is no longer expect_len. */
int64_t rt_dict_next_slot(const RtDict *d, int64_t pos, int64_t expect_len, const RtLoc *loc);
void *rt_dict_key_at(const RtDict *d, int64_t slot);   /* borrow */
void *rt_dict_value_at(const RtDict *d, int64_t slot); /* borrow */
int64_t rt_set_next_slot(const RtSet *s, int64_t pos, int64_t expect_len, const RtLoc *loc);
void *rt_set_elem_at(const RtSet *s, int64_t slot);    /* borrow */
void rt_set_remove_or_panic(RtSet *s, const void *elem, const RtLoc *loc); /* set.remove */
void rt_set_clear(RtSet *s);
bool rt_set_issubset(const RtSet *a, const RtSet *b);
RtSet *rt_set_symmetric_difference(const RtSet *a, const RtSet *b);
void rt_set_update(RtSet *s, const RtSet *other); /* clones */

/* ==== Closures ============================================================ */
typedef struct RtClosure {
    void *fn;   /* the code; its first parameter is the env pointer */
    void *env;  /* heap environment owned by the closure, or NULL */
    const RtType *env_type; /* how to drop/clone env; NULL when env is NULL */
} RtClosure;

/* Calls closure `key` on the element at `elem` (borrowed) and stores the
 * (owned) key at `out`; made by the code generator per element/key type. */
typedef void (*RtKeyThunk)(const RtClosure *key, const void *elem, void *out);
/* Sort l in place by the keys `thunk` computes, stably (keys compared with
 * rt_value_cmp of key_type, reversed when `reverse`); the keys are dropped
 * afterwards. Each element's key is computed once, in list order. */
void rt_list_sort_key(RtList *l, const RtClosure *key, const RtType *key_type, RtKeyThunk thunk, bool reverse);

/* ==== str methods (all borrow their arguments; results are fresh) ========= */
RtStr *rt_str_upper(const RtStr *s);
RtStr *rt_str_lower(const RtStr *s);
RtStr *rt_str_strip(const RtStr *s, const RtStr *chars_or_null);
RtStr *rt_str_lstrip(const RtStr *s, const RtStr *chars_or_null);
RtStr *rt_str_rstrip(const RtStr *s, const RtStr *chars_or_null);
/* w = s.strip(chars) when w held `old` (NULL: nothing), which the
 * assignment gives up: old's buffer is reused when it has room. */
RtStr *rt_str_strip_over(const RtStr *s, const RtStr *chars_or_null, RtStr *old);
RtStr *rt_str_lstrip_over(const RtStr *s, const RtStr *chars_or_null, RtStr *old);
RtStr *rt_str_rstrip_over(const RtStr *s, const RtStr *chars_or_null, RtStr *old);
/* `for piece in s.split(sep)` / `for line in s.splitlines()` without a
 * list: piece = rt_str_scratch(s) (an owned, empty str with room for any
 * piece of s), then pos = 0 and, while (pos = rt_str_split_next(s, pos,
 * piece, sep, loc)) >= 0, the loop body sees the piece in `piece`. */
RtStr *rt_str_scratch(const RtStr *s);
int64_t rt_str_split_next(const RtStr *s, int64_t pos, RtStr *piece, const RtStr *sep_or_null, const RtLoc *loc);
int64_t rt_str_splitlines_next(const RtStr *s, int64_t pos, RtStr *piece);
/* split(): on runs of whitespace when sep is NULL; maxsplit < 0 = no limit.
 * An empty separator panics "empty separator". Returns list[str]. */
RtList *rt_str_split(const RtStr *s, const RtStr *sep_or_null, int64_t maxsplit, const RtLoc *loc);
RtStr *rt_str_join(const RtStr *sep, const RtList *parts /* list[str] */);
RtStr *rt_str_replace(const RtStr *s, const RtStr *old, const RtStr *new_, int64_t count);
bool rt_str_startswith(const RtStr *s, const RtStr *prefix);
bool rt_str_endswith(const RtStr *s, const RtStr *suffix);
int64_t rt_str_find(const RtStr *s, const RtStr *sub);  /* code-point index, -1 if absent */
int64_t rt_str_count(const RtStr *s, const RtStr *sub);
bool rt_str_contains(const RtStr *s, const RtStr *sub);
bool rt_str_isdigit(const RtStr *s);
bool rt_str_isalpha(const RtStr *s);
bool rt_str_isspace(const RtStr *s);
RtStr *rt_str_repeat(const RtStr *s, int64_t n);
/* s[i] (one code point) and s[a:b:c] by code points; index panics
 * "string index out of range". */
RtStr *rt_str_index(const RtStr *s, int64_t i, const RtLoc *loc);
RtStr *rt_str_slice(const RtStr *s, int64_t start, int64_t stop, int64_t step, uint32_t has,
                    const RtLoc *loc);
RtStr *rt_str_encode(const RtStr *s);                   /* -> bytes (UTF-8) */
uint64_t rt_str_hash(const RtStr *s);
/* int(s) / float(s): false when the text is not a valid literal (codegen
 * builds the ValueError). Python's rules: surrounding whitespace allowed,
 * underscores between digits, sign. */
bool rt_str_parse_int(const RtStr *s, int64_t *out);
bool rt_str_parse_float(const RtStr *s, double *out);

/* ==== bytes ============================================================== */
/* bytes use the RtStr layout; only the printing differs (b'..' form). */
RtStr *rt_bytes_repr(const RtStr *b);            /* b'hi\n' */
/* decode(): UTF-8; false when invalid (codegen builds the error value). */
bool rt_bytes_decode(const RtStr *b, RtStr **out);
/* Is b valid UTF-8 (what decode() accepts)? */
bool rt_bytes_valid_utf8(const RtStr *b);
int64_t rt_bytes_len(const RtStr *b);            /* bytes, not code points */
int64_t rt_bytes_at(const RtStr *b, int64_t i, const RtLoc *loc); /* b[i] -> int */

/* ==== Sequence builtins and the remaining str/bytes methods ==============
 * (rt_list.c, rt_strmethods.c; lowered by sema/mir_lower_seq.c). Results
 * are fresh; arguments are borrowed. */
int64_t rt_list_count(const RtList *l, const void *elem);
void rt_list_remove(RtList *l, const void *elem, const RtLoc *loc); /* absent: panics (ValueError) */
void rt_list_clear(RtList *l);
RtList *rt_list_range(int64_t start, int64_t stop, int64_t step, const RtLoc *loc); /* list[int] */
RtList *rt_list_enumerate(const RtList *l, const RtType *tuple_t); /* (int, T) pairs */
RtList *rt_list_zip(const RtList *a, const RtList *b, const RtType *tuple_t);
int64_t rt_list_sum_int(const RtList *l, int64_t start, const RtLoc *loc); /* overflow panics */
double rt_list_sum_float(const RtList *l, double start);
bool rt_list_any(const RtList *l); /* list[bool] */
bool rt_list_all(const RtList *l);
/* min/max of a non-empty list: clones the element into *out. */
void rt_list_minmax(const RtList *l, bool is_max, void *out, const RtLoc *loc);
RtSet *rt_set_from_list(const RtList *l);
RtList *rt_list_from_set(const RtSet *s, const RtType *elem);
RtDict *rt_dict_from_pairs(const RtList *pairs, const RtType *key_t, const RtType *val_t);
bool rt_str_isalnum(const RtStr *s);
bool rt_str_isupper(const RtStr *s);
bool rt_str_islower(const RtStr *s);
RtStr *rt_str_title(const RtStr *s);
RtStr *rt_str_capitalize(const RtStr *s);
RtStr *rt_str_center(const RtStr *s, int64_t width, const RtStr *fill_or_null, const RtLoc *loc);
RtStr *rt_str_ljust(const RtStr *s, int64_t width, const RtStr *fill_or_null, const RtLoc *loc);
RtStr *rt_str_rjust(const RtStr *s, int64_t width, const RtStr *fill_or_null, const RtLoc *loc);
RtStr *rt_str_zfill(const RtStr *s, int64_t width);
RtStr *rt_str_removeprefix(const RtStr *s, const RtStr *prefix);
RtStr *rt_str_removesuffix(const RtStr *s, const RtStr *suffix);
int64_t rt_str_rfind(const RtStr *s, const RtStr *sub); /* -1 if absent */
RtList *rt_str_rsplit(const RtStr *s, const RtStr *sep_or_null, int64_t maxsplit, const RtLoc *loc);
RtList *rt_str_splitlines(const RtStr *s);
RtList *rt_str_chars(const RtStr *s);                    /* list[str] of the code points */
int64_t rt_str_ord(const RtStr *s, const RtLoc *loc);    /* not one character: panics */
RtStr *rt_str_chr(int64_t cp, const RtLoc *loc);
RtStr *rt_bytes_slice(const RtStr *b, int64_t start, int64_t stop, int64_t step, uint32_t has,
                      const RtLoc *loc);
RtList *rt_bytes_list(const RtStr *b);                   /* list[int] */
RtStr *rt_bytes_hex(const RtStr *b);
RtStr *rt_bytes_decode_or_panic(const RtStr *b, const RtLoc *loc);

/* ==== Errors as values (rt_parse.c) ======================================== */
/* int(s) / float(s) as a Result[int | float, ValueError] written to *out
 * (`result` is its descriptor): Ok(value), or Err(ValueError) with Python's
 * message ("invalid literal for int() with base 10: 'x'", "could not convert
 * string to float: 'x'"). Borrows s. */
void rt_str_to_int_result(const RtStr *s, const RtType *result, void *out);
void rt_str_to_float_result(const RtStr *s, const RtType *result, void *out);
/* The end of a `main` returning Result[None, E]: takes *value; on Err
 * prints "Error: <repr of e>" to stderr. Returns rt_exit(0) or rt_exit(1). */
int rt_main_result(const RtType *result, void *value);

#endif
