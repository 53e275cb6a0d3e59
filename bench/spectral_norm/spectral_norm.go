// Benchmark peer: spectral-norm in Go (Debian's go, `go build`),
// single-threaded. Same algorithm, size (n = 5500) and output as
// spectral_norm.sifr: 10 rounds of the power method on A^T A for
// A(i, j) = 1 / ((i+j)(i+j+1)/2 + i + 1).
package main

import (
	"fmt"
	"math"
)

const n = 5500

func evalA(i, j int) float64 {
	return 1.0 / float64((i+j)*(i+j+1)/2+i+1)
}

// mulAv sets av = A v.
func mulAv(v, av []float64) {
	for i := range av {
		sum := 0.0
		for j := range v {
			sum += evalA(i, j) * v[j]
		}
		av[i] = sum
	}
}

// mulAtv sets atv = A^T v.
func mulAtv(v, atv []float64) {
	for i := range atv {
		sum := 0.0
		for j := range v {
			sum += evalA(j, i) * v[j]
		}
		atv[i] = sum
	}
}

// mulAtAv sets atav = A^T A v, using tmp for the intermediate A v.
func mulAtAv(v, atav, tmp []float64) {
	mulAv(v, tmp)
	mulAtv(tmp, atav)
}

func main() {
	u := make([]float64, n)
	v := make([]float64, n)
	tmp := make([]float64, n)
	for i := range u {
		u[i] = 1.0
	}
	for k := 0; k < 10; k++ {
		mulAtAv(u, v, tmp)
		mulAtAv(v, u, tmp)
	}
	var vbv, vv float64
	for i := range v {
		vbv += u[i] * v[i]
		vv += v[i] * v[i]
	}
	fmt.Printf("%.9f\n", math.Sqrt(vbv/vv))
}
