/* Generic value operations driven by type descriptors: the primitive
 * descriptors, drop/clone/eq/hash/cmp of any value, the str()/repr()
 * printing forms of SPEC section 3, class objects and the XXH3 hashes. */
#include <stdio.h>

#include "rt_internal.h"

#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

/* ---- primitive descriptors --------------------------------------------- */

const RtType rt_type_none = {.kind = RT_K_NONE, .size = 0, .align = 1};
const RtType rt_type_bool = {.kind = RT_K_BOOL, .size = 1, .align = 1};
const RtType rt_type_int = {.kind = RT_K_INT, .size = 8, .align = 8};
const RtType rt_type_float = {.kind = RT_K_FLOAT, .size = 8, .align = 8};
const RtType rt_type_str = {.kind = RT_K_STR, .size = 8, .align = 8};
const RtType rt_type_bytes = {.kind = RT_K_BYTES, .size = 8, .align = 8};

/* ---- hashing ------------------------------------------------------------ */

uint64_t rt_hash_bytes(const void *p, size_t n) { return XXH3_64bits(p, n); }

uint64_t rt_hash_int(int64_t v) { return XXH3_64bits(&v, sizeof v); }

/* Order-dependent combination for sequences and fields. */
static uint64_t rt_hash_mix(uint64_t h, uint64_t x) {
    h ^= x + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return h * 0xBF58476D1CE4E5B9ULL;
}

/* ---- small helpers ------------------------------------------------------ */

static inline void *rt_at(const void *base, uint32_t off) { return (char *)base + off; }
static inline uint8_t rt_tag(const void *v) { return *(const uint8_t *)v; }
static inline void *rt_ptr(const void *v) { return *(void *const *)v; }

bool rt_type_is_trivial(const RtType *t) {
    switch (t->kind) {
    case RT_K_NONE:
    case RT_K_BOOL:
    case RT_K_INT:
    case RT_K_FLOAT:
    case RT_K_ENUM:
        return true;
    case RT_K_TUPLE:
        for (uint32_t i = 0; i < t->nfields; i++)
            if (!rt_type_is_trivial(t->fields[i].type)) return false;
        return true;
    case RT_K_OPTION:
        return rt_type_is_trivial(t->params[0]);
    case RT_K_RESULT:
        return rt_type_is_trivial(t->params[0]) && rt_type_is_trivial(t->params[1]);
    default:
        return false;
    }
}

/* ---- class objects ------------------------------------------------------ */

void *rt_object_new(const RtType *t) {
    void *obj = rt_alloc_small(t->object_size);
    memset(obj, 0, t->object_size);
    *(const RtType **)obj = t;
    return obj;
}

const RtType *rt_object_class(const void *obj) { return obj ? *(const RtType *const *)obj : NULL; }

bool rt_object_isa(const void *obj, const RtType *cls) {
    for (const RtType *t = rt_object_class(obj); t; t = t->base)
        if (t == cls) return true;
    return false;
}

/* The descriptor that describes the object in the class value *v: its
 * dynamic class, which may derive from the static one `t`. */
static const RtType *rt_dyn(const RtType *t, const void *v) {
    const void *obj = rt_ptr(v);
    return obj ? rt_object_class(obj) : t;
}

/* ---- drop --------------------------------------------------------------- */

