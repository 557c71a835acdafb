package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"transferlab/backend/nn/internal/simd"
)

// gemmShape is one GEMM our ops run, as one part of a batch of 64 computes it (the
// ops split a batch in two parts that run at once, each GEMM on one core).
type gemmShape struct {
	name    string
	tA, tB  bool
	m, n, k int
}

var benchShapes = []gemmShape{
	{"cnn/conv1.fwd", true, false, 2352, 16, 9}, // one-channel patches of 3 images, stored a tap a row
	{"cnn/conv1.dw", false, false, 9, 16, 2352},
	{"cnn/conv2.fwd", false, false, 196, 32, 144},
	{"cnn/conv2.dw", true, false, 32, 144, 196},
	{"cnn/conv2.dx", false, false, 196, 144, 32},
	{"cnn/fc1.fwd", false, false, 32, 128, 1568},
	{"cnn/fc1.dw", true, false, 784, 128, 64},
	{"cnn/fc1.dx", false, false, 32, 1568, 128}, // weights transposed once a step
	{"cnn/head.fwd", false, false, 32, 10, 128},
	{"mlp/fc1.fwd", false, false, 32, 256, 784},
	{"mlp/fc1.dw", true, false, 392, 256, 64},
	{"mlp/fc2.dx", false, false, 32, 256, 128},
	{"tB/fc1.dx", false, true, 32, 1568, 128}, // the same with the transpose in the GEMM
	// A 1x1 convolution's GEMMs cover pointwiseChunk/(in+out) pixels each (146 here), on
	// weights laid out once a step; its weight gradient spans every pixel of a part.
	{"1x1/expand", false, false, 146, 384, 64}, // 64 -> 384 channels
	{"1x1/project", false, false, 146, 64, 384},
	{"1x1/project.dw", true, false, 64, 384, 3136},
}

// gemmImpls are the GEMMs compared; blas_openblas_test.go adds OpenBLAS.
var gemmImpls = []struct {
	name string
	fn   func(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int)
}{
	{"ours", func(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
		simd.Sgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
	}},
	{"gonum", func(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
		gonum.Implementation{}.Sgemm(blasTrans(tA), blasTrans(tB), m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
	}},
}

// BenchmarkGEMM compares, shape by shape, our GEMM (each CPU path this machine has)
// with gonum's pure-Go one and, built with -tags openblas, OpenBLAS: GFLOP/s of one
// core, as the ops use them.
func BenchmarkGEMM(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, s := range benchShapes {
		lda, ldb := s.k, s.n
		if s.tA {
			lda = s.m
		}
		if s.tB {
			ldb = s.k
		}
		x, y, z := make([]float32, s.m*s.k), make([]float32, s.k*s.n), make([]float32, s.m*s.n)
		for _, v := range [][]float32{x, y} {
			for i := range v {
				v[i] = rng.Float32()
			}
		}
		flops := 2 * float64(s.m*s.n*s.k)
		run := func(name string, fn func()) {
			b.Run(fmt.Sprintf("%s/%s", s.name, name), func(b *testing.B) {
				for b.Loop() {
					fn()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
		for _, impl := range gemmImpls {
			if impl.name == "ours" {
				for _, path := range []string{"avx512", "avx2"} {
					restore, ok := simd.UseGemmPath(path)
					if ok {
						run("ours-"+path, func() { impl.fn(s.tA, s.tB, s.m, s.n, s.k, x, lda, y, ldb, z, s.n) })
					}
					restore()
				}
				continue
			}
			run(impl.name, func() { impl.fn(s.tA, s.tB, s.m, s.n, s.k, x, lda, y, ldb, z, s.n) })
		}
	}
}

func blasTrans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}
