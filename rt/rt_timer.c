/* The per-worker hierarchical timing wheel (rt_timer.h): slot placement,
 * O(1) insert/cancel, exact next deadline, and the advance that jumps from
 * one non-empty slot to the next and cascades higher levels downwards. */
#include "rt_timer.h"

static void list_init(RtTimerLink *h) { h->prev = h->next = h; }
static int list_empty(const RtTimerLink *h) { return h->next == h; }

static void list_push(RtTimerLink *h, RtTimerLink *n) {
    n->prev = h->prev;
    n->next = h;
    h->prev->next = n;
    h->prev = n;
}

/* Idle timers have NULL links, which is how cancel recognises them. */
static void list_unlink(RtTimerLink *n) {
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = NULL;
}

/* Moves every node of `from` to `to` (uninitialised), leaving `from` empty. */
static void list_move_all(RtTimerLink *from, RtTimerLink *to) {
    if (list_empty(from)) {
        list_init(to);
        return;
    }
    to->next = from->next;
    to->prev = from->prev;
    to->next->prev = to;
    to->prev->next = to;
    list_init(from);
}

static RtTimer *timer_of(const RtTimerLink *l) {
    return (RtTimer *)((char *)l - offsetof(RtTimer, link));
}

void rt_timer_init(RtTimer *t) {
    t->link.prev = t->link.next = NULL;
    t->deadline = 0;
    t->level = 0;
    t->slot = 0;
}

void rt_wheel_init(RtWheel *w, uint64_t now_ns) {
    w->now_ns = now_ns;
    w->elapsed = now_ns / RT_WHEEL_TICK_NS;
    for (int l = 0; l < RT_WHEEL_LEVELS; l++) {
        w->occupied[l] = 0;
        for (int s = 0; s < RT_WHEEL_SLOTS; s++) list_init(&w->slots[l][s]);
    }
    w->count = 0;
    w->slot_visits = 0;
}

/* Places t by its tick relative to the current tick: the level is the
 * highest 6-bit group in which they differ, so a timer moves down a level
 * each time the wheel reaches its slot. Past ticks go to the current slot. */
static void place(RtWheel *w, RtTimer *t) {
    uint64_t tick = t->deadline / RT_WHEEL_TICK_NS;
    if (tick < w->elapsed) tick = w->elapsed;
    uint64_t diff = (tick ^ w->elapsed) | (RT_WHEEL_SLOTS - 1);
    int level = (63 - __builtin_clzll(diff)) / RT_WHEEL_BITS;
    int slot = (int)((tick >> (level * RT_WHEEL_BITS)) & (RT_WHEEL_SLOTS - 1));
    t->level = (uint8_t)level;
    t->slot = (uint8_t)slot;
    list_push(&w->slots[level][slot], &t->link);
    w->occupied[level] |= 1ull << slot;
}

void rt_wheel_insert(RtWheel *w, RtTimer *t, uint64_t deadline_ns) {
    t->deadline = deadline_ns;
    place(w, t);
    w->count++;
}

void rt_wheel_cancel(RtWheel *w, RtTimer *t) {
    if (t->link.next == NULL) return; /* idle: fired, cancelled or never inserted */
    if (t->level == RT_TIMER_BUSY) {
        /* On advance's private list of a slot being fired: no bit to clear. */
        list_unlink(&t->link);
        w->count--;
        return;
    }
    RtTimerLink *head = &w->slots[t->level][t->slot];
    list_unlink(&t->link);
    if (list_empty(head)) w->occupied[t->level] &= ~(1ull << t->slot);
    w->count--;
}

/* The earliest non-empty slot: its level, index and first tick. Every
 * pending timer has a tick >= elapsed that shares elapsed's groups above its
 * level, so in each level only slots at or after elapsed's position can be
 * occupied, and a level's slots all start after those of lower levels. */
static int earliest_slot(const RtWheel *w, int *level, int *slot, uint64_t *start) {
    for (int l = 0; l < RT_WHEEL_LEVELS; l++) {
        unsigned shift = (unsigned)(l * RT_WHEEL_BITS);
        unsigned pos = (unsigned)((w->elapsed >> shift) & (RT_WHEEL_SLOTS - 1));
        uint64_t occ = w->occupied[l] & (~0ull << pos);
        if (!occ) continue;
        int s = __builtin_ctzll(occ);
        unsigned up = shift + RT_WHEEL_BITS; /* at most 48: no shift overflow */
        *level = l;
        *slot = s;
        *start = ((w->elapsed >> up) << up) + ((uint64_t)s << shift);
        return 1;
    }
    return 0;
}

uint64_t rt_wheel_next_deadline(const RtWheel *w) {
    int level, slot;
    uint64_t start;
    if (!earliest_slot(w, &level, &slot, &start)) return UINT64_MAX;
    /* The earliest slot holds the earliest timer; scanning it makes the
     * answer exact, so a worker never wakes just to cascade. */
    const RtTimerLink *head = &w->slots[level][slot];
    uint64_t best = UINT64_MAX;
    for (const RtTimerLink *l = head->next; l != head; l = l->next) {
        uint64_t d = timer_of(l)->deadline;
        if (d < best) best = d;
    }
    return best < w->now_ns ? w->now_ns : best;
}

size_t rt_wheel_advance(RtWheel *w, uint64_t now_ns, RtTimerFn fn, void *ctx) {
    if (now_ns < w->now_ns) now_ns = w->now_ns; /* time never goes back */
    w->now_ns = now_ns;
    uint64_t now_tick = now_ns / RT_WHEEL_TICK_NS;
    size_t fired = 0;
    int level, slot;
    uint64_t start;
    while (earliest_slot(w, &level, &slot, &start) && start <= now_tick) {
        w->slot_visits++;
        w->elapsed = start;
        /* Detach the slot so fn can insert into it or cancel its members. */
        RtTimerLink local;
        list_move_all(&w->slots[level][slot], &local);
        w->occupied[level] &= ~(1ull << slot);
        for (RtTimerLink *l = local.next; l != &local; l = l->next) timer_of(l)->level = RT_TIMER_BUSY;
        while (!list_empty(&local)) {
            RtTimer *t = timer_of(local.next);
            list_unlink(&t->link);
            if (t->deadline <= now_ns) {
                w->count--;
                fired++;
                fn(t, ctx);
            } else {
                /* Cascade to a lower level, or (level 0, tick == now_tick)
                 * back into the current slot for a later advance. */
                place(w, t);
            }
        }
        /* The current tick's slot may keep timers due later in this tick;
         * revisiting it now would loop forever. */
        if (level == 0 && start == now_tick) break;
    }
    if (w->elapsed < now_tick) w->elapsed = now_tick;
    return fired;
}