void rt_value_drop(const RtType *t, void *v) {
    switch (t->kind) {
    case RT_K_NONE:
    case RT_K_BOOL:
    case RT_K_INT:
    case RT_K_FLOAT:
    case RT_K_ENUM:
        return;
    case RT_K_STR:
    case RT_K_BYTES:
        rt_str_drop(rt_ptr(v));
        return;
    case RT_K_LIST:
        rt_list_drop(rt_ptr(v));
        return;
    case RT_K_DICT:
        rt_dict_drop(rt_ptr(v));
        return;
    case RT_K_SET:
        rt_set_drop(rt_ptr(v));
        return;
    case RT_K_TUPLE:
        for (uint32_t i = 0; i < t->nfields; i++)
            rt_value_drop(t->fields[i].type, rt_at(v, t->fields[i].offset));
        return;
    case RT_K_OPTION:
        if (rt_tag(v)) rt_value_drop(t->params[0], rt_at(v, t->payload_offset));
        return;
    case RT_K_OPTION_PTR:
        if (rt_ptr(v)) rt_value_drop(t->params[0], v);
        return;
    case RT_K_RESULT:
        rt_value_drop(t->params[rt_tag(v) ? 1 : 0], rt_at(v, t->payload_offset));
        return;
    case RT_K_CLASS: {
        t = rt_dyn(t, v);
        void *obj = rt_ptr(v);
        if (!obj) return;
        /* __del__ sees a whole object, so it runs before the fields go. */
        if (t->user_drop) t->user_drop(v);
        for (uint32_t i = 0; i < t->nfields; i++)
            rt_value_drop(t->fields[i].type, rt_at(obj, t->fields[i].offset));
        rt_free_small(obj, t->object_size);
        return;
    }
    case RT_K_FUNC: {
        RtClosure *c = v;
        if (c->env && c->env_type) rt_value_drop(c->env_type, &c->env);
        return;
    }
    case RT_K_OPAQUE:
        if (t->user_drop && rt_ptr(v)) t->user_drop(rt_ptr(v));
        return;
    }
    rt_panic("internal error: bad type descriptor", NULL);
}

/* ---- clone -------------------------------------------------------------- */

static RtList *rt_list_clone(const RtList *l) {
    RtList *c = rt_list_new(l->elem, l->len);
    size_t size = l->elem->size;
    if (rt_type_is_trivial(l->elem)) {
        if (l->len) memcpy(c->data, l->data, (size_t)l->len * size);
    } else {
        for (int64_t i = 0; i < l->len; i++)
            rt_value_clone(l->elem, c->data + (size_t)i * size, l->data + (size_t)i * size);
    }
    c->len = l->len;
    return c;
}

void rt_value_clone(const RtType *t, void *dst, const void *src) {
    switch (t->kind) {
    case RT_K_NONE:
        return;
    case RT_K_BOOL:
    case RT_K_INT:
    case RT_K_FLOAT:
    case RT_K_ENUM:
        memcpy(dst, src, t->size);
        return;
    case RT_K_STR:
    case RT_K_BYTES:
        *(RtStr **)dst = rt_str_clone(rt_ptr(src));
        return;
    case RT_K_LIST:
        *(RtList **)dst = rt_list_clone(rt_ptr(src));
        return;
    case RT_K_DICT:
        *(RtDict **)dst = rt_dict_clone(rt_ptr(src));
        return;
    case RT_K_SET:
        *(RtSet **)dst = rt_set_clone(rt_ptr(src));
        return;
    case RT_K_TUPLE:
        /* Copy the whole struct (padding included), then deep-copy owners. */
        memcpy(dst, src, t->size);
        for (uint32_t i = 0; i < t->nfields; i++)
            rt_value_clone(t->fields[i].type, rt_at(dst, t->fields[i].offset),
                           rt_at(src, t->fields[i].offset));
        return;
    case RT_K_OPTION:
        memcpy(dst, src, t->size);
        if (rt_tag(src))
            rt_value_clone(t->params[0], rt_at(dst, t->payload_offset),
                           rt_at(src, t->payload_offset));
        return;
    case RT_K_OPTION_PTR:
        if (rt_ptr(src)) rt_value_clone(t->params[0], dst, src);
        else *(void **)dst = NULL;
        return;
    case RT_K_RESULT:
        memcpy(dst, src, t->size);
        rt_value_clone(t->params[rt_tag(src) ? 1 : 0], rt_at(dst, t->payload_offset),
                       rt_at(src, t->payload_offset));
        return;
    case RT_K_CLASS: {
        t = rt_dyn(t, src);
        const void *so = rt_ptr(src);
        void *obj = rt_object_new(t);
        for (uint32_t i = 0; i < t->nfields; i++)
            rt_value_clone(t->fields[i].type, rt_at(obj, t->fields[i].offset),
                           rt_at(so, t->fields[i].offset));
        *(void **)dst = obj;
        return;
    }
    case RT_K_FUNC: {
        const RtClosure *s = src;
        RtClosure *d = dst;
        *d = *s;
        if (s->env && s->env_type) rt_value_clone(s->env_type, &d->env, &s->env);
        return;
    }
    case RT_K_OPAQUE: {
        char msg[96];
        snprintf(msg, sizeof msg, "a %s cannot be copied", t->name ? t->name : "runtime handle");
        rt_panic(msg, NULL);
    }
    }
    rt_panic("internal error: bad type descriptor", NULL);
}

