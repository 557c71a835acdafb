package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// gemmPathNames are every assembly path the package has, whether or not this CPU
// runs them.
var gemmPathNames = []string{"avx512", "avx2"}

// withPaths runs f once for each GEMM path, with that path forced, and once for the
// pure-Go fallback; a path this machine lacks shows as a skipped subtest that names
// it, so a run on an older CPU says what it did not check.
func withPaths(t *testing.T, f func(t *testing.T)) {
	saved := gemmImpl
	defer func() { gemmImpl = saved }()
	for _, p := range gemmPaths {
		if !slices.Contains(gemmPathNames, p.name) {
			t.Errorf("the %s path is not in gemmPathNames, so it would go unchecked", p.name)
		}
	}
	for _, name := range gemmPathNames {
		var path *gemmPath
		for _, p := range gemmPaths {
			if p.name == name {
				path = p
			}
		}
		if path == nil {
			t.Run(name, func(t *testing.T) {
				t.Skipf("this CPU (or a purego or non-amd64 build) has no %s GEMM path; not checked here", name)
			})
			continue
		}
		gemmImpl = path
		t.Run(name, f)
	}
	gemmImpl = nil
	t.Run(GemmPath(), f)
}

// naiveGemm is the reference: the textbook triple loop, in float64.
func naiveGemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if tA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if tB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			v := float64(alpha) * s
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(v)
		}
	}
}

type gemmCase struct {
	tA, tB           bool
	m, n, k          int
	alpha, beta      float32
	padA, padB, padC int // extra stride beyond the columns
}

func (g gemmCase) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d alpha=%g beta=%g pads=%d,%d,%d", g.tA, g.tB, g.m, g.n, g.k, g.alpha, g.beta, g.padA, g.padB, g.padC)
}

// run fills the matrices from rng, runs Sgemm and the reference, and compares them
// within a tolerance scaled by the sum of |products| of each output.
func (g gemmCase) run(t *testing.T, rng *rand.Rand) {
	t.Helper()
	ar, ac := g.m, g.k
	if g.tA {
		ar, ac = g.k, g.m
	}
	br, bc := g.k, g.n
	if g.tB {
		br, bc = g.n, g.k
	}
	lda, ldb, ldc := max(1, ac)+g.padA, max(1, bc)+g.padB, g.n+g.padC
	fill := func(rows, ld int) []float32 {
		s := make([]float32, max(0, (rows-1)*ld)+ld)
		for i := range s {
			s[i] = rng.Float32()*2 - 1
		}
		return s
	}
	a, b, c := fill(ar, lda), fill(br, ldb), fill(g.m, ldc)
	if g.beta == 0 {
		for i := range c {
			c[i] = float32(math.NaN()) // beta 0 must overwrite, not scale, what C held
		}
	}
	want := append([]float32(nil), c...)
	got := append([]float32(nil), c...)
	naiveGemm(g.tA, g.tB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, want, ldc)
	Sgemm(g.tA, g.tB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, got, ldc)
	for i := 0; i < g.m; i++ {
		for j := 0; j < ldc; j++ {
			at := i*ldc + j
			if j >= g.n { // outside the matrix: untouched
				if math.Float32bits(got[at]) != math.Float32bits(c[at]) {
					t.Fatalf("%v: wrote C[%d][%d] beyond the %d columns", g, i, j, g.n)
				}
				continue
			}
			tol := 1e-5 * float64(g.k+2) * (math.Abs(float64(g.alpha)) + math.Abs(float64(g.beta)) + 1)
			if d := math.Abs(float64(got[at] - want[at])); !(d <= tol) {
				t.Fatalf("%v: C[%d][%d] = %g, want %g", g, i, j, got[at], want[at])
			}
		}
	}
}

