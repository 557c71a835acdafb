package nn

import (
	"fmt"
	"testing"
	"time"
)

func TestGemmShapes(t *testing.T) {
	cases := []struct {
		name    string
		ta, tb  bool
		m, n, k int
	}{
		{"c1dw", true, false, 16, 9, 50176},
		{"c1dwT", true, false, 9, 16, 50176},
		{"c2dw", true, false, 32, 144, 12544},
		{"c2dwT", true, false, 144, 32, 12544},
	}
	for _, c := range cases {
		a := make([]float32, c.m*c.k)
		b := make([]float32, c.k*c.n)
		cc := make([]float32, c.m*c.n)
		lda, ldb := c.k, c.n
		if c.ta {
			lda = c.m
		}
		if c.tb {
			ldb = c.k
		}
		best := time.Hour
		for r := 0; r < 30; r++ {
			t0 := time.Now()
			sgemm(c.ta, c.tb, c.m, c.n, c.k, 1, a, lda, b, ldb, 0, cc, c.n)
			best = min(best, time.Since(t0))
		}
		fmt.Printf("%-10s %8v %6.1f GFLOP/s\n", c.name, best, 2*float64(c.m*c.n*c.k)/best.Seconds()/1e9)
	}
}
