/* Benchmark peer: naive recursive Fibonacci in C (clang-19 -O2).
 * Same algorithm and output as fib.sifr: prints fib(35) = 9227465. */
#include <stdint.h>
#include <stdio.h>

static int64_t fib(int64_t n) {
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

int main(void) {
    printf("%lld\n", (long long)fib(35));
    return 0;
}
