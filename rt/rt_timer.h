/* A worker's hierarchical timing wheel: intrusive timer entries, O(1) insert
 * and cancel, and an advance that skips empty slots with per-level occupancy
 * bitmaps. Runtime-internal (the scheduler's), not part of the generated-code
 * ABI. */
#ifndef SIFR_RT_TIMER_H
#define SIFR_RT_TIMER_H

#include <stddef.h>
#include <stdint.h>

/* Design.
 *
 * One wheel belongs to one worker thread and has no locks: only the owner
 * calls these functions. Another thread that wants to cancel a timer sends
 * the request to the owner's inbox (to come with the scheduler).
 *
 * Times are absolute monotonic nanoseconds; the wheel works in 1 ms ticks
 * (tick = deadline_ns / 1e6). 8 levels of 64 slots cover 48 bits of ticks,
 * which is more than the whole uint64_t nanosecond range (2^64 ns is about
 * 1.8e13 ms < 2^45), so there is no overflow list: every deadline, even
 * UINT64_MAX, has a slot. Level L slot S holds timers whose tick agrees with
 * the wheel's current tick above bits 6L+6 and has S in bits 6L..6L+5.
 *
 * Timers fire exactly when deadline_ns <= now_ns (within the current tick
 * the nanosecond value is compared, not the tick): never earlier, and at the
 * first advance at or after the deadline. Timers fired by one advance are NOT
 * in deadline order (slot order, and no particular order within a slot). */

#define RT_WHEEL_BITS 6
#define RT_WHEEL_SLOTS 64
#define RT_WHEEL_LEVELS 8
#define RT_WHEEL_TICK_NS 65536ull
#define RT_TIMER_BUSY 0xFF /* `level` of a timer advance is firing */

typedef struct RtTimerLink {
    struct RtTimerLink *prev, *next;
} RtTimerLink;

/* Embedded by its owner (a task header). Zero-initialise it or call
 * rt_timer_init before first use; `data` is free for the owner. */
typedef struct RtTimer {
    RtTimerLink link;  /* in a slot list while pending; NULL next when idle */
    uint64_t deadline; /* absolute ns */
    uint8_t level;
    uint8_t slot;
    void *data;
} RtTimer;

typedef struct RtWheel {
    uint64_t now_ns;  /* the latest `now` seen (never decreases) */
    uint64_t elapsed; /* the current tick */
    uint64_t occupied[RT_WHEEL_LEVELS]; /* bit S set iff slot S is non-empty */
    RtTimerLink slots[RT_WHEEL_LEVELS][RT_WHEEL_SLOTS];
    size_t count;         /* pending timers */
    uint64_t slot_visits; /* slots processed by advance; tests bound work with it */
} RtWheel;

typedef void (*RtTimerFn)(RtTimer *t, void *ctx);

void rt_timer_init(RtTimer *t);
void rt_wheel_init(RtWheel *w, uint64_t now_ns);
/* Schedules t (which must not be pending: cancel it first). A deadline at or
 * before the wheel's time fires at the next advance. O(1). */
void rt_wheel_insert(RtWheel *w, RtTimer *t, uint64_t deadline_ns);
/* Removes t if pending; does nothing if it already fired, was cancelled or
 * never inserted. O(1). */
void rt_wheel_cancel(RtWheel *w, RtTimer *t);
/* Earliest pending deadline, at least the wheel's time; UINT64_MAX if none.
 * Exact: it scans the earliest non-empty slot, O(entries in that slot). */
uint64_t rt_wheel_next_deadline(const RtWheel *w);
/* Calls fn (after unlinking) on every timer with deadline <= now_ns and
 * returns how many fired. fn may insert or cancel timers. Cost: O(levels)
 * per call plus amortised O(levels) per timer; empty slots are skipped. */
size_t rt_wheel_advance(RtWheel *w, uint64_t now_ns, RtTimerFn fn, void *ctx);

#endif
