/* Benchmark peer: spectral-norm in C (clang-19 -O2 -lm), single-threaded.
 * Same algorithm, size (n = 5500) and output as spectral_norm.sifr: the
 * spectral norm of the infinite matrix A(i, j) = 1 / ((i+j)(i+j+1)/2 + i + 1)
 * truncated to n x n, by 10 rounds of the power method on A^T A. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 5500

static double eval_a(int64_t i, int64_t j) {
    return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1);
}

/* av = A v */
static void mul_av(int64_t n, const double *v, double *av) {
    for (int64_t i = 0; i < n; i++) {
        double sum = 0;
        for (int64_t j = 0; j < n; j++) sum += eval_a(i, j) * v[j];
        av[i] = sum;
    }
}

/* atv = A^T v */
static void mul_atv(int64_t n, const double *v, double *atv) {
    for (int64_t i = 0; i < n; i++) {
        double sum = 0;
        for (int64_t j = 0; j < n; j++) sum += eval_a(j, i) * v[j];
        atv[i] = sum;
    }
}

/* atav = A^T A v, using tmp for the intermediate A v */
static void mul_atav(int64_t n, const double *v, double *atav, double *tmp) {
    mul_av(n, v, tmp);
    mul_atv(n, tmp, atav);
}

static double *alloc_vec(int64_t n) {
    double *p = malloc((size_t)n * sizeof *p);
    if (!p) {
        fputs("spectral_norm: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

int main(void) {
    int64_t n = N;
    double *u = alloc_vec(n), *v = alloc_vec(n), *tmp = alloc_vec(n);
    for (int64_t i = 0; i < n; i++) u[i] = 1.0;
    for (int k = 0; k < 10; k++) {
        mul_atav(n, u, v, tmp);
        mul_atav(n, v, u, tmp);
    }
    double vbv = 0, vv = 0;
    for (int64_t i = 0; i < n; i++) {
        vbv += u[i] * v[i];
        vv += v[i] * v[i];
    }
    printf("%.9f\n", sqrt(vbv / vv));
    free(u);
    free(v);
    free(tmp);
    return 0;
}