/* ---- equality ----------------------------------------------------------- */

static bool rt_fields_eq(const RtType *t, const void *a, const void *b) {
    for (uint32_t i = 0; i < t->nfields; i++)
        if (!rt_value_eq(t->fields[i].type, rt_at(a, t->fields[i].offset),
                         rt_at(b, t->fields[i].offset)))
            return false;
    return true;
}

/* Can t's hand-written __eq__ take obj as its `other`? */
static bool rt_eq_accepts(const RtType *t, const void *obj) {
    return t->user_eq && rt_object_isa(obj, t->eq_other ? t->eq_other : t);
}

bool rt_value_eq(const RtType *t, const void *a, const void *b) {
    switch (t->kind) {
    case RT_K_NONE:
        return true;
    case RT_K_BOOL:
        return (*(const uint8_t *)a != 0) == (*(const uint8_t *)b != 0);
    case RT_K_INT:
    case RT_K_ENUM:
        return *(const int64_t *)a == *(const int64_t *)b;
    case RT_K_FLOAT:
        return *(const double *)a == *(const double *)b;
    case RT_K_STR:
    case RT_K_BYTES:
        return rt_str_eq(rt_ptr(a), rt_ptr(b));
    case RT_K_LIST: {
        const RtList *x = rt_ptr(a), *y = rt_ptr(b);
        if (x->len != y->len) return false;
        size_t size = x->elem->size;
        for (int64_t i = 0; i < x->len; i++)
            if (!rt_value_eq(x->elem, x->data + (size_t)i * size, y->data + (size_t)i * size))
                return false;
        return true;
    }
    case RT_K_DICT:
        return rt_dict_eq(rt_ptr(a), rt_ptr(b));
    case RT_K_SET:
        return rt_set_eq(rt_ptr(a), rt_ptr(b));
    case RT_K_TUPLE:
        return rt_fields_eq(t, a, b);
    case RT_K_OPTION:
        if (rt_tag(a) != rt_tag(b)) return false;
        return !rt_tag(a) ||
               rt_value_eq(t->params[0], rt_at(a, t->payload_offset), rt_at(b, t->payload_offset));
    case RT_K_OPTION_PTR:
        if (!rt_ptr(a) || !rt_ptr(b)) return rt_ptr(a) == rt_ptr(b);
        return rt_value_eq(t->params[0], a, b);
    case RT_K_RESULT:
        if (rt_tag(a) != rt_tag(b)) return false;
        return rt_value_eq(t->params[rt_tag(a) ? 1 : 0], rt_at(a, t->payload_offset),
                           rt_at(b, t->payload_offset));
    case RT_K_CLASS: {
        const RtType *ta = rt_dyn(t, a), *tb = rt_dyn(t, b);
        if (ta == tb) {
            if (ta->user_eq) return ta->user_eq(a, b);
            if (rt_ptr(a) == rt_ptr(b)) return true;
            return rt_fields_eq(ta, rt_ptr(a), rt_ptr(b));
        }
        /* Objects of different classes (a base-typed value may hold any
         * subclass): Python asks the right operand's __eq__ first when its
         * class derives from the left one's, else the left one's, then the
         * right one's. A hook whose `other` parameter does not accept the
         * other object stands aside (Python's NotImplemented), and the
         * generated __eq__ only equals objects of its own class. */
        bool b_takes_a = rt_eq_accepts(tb, rt_ptr(a)), a_takes_b = rt_eq_accepts(ta, rt_ptr(b));
        if (b_takes_a && rt_object_isa(rt_ptr(b), ta)) return tb->user_eq(b, a);
        if (a_takes_b) return ta->user_eq(a, b);
        if (b_takes_a) return tb->user_eq(b, a);
        return false;
    }
    case RT_K_FUNC: {
        const RtClosure *x = a, *y = b;
        return x->fn == y->fn && x->env == y->env;
    }
    case RT_K_OPAQUE: return rt_ptr(a) == rt_ptr(b);
    }
    rt_panic("internal error: bad type descriptor", NULL);
}

