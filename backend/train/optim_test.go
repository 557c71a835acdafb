package train

import (
	"math"
	"math/rand/v2"
	"testing"
)

// scalarUpdate is the optimiser's step written as one scalar loop per parameter,
// PyTorch's formulas in float32 without fused multiply-adds: what M and V mean, which
// checkpoints hold.
func scalarUpdate(h Hyper, st *OptimState, params, grads [][]float32, lrs []float64) {
	st.Steps++
	wd := float32(h.WeightDecay)
	for i, g := range grads {
		if g == nil {
			continue
		}
		w, m := params[i], st.M[i]
		if h.Optimizer == "adam" {
			v := st.V[i]
			c1 := 1 - math.Pow(h.Beta1, float64(st.Steps))
			c2 := 1 - math.Pow(h.Beta2, float64(st.Steps))
			step, sc2, eps := float32(lrs[i]/c1), float32(math.Sqrt(c2)), float32(h.Eps)
			b1, b2 := float32(h.Beta1), float32(h.Beta2)
			for j := range g {
				gj := g[j] + float32(wd*w[j])
				m[j] = float32(b1*m[j]) + float32((1-b1)*gj)
				v[j] = float32(b2*v[j]) + float32(float32((1-b2)*gj)*gj)
				den := float32(float32(math.Sqrt(float64(v[j])))/sc2) + eps
				w[j] -= float32(step*m[j]) / den
			}
			continue
		}
		mu, lr := float32(h.Momentum), float32(lrs[i])
		for j := range g {
			gj := g[j] + float32(wd*w[j])
			if st.Steps == 1 {
				m[j] = gj
			} else {
				m[j] = float32(mu*m[j]) + gj
			}
			w[j] -= float32(lr * m[j])
		}
	}
}

// TestOptimizerMatchesScalarFormulas runs the optimiser (vector kernels, parts run
// concurrently) and the scalar loops side by side for a few steps, on parameters of
// odd sizes with a frozen one, and wants the weights and both moments bit for bit.
func TestOptimizerMatchesScalarFormulas(t *testing.T) {
	sizes := []int{0, 1, 7, 9, 17, 1003, 64}
	for _, opt := range []string{"sgd", "adam"} {
		h := Hyper{Optimizer: opt, Momentum: 0.9, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-4}
		rng := rand.New(rand.NewPCG(3, 4))
		o := newOptimizer(h, sizes)
		ref := newOptimizer(h, sizes).state
		p1, p2 := make([][]float32, len(sizes)), make([][]float32, len(sizes))
		lrs := make([]float64, len(sizes))
		for i, n := range sizes {
			p1[i], p2[i] = make([]float32, n), make([]float32, n)
			for j := range p1[i] {
				p1[i][j] = rng.Float32() - 0.5
				p2[i][j] = p1[i][j]
			}
			lrs[i] = 0.01 * float64(i+1)
		}
		for range 4 {
			grads := make([][]float32, len(sizes))
			for i, n := range sizes {
				if i == 3 {
					continue // frozen
				}
				grads[i] = make([]float32, n)
				for j := range grads[i] {
					grads[i][j] = (rng.Float32() - 0.5) * 0.1
				}
			}
			o.step(p1, grads, lrs)
			scalarUpdate(h, &ref, p2, grads, lrs)
		}
		for i := range sizes {
			for j := range p1[i] {
				same := math.Float32bits(p1[i][j]) == math.Float32bits(p2[i][j]) &&
					math.Float32bits(o.state.M[i][j]) == math.Float32bits(ref.M[i][j]) &&
					(opt != "adam" || math.Float32bits(o.state.V[i][j]) == math.Float32bits(ref.V[i][j]))
				if !same {
					t.Fatalf("%s param %d at %d: w %v m %v, scalar w %v m %v", opt, i, j, p1[i][j], o.state.M[i][j], p2[i][j], ref.M[i][j])
				}
			}
		}
	}
}

// TestClipGrads checks the norm against a plain float64 sum and that clipping brings
// it down to the limit, leaving a nil (frozen) gradient alone.
func TestClipGrads(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	grads := [][]float32{make([]float32, 1003), nil, make([]float32, 9), make([]float32, 40)}
	var ss float64
	for _, g := range grads {
		for j := range g {
			g[j] = rng.Float32()*2 - 1
			ss += float64(g[j]) * float64(g[j])
		}
	}
	want := math.Sqrt(ss)
	if got := clipGrads(grads, 0); math.Abs(got-want) > 1e-12*want {
		t.Fatalf("norm %v, plain sum gives %v", got, want)
	}
	if got := clipGrads(grads, 1); math.Abs(got-want) > 1e-12*want {
		t.Fatalf("norm before clipping %v, want %v", got, want)
	}
	if after := clipGrads(grads, 0); math.Abs(after-1) > 1e-5 {
		t.Fatalf("norm after clipping to 1 is %v", after)
	}
	if grads[1] != nil {
		t.Fatal("a frozen gradient was given values")
	}
}
