package main

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// spawn_join_100k, spawn_join_1m: n goroutines each "return" i % 10 into
// its own slot (Go has no join handles: a WaitGroup is the join).
func spawnJoin(n int) uint64 {
	results := make([]uint64, n)
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			results[i] = uint64(i % 10)
			wg.Done()
		}(i)
	}
	wg.Wait()
	var sum uint64
	for _, r := range results {
		sum += r
	}
	return sum
}

// pingpong: n round trips: A sends i to B over one capacity-1 channel, B
// answers i + 1 over another; A sums the answers. lock pins each side to its
// own OS thread.
func pingpong(n uint64, lock bool) uint64 {
	toB := make(chan uint64, 1)
	toA := make(chan uint64, 1)
	done := make(chan uint64)
	go func() {
		if lock {
			runtime.LockOSThread()
		}
		for v := range toB {
			toA <- v + 1
		}
	}()
	go func() {
		if lock {
			runtime.LockOSThread()
		}
		var sum uint64
		for i := uint64(0); i < n; i++ {
			toB <- i
			sum += <-toA
		}
		close(toB)
		done <- sum
	}()
	return <-done
}

// pingpong_same: 1M round trips on one P (bench/rt/run adds taskset -c 0).
func pingpongSame() uint64 {
	runtime.GOMAXPROCS(1)
	return pingpong(1_000_000, false)
}

// pingpong_cross: 100k round trips (not 1M: a round trip that wakes a
// sleeping thread costs 25 to 80 us on the benchmark machine) on two Ps, each
// side locked to its own OS thread, so every message crosses threads.
func pingpongCross() uint64 {
	runtime.GOMAXPROCS(2)
	return pingpong(100_000, true)
}

// mutex_2, mutex_1000: 10M increments of one counter under a sync.Mutex,
// split evenly between the goroutines.
func mutex(tasks int) uint64 {
	const increments = 10_000_000
	var mu sync.Mutex
	var counter uint64
	var wg sync.WaitGroup
	wg.Add(tasks)
	for t := 0; t < tasks; t++ {
		go func() {
			for i := 0; i < increments/tasks; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return counter
}

// semaphore: 1000 goroutines, 4 permits (a buffered channel of 4: Go's
// standard library has no semaphore), 1000 acquire/release each.
func semaphore() uint64 {
	sem := make(chan struct{}, 4)
	var count uint64
	var wg sync.WaitGroup
	wg.Add(1000)
	for t := 0; t < 1000; t++ {
		go func() {
			for i := 0; i < 1000; i++ {
				sem <- struct{}{}
				atomic.AddUint64(&count, 1)
				<-sem
			}
			wg.Done()
		}()
	}
	wg.Wait()
	return atomic.LoadUint64(&count)
}

// timers: 100k goroutines each sleep 10 ms, then all are joined.
func timers() uint64 {
	const n = 100_000
	results := make([]uint64, n)
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			time.Sleep(10 * time.Millisecond)
			results[i] = 1
			wg.Done()
		}(i)
	}
	wg.Wait()
	var sum uint64
	for _, r := range results {
		sum += r
	}
	return sum
}
