/* The timing wheel (rt_timer.h): single timers at many distances, cancel and
 * reinsert, a 100k-timer random run checked against a brute-force model at
 * every step (fired set and next deadline), and a 10-year jump whose work is
 * bounded by the wheel's slot-visit counter. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "rt_timer.h"

#define MS 1000000ull

typedef struct {
    size_t n;
    uint64_t now;
} FireLog;

/* Records each firing in the timer's data (a counter) and checks it is not early. */
static void on_fire(RtTimer *t, void *ctx) {
    FireLog *log = ctx;
    cr_assert(t->deadline <= log->now, "fired early: %llu > %llu", (unsigned long long)t->deadline,
              (unsigned long long)log->now);
    (*(int *)t->data)++;
    log->n++;
}

static size_t adv(RtWheel *w, uint64_t now, FireLog *log) {
    log->now = now;
    return rt_wheel_advance(w, now, on_fire, log);
}

static void single_at(uint64_t start, uint64_t dist) {
    RtWheel w;
    rt_wheel_init(&w, start);
    RtTimer t = {0};
    int hits = 0;
    t.data = &hits;
    uint64_t dl = start + dist;
    rt_wheel_insert(&w, &t, dl);
    cr_assert_eq(rt_wheel_next_deadline(&w), dl);
    FireLog log = {0};
    /* Advance in a few steps before the deadline, then exactly to it. */
    if (dist > 0) {
        adv(&w, start + dist / 2, &log);
        adv(&w, dl - 1, &log);
        cr_assert_eq(hits, 0, "dist %llu fired early", (unsigned long long)dist);
        cr_assert_eq(rt_wheel_next_deadline(&w), dl);
    }
    adv(&w, dl, &log);
    cr_assert_eq(hits, 1, "dist %llu: fired %d times", (unsigned long long)dist, hits);
    adv(&w, dl + 10 * MS, &log);
    cr_assert_eq(hits, 1);
    cr_assert_eq(rt_wheel_next_deadline(&w), UINT64_MAX);
    rt_wheel_cancel(&w, &t); /* after firing: no effect */
    cr_assert_eq(w.count, 0);
}

Test(rt_timer, single_distances) {
    const uint64_t d[] = {0, 1, MS - 1, MS, MS + 1, 63 * MS, 64 * MS, 4095 * MS, 4096 * MS, 4097 * MS + 7,
                          3600000 * MS, 365ull * 86400000 * MS, 3ull * 365 * 86400000 * MS};
    const uint64_t starts[] = {0, 123456789, 63 * MS + 999999, 1ull << 50};
    for (size_t s = 0; s < sizeof starts / sizeof *starts; s++)
        for (size_t i = 0; i < sizeof d / sizeof *d; i++) single_at(starts[s], d[i]);
}

Test(rt_timer, past_deadline_fires_next_advance) {
    RtWheel w;
    rt_wheel_init(&w, 100 * MS);
    RtTimer t = {0};
    int hits = 0;
    t.data = &hits;
    rt_wheel_insert(&w, &t, 5 * MS);
    cr_assert_eq(rt_wheel_next_deadline(&w), 100 * MS); /* never before now */
    FireLog log = {0};
    adv(&w, 100 * MS, &log);
    cr_assert_eq(hits, 1);
}

