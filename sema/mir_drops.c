/* Drop elaboration (mir_elaborate_drops): a forward "maybe initialised /
 * maybe uninitialised" dataflow over the CFG for every owned local, then
 * each MS_DROP becomes nothing, a plain drop, or a drop guarded by a drop
 * flag that MS_SET_FLAG statements keep up to date. Also the use-after-move
 * check (mir_check_moves) that makes those drops safe. */
#include "mir_internal.h"

/* A set of tracked locals: one bit per owned local. */
typedef struct DeBits {
    uint64_t *w;
} DeBits;

typedef struct De {
    MirBody *b;
    uint32_t ntracked;
    uint32_t nwords;
    uint32_t *bit;        /* local -> bit index (UINT32_MAX: not tracked) */
    uint64_t *init_in;    /* per block: maybe-initialised on entry */
    uint64_t *uninit_in;  /* per block: maybe-uninitialised on entry */
    bool *reached;
} De;

static uint64_t *de_row(const De *d, uint64_t *m, MirBlockId bb) { return m + (size_t)bb * d->nwords; }

static bool de_get(const uint64_t *s, uint32_t i) { return (s[i / 64] >> (i % 64)) & 1; }
static void de_set(uint64_t *s, uint32_t i, bool v) {
    if (v) s[i / 64] |= (uint64_t)1 << (i % 64);
    else s[i / 64] &= ~((uint64_t)1 << (i % 64));
}

/* The tracked local a whole-local place names, or UINT32_MAX. */
static uint32_t de_tracked(const De *d, MirPlace p) {
    if (p.proj_count || p.local >= d->b->locals.len) return UINT32_MAX;
    return d->bit[p.local];
}

static void de_mark(const De *d, uint64_t *init, uint64_t *uninit, uint32_t bit, bool now_init) {
    (void)d;
    de_set(init, bit, now_init);
    de_set(uninit, bit, !now_init);
}

/* The effect of one statement on the state. */
static void de_transfer(const De *d, const MirStmt *s, uint64_t *init, uint64_t *uninit) {
    switch (s->kind) {
    case MS_ASSIGN: {
        const MirOperand *ops = mir_rv_ops(d->b, &s->rv);
        for (uint32_t i = 0; i < s->rv.ops_count; i++) {
            if (ops[i].kind != OPD_MOVE) continue;
            uint32_t bit = de_tracked(d, ops[i].place);
            if (bit != UINT32_MAX) de_mark(d, init, uninit, bit, false);
        }
        uint32_t bit = de_tracked(d, s->place);
        if (bit != UINT32_MAX) de_mark(d, init, uninit, bit, true);
        break;
    }
    case MS_DROP:
    case MS_DROP_IF: {
        uint32_t bit = de_tracked(d, s->place);
        if (bit != UINT32_MAX) de_mark(d, init, uninit, bit, false);
        break;
    }
    default: break;
    }
}

static void de_successors(const MirBody *b, const MirTerm *t, MirBlockId *out, uint32_t *n, uint32_t cap) {
    *n = 0;
    switch (t->kind) {
    case MT_GOTO: out[(*n)++] = t->target; break;
    case MT_BRANCH:
    case MT_AWAIT:
        out[(*n)++] = t->then_bb;
        out[(*n)++] = t->else_bb;
        break;
    case MT_SWITCH:
        for (uint32_t i = 0; i < t->cases_count && *n + 1 < cap; i++) out[(*n)++] = b->case_targets.items[t->cases_start + i];
        out[(*n)++] = t->otherwise;
        break;
    default: break;
    }
}

