// Benchmark peer: naive recursive Fibonacci in Go (Debian's go, `go build`).
// Same algorithm and output as fib.sifr: prints fib(35) = 9227465.
package main

import "fmt"

func fib(n int64) int64 {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func main() {
	fmt.Println(fib(35))
}
