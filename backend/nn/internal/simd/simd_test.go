package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAssemblyMatchesGo checks the dispatching versions (AVX2 where the CPU has it)
// against the plain-Go reference bit for bit, with ties, signed zeros and values the
// ReLU cuts.
func TestAssemblyMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	val := func() float32 {
		switch rng.IntN(6) {
		case 0:
			return 0
		case 1:
			return float32(math.Copysign(0, -1))
		case 2:
			return float32(rng.IntN(3)) - 1 // ties
		default:
			return rng.Float32()*2 - 1
		}
	}
	for _, o := range []int{8, 16, 32, 12} {
		for _, relu := range []int32{0, -1} {
			wp := 7
			r0, r1 := make([]float32, 2*wp*o), make([]float32, 2*wp*o)
			bias := make([]float32, o)
			for _, s := range [][]float32{r0, r1, bias} {
				for i := range s {
					s[i] = val()
				}
			}
			d1, d2 := make([]float32, wp*o), make([]float32, wp*o)
			a1, a2 := make([]int32, wp*o), make([]int32, wp*o)
			PoolRow(r0, r1, bias, d1, a1, relu)
			PoolRowGo(r0, r1, bias, d2, a2, relu)
			for i := range d1 {
				if math.Float32bits(d1[i]) != math.Float32bits(d2[i]) || a1[i] != a2[i] {
					t.Fatalf("o=%d relu=%d at %d: %v/%d vs Go %v/%d", o, relu, i, d1[i], a1[i], d2[i], a2[i])
				}
				if relu == -1 && d1[i] < 0 {
					t.Fatalf("negative output %v after ReLU", d1[i])
				}
			}
		}
	}
	for _, o := range []int{8, 16, 32, 12} {
		wp := 7
		gs := make([]float32, wp*o)
		arg := make([]int32, wp*o)
		for i := range gs {
			gs[i] = val()
			arg[i] = int32(rng.IntN(4)) | int32(rng.IntN(2))*PoolCut
		}
		q0, q1 := make([]float32, 2*wp*o), make([]float32, 2*wp*o)
		for i := range q0 {
			q0[i], q1[i] = val(), val()
		}
		r0, r1 := append([]float32(nil), q0...), append([]float32(nil), q1...)
		b1, b2 := make([]float32, o), make([]float32, o)
		for i := range b1 {
			b1[i] = val()
			b2[i] = b1[i]
		}
		PoolGradRow(gs, arg, q0, q1, b1)
		PoolGradRowGo(gs, arg, r0, r1, b2)
		for i := range q0 {
			if math.Float32bits(q0[i]) != math.Float32bits(r0[i]) || math.Float32bits(q1[i]) != math.Float32bits(r1[i]) {
				t.Fatalf("PoolGradRow o=%d at %d: %v,%v vs Go %v,%v", o, i, q0[i], q1[i], r0[i], r1[i])
			}
		}
		for i := range b1 {
			if math.Float32bits(b1[i]) != math.Float32bits(b2[i]) {
				t.Fatalf("PoolGradRow bias o=%d at %d: %v vs Go %v", o, i, b1[i], b2[i])
			}
		}
	}
}

// TestCopyRunsMatchesGo checks the assembly gather against the plain-Go one, with
// run lengths on and off its 8-float step.
func TestCopyRunsMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{3, 8, 16, 24, 48, 96, 13} {
		count, ss, ds := 5, n/2+1, n+3
		src := make([]float32, (count-1)*ss+n)
		for i := range src {
			src[i] = rng.Float32()
		}
		d1, d2 := make([]float32, (count-1)*ds+n), make([]float32, (count-1)*ds+n)
		CopyRuns(d1, ds, src, ss, n, count)
		CopyRunsGo(d2, ds, src, ss, n, count)
		for i := range d1 {
			if d1[i] != d2[i] {
				t.Fatalf("n=%d: dst[%d] = %g, want %g", n, i, d1[i], d2[i])
			}
		}
		for r := 0; r < count; r++ {
			if d1[r*ds+n-1] != src[r*ss+n-1] {
				t.Fatalf("n=%d: run %d not copied", n, r)
			}
		}
	}
}