static void de_solve(De *d) {
    MirBody *b = d->b;
    uint32_t nb = b->blocks.len;
    uint64_t *init = xcalloc(d->nwords ? d->nwords : 1, sizeof *init);
    uint64_t *uninit = xcalloc(d->nwords ? d->nwords : 1, sizeof *uninit);
    VEC(MirBlockId) work = {0};
    bool *queued = xcalloc(nb, sizeof *queued);
    /* entry: owned parameters hold the caller's value, everything else is
     * uninitialised */
    uint64_t *e_init = de_row(d, d->init_in, 0), *e_uninit = de_row(d, d->uninit_in, 0);
    for (MirLocalId l = 0; l < b->locals.len; l++) {
        if (d->bit[l] == UINT32_MAX) continue;
        bool param = l >= 1 && l <= b->nparams;
        de_mark(d, e_init, e_uninit, d->bit[l], param);
    }
    d->reached[0] = true;
    vec_push(&work, 0);
    queued[0] = true;
    uint32_t cap = 2;
    for (uint32_t i = 0; i < nb; i++)
        if (b->blocks.items[i].term.kind == MT_SWITCH && b->blocks.items[i].term.cases_count + 1 > cap)
            cap = b->blocks.items[i].term.cases_count + 1;
    MirBlockId *succ = xmalloc(sizeof *succ * cap);
    while (work.len) {
        MirBlockId bb = work.items[--work.len];
        queued[bb] = false;
        memcpy(init, de_row(d, d->init_in, bb), d->nwords * sizeof *init);
        memcpy(uninit, de_row(d, d->uninit_in, bb), d->nwords * sizeof *uninit);
        const MirBlock *blk = &b->blocks.items[bb];
        for (uint32_t i = 0; i < blk->stmts.len; i++) de_transfer(d, &blk->stmts.items[i], init, uninit);
        uint32_t ns;
        de_successors(b, &blk->term, succ, &ns, cap);
        for (uint32_t k = 0; k < ns; k++) {
            MirBlockId s = succ[k];
            uint64_t *si = de_row(d, d->init_in, s), *su = de_row(d, d->uninit_in, s);
            bool changed = !d->reached[s];
            d->reached[s] = true;
            for (uint32_t w = 0; w < d->nwords; w++) {
                uint64_t ni = si[w] | init[w], nu = su[w] | uninit[w];
                changed |= ni != si[w] || nu != su[w];
                si[w] = ni;
                su[w] = nu;
            }
            if (changed && !queued[s]) {
                queued[s] = true;
                vec_push(&work, s);
            }
        }
    }
    free(succ);
    free(queued);
    vec_free(&work);
    free(init);
    free(uninit);
}

/* Track every owned local of b and solve the dataflow (de_free releases). */
static void de_setup(De *d, MirBody *b) {
    *d = (De){.b = b};
    uint32_t nl = b->locals.len, nb = b->blocks.len;
    d->bit = xmalloc(sizeof *d->bit * (nl ? nl : 1));
    for (MirLocalId l = 0; l < nl; l++) d->bit[l] = mir_local_is_owned(b, l) ? d->ntracked++ : UINT32_MAX;
    d->nwords = (d->ntracked + 63) / 64;
    size_t rows = (size_t)(nb ? nb : 1) * (d->nwords ? d->nwords : 1);
    d->init_in = xcalloc(rows, sizeof *d->init_in);
    d->uninit_in = xcalloc(rows, sizeof *d->uninit_in);
    d->reached = xcalloc(nb ? nb : 1, sizeof *d->reached);
    if (d->ntracked) de_solve(d);
}

static void de_free(De *d) {
    free(d->bit);
    free(d->init_in);
    free(d->uninit_in);
    free(d->reached);
}

