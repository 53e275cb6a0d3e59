package main

import (
	"context"
	"sync"
	"time"
)

// await_chain: 10M calls of a trivial function, summed. Go has no
// coroutines: a plain call is its equivalent of awaiting a child coroutine.
// noinline keeps one call per "await" (Go would otherwise inline the body
// and no call would be left).
//
//go:noinline
func child(i uint64) uint64 {
	return i % 10
}

func awaitChain() uint64 {
	var sum uint64
	for i := uint64(0); i < 10_000_000; i++ {
		sum += child(i)
	}
	return sum
}

// scope_cancel: 100k goroutines each wait an hour (a timer, or the
// context's cancellation, whichever comes first) under a context with a
// 100 ms timeout; the WaitGroup waits until every goroutine has stopped its
// timer and returned. Prints the goroutines' count when the deadline ended
// them, as the Sifr program does in its TimeoutError branch.
func scopeCancel() uint64 {
	const n = 100_000
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer wg.Done()
			t := time.NewTimer(time.Hour)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}()
	}
	wg.Wait()
	if ctx.Err() == context.DeadlineExceeded {
		return n
	}
	return 0
}
