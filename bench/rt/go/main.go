// The Go peers of the runtime benchmarks: one program, `go_rt NAME`, which
// does the benchmark's work once and prints its result line. bench/rt/run
// builds it (go build -o bench/out/rt/go_rt bench/rt/go/*.go), checks the
// result lines against the other implementations and times the runs;
// docs/benchmarks.md ("Runtime benchmarks") describes each benchmark.
//
// GOMAXPROCS is Go's default (the CPUs the process may use: 2 on the
// benchmark machine, 1 under taskset -c 0) except where a benchmark sets it.
package main

import (
	"fmt"
	"os"
)

var benchmarks = []struct {
	name string
	run  func() uint64
}{
	{"spawn_join_100k", func() uint64 { return spawnJoin(100_000) }},
	{"spawn_join_1m", func() uint64 { return spawnJoin(1_000_000) }},
	{"pingpong_same", pingpongSame},
	{"pingpong_cross", pingpongCross},
	{"bounded_1024", func() uint64 { return bounded(1024) }},
	{"bounded_64", func() uint64 { return bounded(64) }},
	{"bounded_1", func() uint64 { return bounded(1) }},
	{"fan_in", fanIn},
	{"mutex_2", func() uint64 { return mutex(2) }},
	{"mutex_1000", func() uint64 { return mutex(1000) }},
	{"semaphore", semaphore},
	{"timers", timers},
	{"await_chain", awaitChain},
	{"scope_cancel", scopeCancel},
	{"parallel_map_10m", parallelMap10m},
	{"parallel_map_10k_1us", parallelMap10k1us},
	{"subprocess", subprocess},
}

func main() {
	if len(os.Args) == 2 {
		for _, b := range benchmarks {
			if b.name == os.Args[1] {
				fmt.Println(b.run())
				return
			}
		}
	}
	fmt.Fprint(os.Stderr, "usage: go_rt NAME\n  NAME:")
	for _, b := range benchmarks {
		fmt.Fprint(os.Stderr, " ", b.name)
	}
	fmt.Fprintln(os.Stderr)
	os.Exit(2)
}