void mir_elaborate_drops(MirBody *b) {
    De d;
    de_setup(&d, b);
    uint32_t nl = b->locals.len, nb = b->blocks.len;

    /* Pass 1: classify every drop by the state just before it. */
    MirLocalId *flag = xmalloc(sizeof *flag * (nl ? nl : 1));
    for (MirLocalId l = 0; l < nl; l++) flag[l] = 0;
    uint64_t *init = xcalloc(d.nwords ? d.nwords : 1, sizeof *init);
    uint64_t *uninit = xcalloc(d.nwords ? d.nwords : 1, sizeof *uninit);
    for (MirBlockId bb = 0; bb < nb; bb++) {
        MirBlock *blk = &b->blocks.items[bb];
        if (d.nwords) {
            memcpy(init, de_row(&d, d.init_in, bb), d.nwords * sizeof *init);
            memcpy(uninit, de_row(&d, d.uninit_in, bb), d.nwords * sizeof *uninit);
        }
        for (uint32_t i = 0; i < blk->stmts.len; i++) {
            MirStmt *s = &blk->stmts.items[i];
            if (s->kind == MS_DROP) {
                uint32_t bit = de_tracked(&d, s->place);
                if (bit == UINT32_MAX || !d.reached[bb] || !de_get(init, bit)) {
                    /* a copy type, a borrowed value, or certainly uninitialised */
                    s->kind = MS_NOP;
                    continue;
                }
                if (de_get(uninit, bit)) {
                    MirLocalId l = s->place.local;
                    if (!flag[l]) {
                        MirLocal fl = {TYPE_BOOL, 0, b->locals.items[l].span, MIRL_DROP_FLAG};
                        vec_push(&b->locals, fl);
                        flag[l] = b->locals.len - 1;
                        blk = &b->blocks.items[bb];
                        s = &blk->stmts.items[i];
                    }
                    s->kind = MS_DROP_IF;
                    s->flag = flag[l];
                }
            }
            de_transfer(&d, s, init, uninit);
        }
    }

    /* Pass 2: keep the flags up to date (false at entry unless an owned
     * parameter, true after every assignment, false after every move and
     * drop) and remove the dropped drops. */
    for (MirBlockId bb = 0; bb < nb; bb++) {
        MirBlock *blk = &b->blocks.items[bb];
        VEC(MirStmt) out = {0};
        if (bb == 0) {
            for (MirLocalId l = 0; l < nl; l++) {
                if (!flag[l]) continue;
                bool param = l >= 1 && l <= b->nparams;
                vec_push(&out, ((MirStmt){.kind = MS_SET_FLAG, .flag = flag[l], .value = param,
                                          .place = {l, 0, 0}, .span = b->locals.items[l].span}));
            }
        }
        for (uint32_t i = 0; i < blk->stmts.len; i++) {
            MirStmt s = blk->stmts.items[i];
            if (s.kind == MS_NOP) continue;
            vec_push(&out, s);
            if (s.kind == MS_ASSIGN) {
                const MirOperand *ops = mir_rv_ops(b, &s.rv);
                for (uint32_t k = 0; k < s.rv.ops_count; k++) {
                    if (ops[k].kind != OPD_MOVE || ops[k].place.proj_count) continue;
                    MirLocalId l = ops[k].place.local;
                    if (l < nl && flag[l])
                        vec_push(&out, ((MirStmt){.kind = MS_SET_FLAG, .flag = flag[l], .value = false,
                                                  .place = {l, 0, 0}, .span = ops[k].span}));
                }
                if (!s.place.proj_count && s.place.local < nl && flag[s.place.local])
                    vec_push(&out, ((MirStmt){.kind = MS_SET_FLAG, .flag = flag[s.place.local], .value = true,
                                              .place = s.place, .span = s.span}));
            } else if ((s.kind == MS_DROP || s.kind == MS_DROP_IF) && !s.place.proj_count &&
                       s.place.local < nl && flag[s.place.local]) {
                vec_push(&out, ((MirStmt){.kind = MS_SET_FLAG, .flag = flag[s.place.local], .value = false,
                                          .place = s.place, .span = s.span}));
            }
        }
        vec_free(&blk->stmts);
        blk->stmts.items = out.items;
        blk->stmts.len = out.len;
        blk->stmts.cap = out.cap;
    }
    free(init);
    free(uninit);
    free(flag);
    de_free(&d);
}

/* ==== Use after move ======================================================
 * A forward dataflow of "maybe moved" per owned local: a `move` operand sets
 * the bit, an assignment of the whole local clears it, joins take the union.
 * Reading a local whose bit is set would read bits another owner may already
 * have freed, so it is an error, reported once per local. */

typedef struct MvState {
    const MirBody *b;
    const uint32_t *bit;
    uint32_t nwords;
    uint64_t *moved_in; /* per block: maybe moved on entry */
    bool *reported;     /* per local */
    bool ok;
} MvState;

/* The span of the first `move` of local `l` in the body other than `skip`
 * (NULL: any), or a zero span. */
static Span mv_move_site(const MirBody *b, MirLocalId l, const MirOperand *skip, uint32_t *index) {
    for (uint32_t k = 0; k < b->operands.len; k++) {
        const MirOperand *o = &b->operands.items[k];
        if (o != skip && o->kind == OPD_MOVE && o->place.local == l && !o->place.proj_count) {
            *index = k;
            return o->span;
        }
    }
    return (Span){0, 0, 0};
}

/* The source name of the function that operand `k` is an argument of, or
 * 0 (a move into a variable, a container, an object ...). */
static StrId mv_move_callee(const MirBody *b, uint32_t k) {
    for (uint32_t bi = 0; bi < b->blocks.len; bi++) {
        const MirBlock *bb = &b->blocks.items[bi];
        for (uint32_t si = 0; si < bb->stmts.len; si++) {
            const MirRvalue *rv = &bb->stmts.items[si].rv;
            if (bb->stmts.items[si].kind != MS_ASSIGN || rv->kind != RV_CALL) continue;
            if (k < rv->ops_start || k >= rv->ops_start + rv->ops_count) continue;
            bool user = rv->callee.kind == CALLEE_FN || rv->callee.kind == CALLEE_VIRTUAL;
            if (user && b->program && rv->callee.fn < b->program->bodies.len)
                return b->program->bodies.items[rv->callee.fn]->name;
            return 0;
        }
    }
    return 0;
}