/* ---- hashing ------------------------------------------------------------ */

uint64_t rt_value_hash(const RtType *t, const void *v) {
    switch (t->kind) {
    case RT_K_NONE:
        return 0x5EED0000ULL;
    case RT_K_BOOL:
        return rt_hash_int(*(const uint8_t *)v != 0);
    case RT_K_INT:
    case RT_K_ENUM:
        return rt_hash_int(*(const int64_t *)v);
    case RT_K_FLOAT: {
        double d = *(const double *)v;
        if (d == 0) d = 0; /* -0.0 == 0.0 must hash alike */
        return rt_hash_bytes(&d, sizeof d);
    }
    case RT_K_STR:
    case RT_K_BYTES: {
        const RtStr *s = rt_ptr(v);
        return rt_hash_bytes(s->data, (size_t)s->len);
    }
    case RT_K_LIST: {
        const RtList *l = rt_ptr(v);
        uint64_t h = rt_hash_int(l->len);
        for (int64_t i = 0; i < l->len; i++)
            h = rt_hash_mix(h, rt_value_hash(l->elem, l->data + (size_t)i * l->elem->size));
        return h;
    }
    case RT_K_DICT:
        return rt_dict_hash(rt_ptr(v));
    case RT_K_SET:
        return rt_set_hash(rt_ptr(v));
    case RT_K_TUPLE: {
        uint64_t h = rt_hash_int(t->nfields);
        for (uint32_t i = 0; i < t->nfields; i++)
            h = rt_hash_mix(h, rt_value_hash(t->fields[i].type, rt_at(v, t->fields[i].offset)));
        return h;
    }
    case RT_K_OPTION:
        if (!rt_tag(v)) return 0x5EED0001ULL;
        return rt_hash_mix(1, rt_value_hash(t->params[0], rt_at(v, t->payload_offset)));
    case RT_K_OPTION_PTR:
        if (!rt_ptr(v)) return 0x5EED0001ULL;
        return rt_hash_mix(1, rt_value_hash(t->params[0], v));
    case RT_K_RESULT:
        return rt_hash_mix(rt_tag(v) ? 3 : 2, rt_value_hash(t->params[rt_tag(v) ? 1 : 0],
                                                             rt_at(v, t->payload_offset)));
    case RT_K_CLASS: {
        t = rt_dyn(t, v);
        /* A hand-written __eq__ may equate objects whose fields differ, or
         * of different classes below the one its `other` accepts, so only
         * the root of the class tree can be hashed safely. */
        if (t->user_eq) {
            const RtType *root = t;
            while (root->base) root = root->base;
            return root->name ? rt_hash_bytes(root->name, strlen(root->name)) : 0;
        }
        uint64_t h = t->name ? rt_hash_bytes(t->name, strlen(t->name)) : 0;
        const void *obj = rt_ptr(v);
        for (uint32_t i = 0; i < t->nfields; i++)
            h = rt_hash_mix(h, rt_value_hash(t->fields[i].type, rt_at(obj, t->fields[i].offset)));
        return h;
    }
    case RT_K_FUNC: {
        const RtClosure *c = v;
        return rt_hash_mix(rt_hash_bytes(&c->fn, sizeof c->fn), rt_hash_bytes(&c->env, sizeof c->env));
    }
    case RT_K_OPAQUE: return rt_hash_bytes(v, sizeof(void *));
    }
    rt_panic("internal error: bad type descriptor", NULL);
}

