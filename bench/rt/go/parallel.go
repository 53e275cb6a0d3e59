package main

import (
	"runtime"
	"sync"
)

// parallelFor runs body(lo, hi) over [0, n) split into GOMAXPROCS chunks,
// one goroutine each.
func parallelFor(n int, body func(lo, hi int)) {
	p := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	wg.Add(p)
	for c := 0; c < p; c++ {
		go func(lo, hi int) {
			body(lo, hi)
			wg.Done()
		}(n*c/p, n*(c+1)/p)
	}
	wg.Wait()
}

// parallel_map_10m: out[i] = in[i]*in[i] + 1 (wrapping) over 10M ints,
// then the wrapping sum of out.
func parallelMap10m() uint64 {
	const n = 10_000_000
	in := make([]uint64, n)
	for i := range in {
		in[i] = uint64(i)
	}
	out := make([]uint64, n)
	parallelFor(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = in[i]*in[i] + 1
		}
	})
	var sum uint64
	for _, y := range out {
		sum += y
	}
	return sum
}

// work1us: about a microsecond of arithmetic (about 1.0 us on the benchmark
// machine): 700 rounds of xorshift64 seeded by i.
//
//go:noinline
func work1us(i uint64) uint64 {
	x := i*0x9E3779B97F4A7C15 | 1
	for k := 0; k < 700; k++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// parallel_map_10k_1us: out[i] = work1us(i) for 10k items, in order; the
// checksum is h = h*31 + out[i] (wrapping) over out in order.
func parallelMap10k1us() uint64 {
	const n = 10_000
	out := make([]uint64, n)
	parallelFor(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = work1us(uint64(i))
		}
	})
	var h uint64
	for _, y := range out {
		h = h*31 + y
	}
	return h
}