static void mv_report(MvState *m, const MirOperand *o, Span at) {
    MirLocalId l = o->place.local;
    if (m->reported[l]) return;
    m->reported[l] = true;
    m->ok = false;
    const MirLocal *loc = &m->b->locals.items[l];
    const char *name = loc->name ? str_text(loc->name) : "a temporary";
    if (o->span.file) at = o->span;
    uint32_t site = 0;
    Span other = mv_move_site(m->b, l, o, &site);
    Diagnostic *d;
    if (o->kind == OPD_MOVE && !other.file) {
        d = diag_new(SEV_ERROR, CODE_OWN_MOVE_IN_LOOP, at, "value `%s` moved here in a previous iteration of the loop",
                     name);
        diag_label(d, "moved again here; the loop runs this more than once");
        if (loc->span.file) diag_note(d, loc->span, "`%s` is declared outside the loop here", name);
        diag_help(d, "move a copy each time (`%s.clone()`), or give `%s` a new value in the loop before this", name,
                  name);
    } else {
        d = diag_new(SEV_ERROR, CODE_OWN_USE_AFTER_MOVE, at, "use of moved value `%s`", name);
        diag_label(d, "value used here after it was moved");
        StrId into = other.file ? mv_move_callee(m->b, site) : 0;
        if (into) {
            diag_note(d, other, "`%s` was moved into `%s`, whose parameter takes it with `own`", name, str_text(into));
            diag_help(d, "pass a copy with `%s.clone()`, or declare the parameter without `own` to borrow it", name);
        } else {
            if (other.file) diag_note(d, other, "`%s` was moved here", name);
            diag_help(d, "move a copy (`%s.clone()`) instead, or give `%s` a new value before this use", name, name);
        }
    }
    diag_emit(d);
}

/* Check the reads of `o` against `moved`; report when `report`. */
static void mv_read(MvState *m, const MirOperand *o, const uint64_t *moved, bool report, Span at) {
    if (o->kind == OPD_CONST || o->place.local >= m->b->locals.len) return;
    uint32_t bit = m->bit[o->place.local];
    if (bit != UINT32_MAX && de_get(moved, bit) && report) mv_report(m, o, at);
}

static void mv_stmt(MvState *m, const MirStmt *s, uint64_t *moved, bool report) {
    if (s->kind != MS_ASSIGN) return;
    const MirOperand *ops = mir_rv_ops(m->b, &s->rv);
    for (uint32_t i = 0; i < s->rv.ops_count; i++) mv_read(m, &ops[i], moved, report, s->span);
    for (uint32_t i = 0; i < s->rv.ops_count; i++) {
        if (ops[i].kind != OPD_MOVE || ops[i].place.proj_count || ops[i].place.local >= m->b->locals.len) continue;
        uint32_t bit = m->bit[ops[i].place.local];
        if (bit != UINT32_MAX) de_set(moved, bit, true);
    }
    if (!s->place.proj_count && s->place.local < m->b->locals.len && m->bit[s->place.local] != UINT32_MAX)
        de_set(moved, m->bit[s->place.local], false);
}

static void mv_term(MvState *m, const MirTerm *t, const uint64_t *moved, bool report) {
    if (t->kind == MT_BRANCH || t->kind == MT_SWITCH || t->kind == MT_PANIC || t->kind == MT_AWAIT) mv_read(m, &t->cond, moved, report, t->span);
}

