package simd

import (
	"fmt"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// gemmKernel computes one tile of C, up to the path's row count by gemmCols columns,
// over kc steps of the inner dimension: C = alpha*A*B, or C += alpha*A*B when add is
// not 0. The "n" kernels read A row by row (row i at a+i*lda), the "t" kernels a
// transposed A as stored (step p's values side by side at a+p*lda). B is read as rows
// of gemmCols floats, ldb apart. See gemm_gen.go, which writes them.
type gemmKernel func(kc int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, add int, alpha float32)

// gemmPath is one set of kernels for a CPU feature level; rows is len(n) == len(t).
type gemmPath struct {
	name string
	n, t []gemmKernel
}

const (
	gemmCols = 16 // columns of a tile: one AVX-512 register, two AVX2 ones
	// gemmKC bounds the inner steps of one kernel call: a tile's B panel (kc x 16
	// floats, 16 KiB) then stays in L1 while the A tile streams through.
	gemmKC = 256
	// gemmNC bounds the columns one row tile sweeps before the next: kc x NC floats of
	// B (256 KiB) stay in L2 across the row tiles.
	gemmNC = 256
)

// gemmImpl is the kernel set chosen for this CPU at start; nil means gonum's pure-Go
// Sgemm (CPUs without AVX2 and FMA, other architectures, purego builds).
var gemmImpl *gemmPath

// GemmPath names the GEMM in use: "avx512", "avx2" or "go".
func GemmPath() string {
	if gemmImpl == nil {
		return "go"
	}
	return gemmImpl.name
}

// gemmWork is one call's scratch: B transposed, B's last partial column panel padded
// to 16, and the tile that panel's results land in before they are copied to C.
type gemmWork struct {
	bt, edge, tile []float32
}

var gemmWorkPool = sync.Pool{New: func() any { return new(gemmWork) }}

func grow(s *[]float32, n int) []float32 {
	if cap(*s) < n {
		*s = make([]float32, n)
	}
	*s = (*s)[:n]
	return *s
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major matrices, where op(A) is
// m x k (A stored k x m when tA) and op(B) is k x n (B stored n x k when tB), like
// BLAS's sgemm. It runs on the calling goroutine. For the same shapes, the result is
// the same on every run and on both assembly paths: each output is one chain of fused
// multiply-adds in k order, restarted every gemmKC steps.
func Sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	p := gemmImpl
	if p == nil {
		ta, tb := blas.NoTrans, blas.NoTrans
		if tA {
			ta = blas.Trans
		}
		if tB {
			tb = blas.Trans
		}
		gonum.Implementation{}.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if k == 0 || alpha == 0 {
		scaleRows(c, m, n, ldc, beta)
		return
	}
	if beta != 0 && beta != 1 {
		scaleRows(c, m, n, ldc, beta)
		beta = 1
	}
	w := gemmWorkPool.Get().(*gemmWork)
	defer gemmWorkPool.Put(w)
	if tB {
		// The kernels read rows of op(B); a transposed B is copied once per call.
		bt := grow(&w.bt, k*n)
		Transpose(b, ldb, n, k, bt)
		b, ldb = bt, n
	}
	rows := len(p.n)
	tiles := (m + rows - 1) / rows
	full := n &^ (gemmCols - 1)
	kBlocks := (k + gemmKC - 1) / gemmKC
	edge := grow(&w.edge, min(k, gemmKC)*gemmCols)
	tile := grow(&w.tile, rows*gemmCols)
	for kb := 0; kb < kBlocks; kb++ {
		// Blocks of near-equal size, so the last one is not a sliver.
		k0, k1 := kb*k/kBlocks, (kb+1)*k/kBlocks
		kc := k1 - k0
		add := 0
		if beta != 0 || kb > 0 {
			add = 1
		}
		if full < n {
			for p := 0; p < kc; p++ {
				dst := edge[p*gemmCols : (p+1)*gemmCols]
				copy(dst, b[(k0+p)*ldb+full:(k0+p)*ldb+n])
				clear(dst[n-full:])
			}
		}
		for j0 := 0; j0 < n; j0 += gemmNC {
			j1 := min(j0+gemmNC, full)
			last := j0+gemmNC >= n
			for t := 0; t < tiles; t++ {
				// Row tiles of near-equal height: a 4-row remainder tile would keep
				// too few accumulators busy to hide the multiply-add latency.
				i0, i1 := t*m/tiles, (t+1)*m/tiles
				r := i1 - i0
				var kern gemmKernel
				var ap *float32
				if tA {
					kern, ap = p.t[r-1], &a[k0*lda+i0]
				} else {
					kern, ap = p.n[r-1], &a[i0*lda+k0]
				}
				for j := j0; j < j1; j += gemmCols {
					kern(kc, ap, lda, &b[k0*ldb+j], ldb, &c[i0*ldc+j], ldc, add, alpha)
				}
				if last && full < n {
					kern(kc, ap, lda, &edge[0], gemmCols, &tile[0], gemmCols, 0, alpha)
					for i := 0; i < r; i++ {
						dst := c[(i0+i)*ldc+full : (i0+i)*ldc+n]
						src := tile[i*gemmCols:][:len(dst)]
						if add != 0 {
							for j, v := range src {
								dst[j] += v
							}
						} else {
							copy(dst, src)
						}
					}
				}
			}
		}
	}
}

// scaleRows sets C = beta*C; beta 0 clears C, NaNs included, as BLAS does.
func scaleRows(c []float32, m, n, ldc int, beta float32) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// Transpose writes the rows x cols matrix src (row stride ld) transposed into dst
// (cols x rows, dense): 8x8 blocks with AVX2 where the CPU has it, the edges and
// other CPUs in plain Go.
func Transpose(src []float32, ld, rows, cols int, dst []float32) {
	if rows == 0 || cols == 0 {
		return
	}
	_, _ = src[(rows-1)*ld+cols-1], dst[rows*cols-1] // bounds, once for the assembly
	r8, c8 := 0, 0
	if useAVX2 {
		r8, c8 = rows&^7, cols&^7
		// A column of blocks at a time: the 8 rows of dst it fills are written
		// front to back, which suits the caches better than 8 far-apart rows
		// written 32 bytes at a time.
		for j := 0; j < c8 && r8 > 0; j += 8 {
			transpose8AVX2(&src[j], ld, r8/8, &dst[j*rows], rows, 8*ld, 8)
		}
	}
	transposeGo(src, ld, 0, r8, c8, cols, rows, dst)   // right edge of the blocked rows
	transposeGo(src, ld, r8, rows, 0, cols, rows, dst) // remaining rows
}

// transposeGo transposes rows [i0,i1) x columns [j0,j1) of src into dst, whose rows
// are ldd floats long.
func transposeGo(src []float32, ld, i0, i1, j0, j1, ldd int, dst []float32) {
	for i := i0; i < i1; i++ {
		for j, v := range src[i*ld+j0 : i*ld+j1] {
			dst[(j0+j)*ldd+i] = v
		}
	}
}

// checkGemm panics on arguments that would read or write outside the slices, as
// gonum's BLAS does: the kernels run without bounds checks.
func checkGemm(tA, tB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("simd.Sgemm: negative size m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	check := func(what string, rows, cols, l, ld int) {
		if ld < max(1, cols) {
			panic(fmt.Sprintf("simd.Sgemm: %s stride %d is less than its %d columns", what, ld, cols))
		}
		if rows > 0 && cols > 0 && l < (rows-1)*ld+cols {
			panic(fmt.Sprintf("simd.Sgemm: %s has %d floats, a %dx%d matrix with stride %d needs %d", what, l, rows, cols, ld, (rows-1)*ld+cols))
		}
	}
	check("A", ar, ac, la, lda)
	check("B", br, bc, lb, ldb)
	check("C", m, n, lc, ldc)
}

// UseGemmPath forces the GEMM to one path ("avx512", "avx2" or "go") until restore is
// called, for benchmarks that compare them. It reports false, changing nothing, when
// this CPU has no such path. Not safe while a GEMM runs.
func UseGemmPath(name string) (restore func(), ok bool) {
	saved := gemmImpl
	restore = func() { gemmImpl = saved }
	if name == "go" {
		gemmImpl = nil
		return restore, true
	}
	for _, p := range gemmPaths {
		if p.name == name {
			gemmImpl = p
			return restore, true
		}
	}
	return restore, false
}