/* ---- ordering ----------------------------------------------------------- */

int rt_value_cmp(const RtType *t, const void *a, const void *b) {
    switch (t->kind) {
    case RT_K_BOOL: {
        int x = *(const uint8_t *)a != 0, y = *(const uint8_t *)b != 0;
        return (x > y) - (x < y);
    }
    case RT_K_INT: {
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
    }
    case RT_K_FLOAT: {
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y); /* NaN compares equal to everything, as in a sort */
    }
    case RT_K_STR:
    case RT_K_BYTES:
        return (int)rt_str_cmp(rt_ptr(a), rt_ptr(b));
    case RT_K_TUPLE:
        for (uint32_t i = 0; i < t->nfields; i++) {
            int c = rt_value_cmp(t->fields[i].type, rt_at(a, t->fields[i].offset),
                                 rt_at(b, t->fields[i].offset));
            if (c) return c;
        }
        return 0;
    case RT_K_LIST: {
        const RtList *x = rt_ptr(a), *y = rt_ptr(b);
        int64_t n = x->len < y->len ? x->len : y->len;
        size_t size = x->elem->size;
        for (int64_t i = 0; i < n; i++) {
            int c = rt_value_cmp(x->elem, x->data + (size_t)i * size, y->data + (size_t)i * size);
            if (c) return c;
        }
        return (x->len > y->len) - (x->len < y->len);
    }
    default:
        rt_panic("type is not orderable", NULL);
    }
}

/* ---- str() and repr() --------------------------------------------------- */

static void rt_write_int(RtBuf *b, int64_t v) {
    char num[24];
    rt_buf_put(b, num, rt_int_format_dec(v, num));
}

static void rt_write_owned(RtBuf *b, RtStr *s) {
    rt_buf_put(b, s->data, (size_t)s->len);
    rt_str_drop(s);
}

/* The generated form: "Point(x=1, y=2)", or the bare name without fields. */
static void rt_write_class(RtBuf *b, const RtType *t, const void *obj) {
    rt_buf_puts(b, t->name ? t->name : "object");
    if (t->nfields == 0) return;
    rt_buf_putc(b, '(');
    for (uint32_t i = 0; i < t->nfields; i++) {
        if (i) rt_buf_puts(b, ", ");
        if (t->fields[i].name) {
            rt_buf_puts(b, t->fields[i].name);
            rt_buf_putc(b, '=');
        }
        rt_value_write(b, t->fields[i].type, rt_at(obj, t->fields[i].offset), true);
    }
    rt_buf_putc(b, ')');
}

static const RtField *rt_message_field(const RtType *t) {
    for (uint32_t i = 0; i < t->nfields; i++)
        if (t->fields[i].name && strcmp(t->fields[i].name, "message") == 0) return &t->fields[i];
    return NULL;
}