Test(rt_timer, cancel_and_reinsert) {
    RtWheel w;
    rt_wheel_init(&w, 0);
    RtTimer t = {0}, never = {0};
    int hits = 0;
    t.data = &hits;
    rt_wheel_cancel(&w, &never); /* never inserted */
    rt_wheel_insert(&w, &t, 70 * MS);
    rt_wheel_cancel(&w, &t);
    rt_wheel_cancel(&w, &t); /* twice */
    cr_assert_eq(w.count, 0);
    cr_assert_eq(rt_wheel_next_deadline(&w), UINT64_MAX);
    FireLog log = {0};
    adv(&w, 100 * MS, &log);
    cr_assert_eq(hits, 0);
    rt_wheel_insert(&w, &t, 200 * MS);
    adv(&w, 199 * MS, &log);
    cr_assert_eq(hits, 0);
    adv(&w, 200 * MS, &log);
    cr_assert_eq(hits, 1);
    rt_wheel_cancel(&w, &t);
    cr_assert_eq(w.count, 0);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

Test(rt_timer, random_against_model) {
    enum { N = 100000 };
    RtTimer *ts = calloc(N, sizeof *ts);
    int *hits = calloc(N, sizeof *hits);
    char *cancelled = calloc(N, 1);
    cr_assert(ts && hits && cancelled);
    uint64_t now = 5 * MS + 17;
    RtWheel w;
    rt_wheel_init(&w, now);
    for (size_t i = 0; i < N; i++) {
        ts[i].data = &hits[i];
        /* Mix of near (sub-tick), medium and far distances. */
        uint64_t r = rnd();
        uint64_t dist = r % 4 == 0 ? rnd() % (3 * MS) : r % 4 == 1 ? rnd() % (5000 * MS) : rnd() % (600000 * MS);
        rt_wheel_insert(&w, &ts[i], now + dist);
    }
    for (size_t i = 0; i < N; i += 7) { /* cancel some */
        rt_wheel_cancel(&w, &ts[i]);
        cancelled[i] = 1;
    }
    size_t steps = 0;
    while (w.count > 0) {
        /* Model: earliest pending deadline. */
        uint64_t earliest = UINT64_MAX;
        for (size_t i = 0; i < N; i++)
            if (!cancelled[i] && !hits[i] && ts[i].deadline < earliest) earliest = ts[i].deadline;
        uint64_t nd = rt_wheel_next_deadline(&w);
        uint64_t expect = earliest < now ? now : earliest;
        cr_assert(nd <= expect && nd + RT_WHEEL_TICK_NS > expect && nd >= now, "next %llu model %llu",
                  (unsigned long long)nd, (unsigned long long)expect);
        uint64_t r = rnd() % 8;
        now += r == 0 ? rnd() % MS : r < 6 ? rnd() % (200 * MS) : rnd() % (20000 * MS);
        FireLog log = {0};
        size_t n = adv(&w, now, &log);
        size_t model = 0;
        for (size_t i = 0; i < N; i++) {
            if (cancelled[i]) {
                cr_assert_eq(hits[i], 0);
                continue;
            }
            cr_assert(hits[i] <= 1);
            if (ts[i].deadline <= now) {
                cr_assert_eq(hits[i], 1, "timer %zu due at %llu not fired by %llu", i,
                             (unsigned long long)ts[i].deadline, (unsigned long long)now);
                model++;
            } else {
                cr_assert_eq(hits[i], 0);
            }
        }
        (void)n;
        cr_assert_eq(log.n, n);
        steps++;
        /* fired so far == model count of due timers */
        size_t total_fired = 0;
        for (size_t i = 0; i < N; i++) total_fired += (size_t)hits[i];
        cr_assert_eq(total_fired, model);
    }
    cr_assert(steps > 10);
    free(ts);
    free(hits);
    free(cancelled);
}

Test(rt_timer, ten_year_jump_is_cheap) {
    RtWheel w;
    rt_wheel_init(&w, 42);
    RtTimer ts[5] = {{0}};
    int hits[5] = {0};
    const uint64_t year = 365ull * 86400000 * MS;
    const uint64_t dl[5] = {1 * MS, 3600000 * MS, year, 5 * year, 9 * year + 12345};
    for (int i = 0; i < 5; i++) {
        ts[i].data = &hits[i];
        rt_wheel_insert(&w, &ts[i], dl[i]);
    }
    FireLog log = {0};
    cr_assert_eq(adv(&w, 10 * year, &log), 5);
    for (int i = 0; i < 5; i++) cr_assert_eq(hits[i], 1);
    /* Each timer can be visited at most once per level; a per-tick loop would
     * be ~3e11 iterations. */
    cr_assert(w.slot_visits <= 5 * RT_WHEEL_LEVELS, "visits %llu", (unsigned long long)w.slot_visits);
    cr_assert_eq(rt_wheel_next_deadline(&w), UINT64_MAX);
}

/* A callback that cancels a timer of the slot being fired and re-arms
 * itself: the cancelled one never fires, the re-armed one fires later. */
typedef struct {
    RtWheel *w;
    RtTimer *victim;
    int fired_self, fired_victim;
} Rearm;

static void rearm_fire(RtTimer *t, void *ctx) {
    Rearm *r = ctx;
    if (t == r->victim) {
        r->fired_victim++;
        return;
    }
    r->fired_self++;
    rt_wheel_cancel(r->w, r->victim);
    if (r->fired_self == 1) rt_wheel_insert(r->w, t, t->deadline + 100 * MS);
}

Test(rt_timer, callback_cancels_and_reinserts) {
    RtWheel w;
    rt_wheel_init(&w, 0);
    RtTimer a = {0}, b = {0};
    Rearm r = {&w, &b, 0, 0};
    rt_wheel_insert(&w, &a, 70 * MS);
    rt_wheel_insert(&w, &b, 70 * MS + 5);
    cr_assert_eq(rt_wheel_advance(&w, 71 * MS, rearm_fire, &r), 1);
    cr_assert_eq(r.fired_self, 1);
    cr_assert_eq(r.fired_victim, 0);
    cr_assert_eq(w.count, 1);
    cr_assert_eq(rt_wheel_next_deadline(&w), 170 * MS);
    cr_assert_eq(rt_wheel_advance(&w, 170 * MS, rearm_fire, &r), 1);
    cr_assert_eq(r.fired_self, 2);
    cr_assert_eq(w.count, 0);
}