// TestSgemmAgainstTripleLoop checks every path on edge shapes (sizes of 1, sizes off
// the tile and block sizes by one, both transposes, strides wider than the matrix,
// alpha and beta values) and on random ones.
func TestSgemmAgainstTripleLoop(t *testing.T) {
	withPaths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		sizes := []int{1, 2, 5, 6, 7, 13, 14, 15, 16, 17, 31, 33}
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, m := range sizes {
					for _, n := range []int{1, 9, 16, 17, 33} {
						for _, k := range []int{1, 3, 16} {
							gemmCase{tA: tA, tB: tB, m: m, n: n, k: k, alpha: 1}.run(t, rng)
						}
					}
				}
				for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {2, -1}, {0, 0.5}, {0, 0}, {1, 0.25}} {
					gemmCase{tA: tA, tB: tB, m: 19, n: 21, k: 5, alpha: ab[0], beta: ab[1], padA: 3, padB: 1, padC: 2}.run(t, rng)
				}
				// Inner dimension across the kc blocks, columns across the nc blocks.
				gemmCase{tA: tA, tB: tB, m: 15, n: 40, k: gemmKC*2 + 1, alpha: 1, beta: 1}.run(t, rng)
				gemmCase{tA: tA, tB: tB, m: 3, n: gemmNC + 17, k: 7, alpha: 1, padC: 5}.run(t, rng)
			}
		}
		for i := 0; i < 200; i++ {
			g := gemmCase{
				tA: rng.IntN(2) == 0, tB: rng.IntN(2) == 0,
				m: 1 + rng.IntN(70), n: 1 + rng.IntN(70), k: rng.IntN(300),
				alpha: float32(rng.IntN(5)-2) / 2, beta: float32(rng.IntN(5)-2) / 2,
				padA: rng.IntN(3), padB: rng.IntN(3), padC: rng.IntN(3),
			}
			g.run(t, rng)
		}
	})
}

// TestSgemmPathsAgree checks that the assembly paths give bit-identical results, so
// training curves do not depend on which CPU features a machine has.
func TestSgemmPathsAgree(t *testing.T) {
	if len(gemmPaths) < 2 {
		t.Skipf("this CPU has %d assembly path(s); nothing to compare", len(gemmPaths))
	}
	saved := gemmImpl
	defer func() { gemmImpl = saved }()
	rng := rand.New(rand.NewPCG(5, 6))
	for _, g := range []gemmCase{
		{m: 196, n: 32, k: 144, alpha: 1},
		{tA: true, m: 32, n: 144, k: 196, alpha: 1, beta: 1},
		{tB: true, m: 32, n: 100, k: 128, alpha: 1},
		{m: 45, n: 10, k: 600, alpha: 0.5, beta: 1},
	} {
		a := make([]float32, g.m*g.k)
		b := make([]float32, g.k*g.n)
		c := make([]float32, g.m*g.n)
		for _, s := range [][]float32{a, b, c} {
			for i := range s {
				s[i] = rng.Float32()*2 - 1
			}
		}
		lda, ldb := g.k, g.n
		if g.tA {
			lda = g.m
		}
		if g.tB {
			ldb = g.k
		}
		var first []float32
		for _, p := range gemmPaths {
			gemmImpl = p
			got := append([]float32(nil), c...)
			Sgemm(g.tA, g.tB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, got, g.n)
			if first == nil {
				first = got
				continue
			}
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(first[i]) {
					t.Fatalf("%v: %s gives C[%d] = %g, %s gives %g", g, p.name, i, got[i], gemmPaths[0].name, first[i])
				}
			}
		}
	}
}

// TestSgemmRejectsShortSlices checks that sizes that would reach past a slice panic
// before any kernel runs.
func TestSgemmRejectsShortSlices(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Sgemm with a too short A did not panic")
		}
	}()
	a, b, c := make([]float32, 5), make([]float32, 6), make([]float32, 4)
	Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
}

// TestTransposeAgainstLoop checks the blocked transpose, edges included.
func TestTransposeAgainstLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, rows := range []int{1, 7, 8, 9, 16, 23} {
		for _, cols := range []int{1, 5, 8, 15, 24, 33} {
			ld := cols + rng.IntN(3)
			src := make([]float32, (rows-1)*ld+cols)
			for i := range src {
				src[i] = rng.Float32()
			}
			dst := make([]float32, rows*cols)
			Transpose(src, ld, rows, cols, dst)
			for i := 0; i < rows; i++ {
				for j := 0; j < cols; j++ {
					if dst[j*rows+i] != src[i*ld+j] {
						t.Fatalf("%dx%d (ld %d): dst[%d][%d] = %g, want %g", rows, cols, ld, j, i, dst[j*rows+i], src[i*ld+j])
					}
				}
			}
		}
	}
}
