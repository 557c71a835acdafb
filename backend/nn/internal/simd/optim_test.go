package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// optimLengths are the slice lengths the optimiser kernels are checked on: empty,
// shorter than a vector, exactly one, one over, and long with a ragged end.
var optimLengths = []int{0, 1, 7, 8, 9, 15, 16, 17, 1003}

// randomSlice is n values spread over several magnitudes, zeros and negative zeros
// included, so rounding differences would show.
func randomSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		switch rng.IntN(8) {
		case 0:
			s[i] = 0
		case 1:
			s[i] = float32(math.Copysign(0, -1))
		default:
			s[i] = (rng.Float32()*2 - 1) * float32(math.Pow(10, float64(rng.IntN(7)-4)))
		}
	}
	return s
}

func sameBits(t *testing.T, what string, n int, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s n=%d at %d: %v vs Go %v", what, n, i, got[i], want[i])
		}
	}
}

func clone(s []float32) []float32 { return append([]float32(nil), s...) }

// TestSGDStepMatchesGo checks the dispatching SGD step (AVX2 where the CPU has it)
// against the plain-Go one bit for bit, on the first step and later ones, and the Go
// one against the formula written out in scalar code.
func TestSGDStepMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range optimLengths {
		for _, first := range []bool{true, false} {
			w, g, m := randomSlice(rng, n), randomSlice(rng, n), randomSlice(rng, n)
			w1, m1, w2, m2 := clone(w), clone(m), clone(w), clone(m)
			const wd, mu, lr = float32(5e-4), float32(0.9), float32(0.05)
			SGDStep(w1, g, m1, wd, mu, lr, first)
			SGDStepGo(w2, g, m2, wd, mu, lr, first)
			sameBits(t, "SGDStep w", n, w1, w2)
			sameBits(t, "SGDStep m", n, m1, m2)
			for i := range w {
				gi := g[i] + float32(wd*w[i])
				mi := gi
				if !first {
					mi = float32(mu*m[i]) + gi
				}
				wi := w[i] - float32(lr*mi)
				if math.Float32bits(wi) != math.Float32bits(w2[i]) || math.Float32bits(mi) != math.Float32bits(m2[i]) {
					t.Fatalf("SGDStepGo n=%d at %d: w %v m %v, formula w %v m %v", n, i, w2[i], m2[i], wi, mi)
				}
			}
		}
	}
}

// TestAdamStepMatchesGo checks the dispatching Adam step against the plain-Go one
// bit for bit over several steps (the moments carry over), and that the weights move.
func TestAdamStepMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range optimLengths {
		w := randomSlice(rng, n)
		w1, w2 := clone(w), clone(w)
		m1, m2 := make([]float32, n), make([]float32, n)
		v1, v2 := make([]float32, n), make([]float32, n)
		const b1, b2, eps, wd = 0.9, 0.999, float32(1e-8), float32(1e-4)
		for s := 1; s <= 3; s++ {
			g := randomSlice(rng, n)
			c1, c2 := 1-math.Pow(b1, float64(s)), 1-math.Pow(b2, float64(s))
			step, sc2 := float32(1e-3/c1), float32(math.Sqrt(c2))
			AdamStep(w1, g, m1, v1, wd, b1, b2, step, sc2, eps)
			AdamStepGo(w2, g, m2, v2, wd, b1, b2, step, sc2, eps)
			sameBits(t, "AdamStep w", n, w1, w2)
			sameBits(t, "AdamStep m", n, m1, m2)
			sameBits(t, "AdamStep v", n, v1, v2)
		}
		for i := range w {
			if w[i] != w2[i] {
				break
			}
			if i == n-1 {
				t.Fatalf("n=%d: three Adam steps left every weight where it was", n)
			}
		}
	}
}

// TestSumSquaresMatchesGo checks the dispatching sum of squares against the
// plain-Go one bit for bit, and both against a float64 sum within rounding.
func TestSumSquaresMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, n := range append(optimLengths, 31, 32, 33, 100003) {
		x := randomSlice(rng, n)
		got, want := SumSquares(x), SumSquaresGo(x)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("n=%d: %v vs Go %v", n, got, want)
		}
		var plain float64
		for _, v := range x {
			plain += float64(v) * float64(v)
		}
		if math.Abs(got-plain) > 1e-12*plain {
			t.Fatalf("n=%d: %v, plain sum %v", n, got, plain)
		}
	}
}

// TestScaleMatchesGo checks the dispatching rescale against the plain-Go one bit for
// bit.
func TestScaleMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range optimLengths {
		x := randomSlice(rng, n)
		x1, x2 := clone(x), clone(x)
		Scale(x1, 0.37)
		ScaleGo(x2, 0.37)
		sameBits(t, "Scale", n, x1, x2)
		for i := range x {
			if x[i] != 0 && x1[i] == x[i] {
				t.Fatalf("n=%d at %d: %v did not change", n, i, x[i])
			}
		}
	}
}