void rt_value_write(RtBuf *b, const RtType *t, const void *v, bool repr) {
    switch (t->kind) {
    case RT_K_NONE:
        rt_buf_puts(b, "None");
        return;
    case RT_K_BOOL:
        rt_buf_puts(b, *(const uint8_t *)v ? "true" : "false");
        return;
    case RT_K_INT:
        rt_write_int(b, *(const int64_t *)v);
        return;
    case RT_K_FLOAT: {
        char text[RT_FLOAT_STR_MAX];
        rt_buf_put(b, text, rt_float_format_short(*(const double *)v, text));
        return;
    }
    case RT_K_STR: {
        const RtStr *s = rt_ptr(v);
        if (repr) rt_write_owned(b, rt_str_repr(s));
        else rt_buf_put(b, s->data, (size_t)s->len);
        return;
    }
    case RT_K_BYTES:
        rt_write_owned(b, rt_bytes_repr(rt_ptr(v)));
        return;
    case RT_K_LIST: {
        const RtList *l = rt_ptr(v);
        rt_buf_putc(b, '[');
        for (int64_t i = 0; i < l->len; i++) {
            if (i) rt_buf_puts(b, ", ");
            rt_value_write(b, l->elem, l->data + (size_t)i * l->elem->size, true);
        }
        rt_buf_putc(b, ']');
        return;
    }
    case RT_K_DICT:
        rt_dict_write(b, rt_ptr(v));
        return;
    case RT_K_SET:
        rt_set_write(b, rt_ptr(v));
        return;
    case RT_K_TUPLE:
        rt_buf_putc(b, '(');
        for (uint32_t i = 0; i < t->nfields; i++) {
            if (i) rt_buf_puts(b, ", ");
            rt_value_write(b, t->fields[i].type, rt_at(v, t->fields[i].offset), true);
        }
        if (t->nfields == 1) rt_buf_putc(b, ',');
        rt_buf_putc(b, ')');
        return;
    case RT_K_OPTION:
        if (rt_tag(v)) rt_value_write(b, t->params[0], rt_at(v, t->payload_offset), repr);
        else rt_buf_puts(b, "None");
        return;
    case RT_K_OPTION_PTR:
        if (rt_ptr(v)) rt_value_write(b, t->params[0], v, repr);
        else rt_buf_puts(b, "None");
        return;
    case RT_K_RESULT: {
        const RtType *pt = t->params[rt_tag(v) ? 1 : 0];
        rt_buf_puts(b, rt_tag(v) ? "Err(" : "Ok(");
        if (pt->kind == RT_K_NONE) rt_buf_puts(b, "()");
        else rt_value_write(b, pt, rt_at(v, t->payload_offset), true);
        rt_buf_putc(b, ')');
        return;
    }
    case RT_K_CLASS: {
        t = rt_dyn(t, v);
        /* Python's rules: repr() uses __repr__ only; str() uses __str__,
         * then __repr__, then the generated form. */
        if (repr && t->user_repr) {
            rt_write_owned(b, t->user_repr(v));
            return;
        }
        if (!repr && (t->user_str || t->user_repr)) {
            rt_write_owned(b, (t->user_str ? t->user_str : t->user_repr)(v));
            return;
        }
        const void *obj = rt_ptr(v);
        if (!repr && t->is_error) {
            const RtField *m = rt_message_field(t);
            if (m) {
                rt_value_write(b, m->type, rt_at(obj, m->offset), false);
                return;
            }
        }
        rt_write_class(b, t, obj);
        return;
    }
    case RT_K_ENUM: {
        int64_t i = *(const int64_t *)v;
        if (i >= 0 && (uint64_t)i < t->nenum && t->enum_names) rt_buf_puts(b, t->enum_names[i]);
        else rt_write_int(b, i);
        return;
    }
    case RT_K_FUNC:
        rt_buf_puts(b, "<function>");
        return;
    case RT_K_OPAQUE: /* a runtime handle shows its type's name: `ChannelSender` */
        rt_buf_puts(b, t->name ? t->name : "handle");
        return;
    }
    rt_panic("internal error: bad type descriptor", NULL);
}

RtStr *rt_value_str(const RtType *t, const void *v) {
    if (t->kind == RT_K_STR) return rt_str_clone(rt_ptr(v));
    RtBuf b = {0};
    rt_value_write(&b, t, v, false);
    return rt_buf_finish(&b);
}

RtStr *rt_value_repr(const RtType *t, const void *v) {
    RtBuf b = {0};
    rt_value_write(&b, t, v, true);
    return rt_buf_finish(&b);
}

void rt_print_value(const RtType *t, const void *v) {
    if (t->kind == RT_K_STR) {
        rt_print_str(rt_ptr(v));
        return;
    }
    RtStr *s = rt_value_str(t, v);
    rt_print_str(s);
    rt_str_drop(s);
}