bool mir_check_moves(const MirBody *b) {
    uint32_t nl = b->locals.len, nb = b->blocks.len, ntracked = 0;
    uint32_t *bit = xmalloc(sizeof *bit * (nl ? nl : 1));
    for (MirLocalId l = 0; l < nl; l++) bit[l] = mir_local_is_owned(b, l) ? ntracked++ : UINT32_MAX;
    if (!ntracked || !nb) {
        free(bit);
        return true;
    }
    MvState m = {.b = b, .bit = bit, .nwords = (ntracked + 63) / 64, .ok = true};
    m.moved_in = xcalloc((size_t)nb * m.nwords, sizeof *m.moved_in);
    m.reported = xcalloc(nl, sizeof *m.reported);
    uint64_t *cur = xcalloc(m.nwords, sizeof *cur);
    MirBlockId succ[2];
    /* Round-robin to a fixpoint: bodies are small and the sets only grow. */
    for (bool changed = true; changed;) {
        changed = false;
        for (MirBlockId bb = 0; bb < nb; bb++) {
            const MirBlock *blk = &b->blocks.items[bb];
            memcpy(cur, m.moved_in + (size_t)bb * m.nwords, m.nwords * sizeof *cur);
            for (uint32_t i = 0; i < blk->stmts.len; i++) mv_stmt(&m, &blk->stmts.items[i], cur, false);
            uint32_t ns = 0;
            const MirTerm *t = &blk->term;
            if (t->kind == MT_SWITCH) {
                for (uint32_t i = 0; i <= t->cases_count; i++) {
                    MirBlockId s = i < t->cases_count ? b->case_targets.items[t->cases_start + i] : t->otherwise;
                    uint64_t *row = m.moved_in + (size_t)s * m.nwords;
                    for (uint32_t w = 0; w < m.nwords; w++) {
                        changed |= (row[w] | cur[w]) != row[w];
                        row[w] |= cur[w];
                    }
                }
                continue;
            }
            if (t->kind == MT_GOTO) succ[ns++] = t->target;
            if (t->kind == MT_BRANCH || t->kind == MT_AWAIT) {
                succ[ns++] = t->then_bb;
                succ[ns++] = t->else_bb;
            }
            for (uint32_t k = 0; k < ns; k++) {
                uint64_t *row = m.moved_in + (size_t)succ[k] * m.nwords;
                for (uint32_t w = 0; w < m.nwords; w++) {
                    changed |= (row[w] | cur[w]) != row[w];
                    row[w] |= cur[w];
                }
            }
        }
    }
    /* Report in block order, from the fixpoint's entry states. */
    for (MirBlockId bb = 0; bb < nb; bb++) {
        const MirBlock *blk = &b->blocks.items[bb];
        memcpy(cur, m.moved_in + (size_t)bb * m.nwords, m.nwords * sizeof *cur);
        for (uint32_t i = 0; i < blk->stmts.len; i++) mv_stmt(&m, &blk->stmts.items[i], cur, true);
        mv_term(&m, &blk->term, cur, true);
    }
    free(cur);
    free(m.moved_in);
    free(m.reported);
    free(bit);
    return m.ok;
}

/* ==== Maybe-initialised at a point ==========================================
 * The dataflow of drop elaboration, asked about one place in the body: the
 * "lives across a suspension point" query of the await checks (SIFR-OWN-0009)
 * asks it at each suspension point for the values that may not cross one. */
bool *mir_maybe_init_points(const MirBody *b, const MirBlockId *bbs, const uint32_t *stmts, uint32_t n) {
    uint32_t nl = b->locals.len ? b->locals.len : 1;
    bool *out = xcalloc((size_t)nl * (n ? n : 1), sizeof *out);
    De d;
    de_setup(&d, (MirBody *)b); /* one dataflow for every point */
    uint64_t *init = xcalloc(d.nwords ? d.nwords : 1, sizeof *init), *uninit = xcalloc(d.nwords ? d.nwords : 1, sizeof *uninit);
    for (uint32_t p = 0; p < n; p++) {
        MirBlockId bb = bbs[p];
        if (!d.ntracked || bb >= b->blocks.len || !d.reached[bb]) continue;
        memcpy(init, de_row(&d, d.init_in, bb), d.nwords * sizeof *init);
        memcpy(uninit, de_row(&d, d.uninit_in, bb), d.nwords * sizeof *uninit);
        const MirBlock *blk = &b->blocks.items[bb];
        for (uint32_t i = 0; i < stmts[p] && i < blk->stmts.len; i++) de_transfer(&d, &blk->stmts.items[i], init, uninit);
        for (MirLocalId l = 0; l < b->locals.len; l++)
            out[(size_t)p * nl + l] = d.bit[l] != UINT32_MAX && de_get(init, d.bit[l]);
    }
    free(init);
    free(uninit);
    de_free(&d);
    return out;
}

bool *mir_maybe_init_locals_at(const MirBody *b, MirBlockId bb, uint32_t stmt) {
    return mir_maybe_init_points(b, &bb, &stmt, 1);
}

bool mir_maybe_init_at(const MirBody *b, MirLocalId l, MirBlockId bb, uint32_t stmt) {
    if (l >= b->locals.len) return false;
    bool *live = mir_maybe_init_locals_at(b, bb, stmt);
    bool r = live[l];
    free(live);
    return r;
}
