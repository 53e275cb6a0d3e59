/* Task contexts (SPEC section 6, `ContextKey`, `Context`): immutable,
 * reference-counted chains of (key, value) nodes. `with_value` adds a node
 * in front of an existing chain and shares the rest, so a context handed
 * to children is never copied and never changes. A task holds a reference
 * to the context it runs in (RtTask.ctx): the one given to its spawn, or
 * its scope's, or its spawner's (rt_task_new). Values are cloned out by
 * `get`, so tasks on different workers never share a mutable value.
 *
 * A key is identified by its name and its value type (the descriptor), so
 * two keys of different types never see each other's values. The empty
 * context is a static node; NULL means "not given" (inherit). */
#include <stdalign.h>
#include <string.h>

#include "rt_internal.h"
#include "rt_sched.h"
#include "sifr_rt.h"
#include "sifr_rt_values.h"

typedef struct RtCtxKey {
    _Atomic uint32_t refs;
    RtStr *name;
    const RtType *t;
    alignas(16) unsigned char dflt[]; /* the default value (t->size bytes) */
} RtCtxKey;

typedef struct RtCtx {
    _Atomic uint32_t refs;
    struct RtCtx *parent; /* NULL: the end of the chain */
    RtCtxKey *key;        /* NULL for the empty context */
    alignas(16) unsigned char val[];
} RtCtx;

/* The empty context: never freed (its count is not used). */
static RtCtx rt_ctx_empty_node;

void *rt_ctx_key_new(const RtStr *name, const RtType *t, void *dflt) {
    RtCtxKey *k = rt_alloc(sizeof *k + t->size);
    atomic_init(&k->refs, 1);
    k->name = rt_str_clone(name);
    k->t = t;
    memcpy(k->dflt, dflt, t->size); /* moved in */
    return k;
}

static RtCtxKey *rt_ctx_key_retain(RtCtxKey *k) {
    atomic_fetch_add_explicit(&k->refs, 1, memory_order_relaxed);
    return k;
}

void rt_ctx_key_drop(void *key) {
    RtCtxKey *k = key;
    if (!k || atomic_fetch_sub_explicit(&k->refs, 1, memory_order_acq_rel) != 1) return;
    rt_value_drop(k->t, k->dflt);
    rt_str_drop(k->name);
    rt_free(k);
}

static bool rt_ctx_same_key(const RtCtxKey *a, const RtCtxKey *b) {
    return a == b || (a->t == b->t && rt_str_eq(a->name, b->name));
}

void *rt_ctx_retain(void *ctx) {
    RtCtx *c = ctx;
    if (c && c != &rt_ctx_empty_node) atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
    return c;
}

void rt_ctx_drop(void *ctx) {
    RtCtx *c = ctx;
    /* a chain is freed from the front while each node was the last reference */
    while (c && c != &rt_ctx_empty_node) {
        if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) != 1) return;
        RtCtx *parent = c->parent;
        rt_value_drop(c->key->t, c->val);
        rt_ctx_key_drop(c->key);
        rt_free(c);
        c = parent;
    }
}

void *rt_ctx_empty(void) { return &rt_ctx_empty_node; }

void *rt_ctx_current(void) {
    RtTask *t = rt_task_current();
    RtCtx *c = t ? t->ctx : NULL;
    return c ? rt_ctx_retain(c) : &rt_ctx_empty_node;
}

void *rt_ctx_with(void *ctx, void *key, void *val) {
    RtCtxKey *k = key;
    RtCtx *c = rt_alloc(sizeof *c + k->t->size);
    atomic_init(&c->refs, 1);
    c->parent = rt_ctx_retain(ctx);
    c->key = rt_ctx_key_retain(k);
    memcpy(c->val, val, k->t->size); /* moved in */
    return c;
}

void rt_ctx_get(const void *ctx, const void *key, void *out) {
    const RtCtxKey *k = key;
    for (const RtCtx *c = ctx; c && c->key; c = c->parent) {
        if (rt_ctx_same_key(c->key, k)) {
            rt_value_clone(k->t, out, c->val);
            return;
        }
    }
    rt_value_clone(k->t, out, k->dflt);
}