// TestAddRunsMatchesGo checks the assembly scatter-add against the plain-Go one
// bit for bit, with overlapping destination runs as col2im has.
func TestAddRunsMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{3, 8, 48, 96, 13} {
		count, ds, ss := 6, max(1, n/3), n+5
		src := make([]float32, (count-1)*ss+n)
		d1 := make([]float32, (count-1)*ds+n)
		for i := range src {
			src[i] = rng.Float32()*2 - 1
		}
		for i := range d1 {
			d1[i] = rng.Float32()
		}
		d2 := append([]float32(nil), d1...)
		AddRuns(d1, ds, src, ss, n, count)
		AddRunsGo(d2, ds, src, ss, n, count)
		for i := range d1 {
			if math.Float32bits(d1[i]) != math.Float32bits(d2[i]) {
				t.Fatalf("n=%d: dst[%d] = %g, want %g", n, i, d1[i], d2[i])
			}
		}
	}
}

// TestAddBiasMatchesGo checks the assembly bias and ReLU against the plain-Go one bit
// for bit, with -0, NaN and a partial last row.
func TestAddBiasMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{8, 16, 128, 10} {
		for _, relu := range []bool{false, true} {
			bias := make([]float32, n)
			out := make([]float32, 5*n+3)
			for i := range bias {
				bias[i] = rng.Float32() - 0.5
			}
			for i := range out {
				out[i] = rng.Float32()*2 - 1
			}
			out[1], bias[1] = float32(math.Copysign(0, -1)), float32(math.Copysign(0, -1))
			out[2] = float32(math.NaN())
			o2 := append([]float32(nil), out...)
			AddBias(out, bias, relu)
			AddBiasGo(o2, bias, relu)
			for i := range out {
				if math.Float32bits(out[i]) != math.Float32bits(o2[i]) {
					t.Fatalf("n=%d relu=%v: out[%d] = %g, want %g", n, relu, i, out[i], o2[i])
				}
			}
		}
	}
}

// TestMulAddAndClampMatchGo checks the depthwise convolution's kernels against Go at
// lengths that exercise every loop (32-wide, 8-wide and the scalar tail).
func TestMulAddAndClampMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 7, 8, 16, 33, 96, 384, 389} {
		a, b := make([]float32, n+3), make([]float32, n+3)
		d1, d2 := make([]float32, n), make([]float32, n)
		for i := range a {
			a[i], b[i] = rng.Float32()*4-2, rng.Float32()*4-2
		}
		for i := range d1 {
			d1[i] = rng.Float32()*8 - 1
			d2[i] = d1[i]
		}
		MulAdd(d1, a, b)
		MulAddGo(d2, a, b)
		for i := range d1 {
			if math.Abs(float64(d1[i]-d2[i])) > 1e-6*math.Max(1, math.Abs(float64(d2[i]))) {
				t.Fatalf("MulAdd n=%d at %d: %v vs Go %v", n, i, d1[i], d2[i])
			}
		}
		Clamp(d1, 0, 6)
		ClampGo(d2, 0, 6)
		for i := range d1 {
			if d1[i] < 0 || d1[i] > 6 || math.Abs(float64(d1[i]-d2[i])) > 1e-5 {
				t.Fatalf("Clamp n=%d at %d: %v vs Go %v", n, i, d1[i], d2[i])
			}
		}
	}
}

// TestPassInsideMatchesGo checks the clamp's gradient mask bit for bit against Go,
// values exactly at both bounds included (they pass nothing).
func TestPassInsideMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 7, 8, 9, 64, 389} {
		y, g := make([]float32, n), make([]float32, n)
		for i := range y {
			y[i], g[i] = rng.Float32()*8-1, rng.Float32()*2-1
			switch i % 5 {
			case 0:
				y[i] = 0
			case 1:
				y[i] = 6
			}
		}
		d1, d2 := make([]float32, n), make([]float32, n)
		PassInside(d1, y, g, 0, 6)
		PassInsideGo(d2, y, g, 0, 6)
		for i := range d1 {
			if math.Float32bits(d1[i]) != math.Float32bits(d2[i]) {
				t.Fatalf("n=%d at %d (y %v, g %v): %v vs Go %v", n, i, y[i], g[i], d1[i], d2[i])
			}
			if want := y[i] > 0 && y[i] < 6; (d1[i] == g[i]) != want && g[i] != 0 {
				t.Fatalf("n=%d at %d: y %v passed %v", n, i, y[i], d1[i])
			}
		}
	}
}
