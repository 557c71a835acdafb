package train

import "math"

// OptimState is everything an optimiser remembers between steps, kept outside
// Gorgonia so checkpoints can hold it and resume exactly.
type OptimState struct {
	Steps int         // updates applied (Adam's bias correction)
	M     [][]float32 // momentum (sgd) or first moment (adam), per parameter
	V     [][]float32 // adam's second moment
}

// optimizer applies SGD with momentum or Adam, PyTorch's formulas, with L2 weight
// decay added to the gradient.
type optimizer struct {
	h     Hyper
	state OptimState
}

func newOptimizer(h Hyper, sizes []int) *optimizer {
	o := &optimizer{h: h}
	o.state.M = make([][]float32, len(sizes))
	if h.Optimizer == "adam" {
		o.state.V = make([][]float32, len(sizes))
	}
	for i, n := range sizes {
		if n == 0 {
			continue
		}
		o.state.M[i] = make([]float32, n)
		if o.state.V != nil {
			o.state.V[i] = make([]float32, n)
		}
	}
	return o
}

// clip scales the gradients so their global L2 norm is at most maxNorm, and returns
// the norm before clipping.
func clipGrads(grads [][]float32, maxNorm float64) float64 {
	var ss float64
	for _, g := range grads {
		for _, v := range g {
			ss += float64(v) * float64(v)
		}
	}
	norm := math.Sqrt(ss)
	if maxNorm > 0 && norm > maxNorm {
		s := float32(maxNorm / norm)
		for _, g := range grads {
			for i := range g {
				g[i] *= s
			}
		}
	}
	return norm
}

// step updates params in place; lrs is the learning rate of each parameter and a nil
// gradient marks a frozen one.
func (o *optimizer) step(params, grads [][]float32, lrs []float64) {
	o.state.Steps++
	wd := float32(o.h.WeightDecay)
	if o.h.Optimizer == "adam" {
		b1, b2 := o.h.Beta1, o.h.Beta2
		c1 := 1 - math.Pow(b1, float64(o.state.Steps))
		c2 := 1 - math.Pow(b2, float64(o.state.Steps))
		for i, g := range grads {
			if g == nil {
				continue
			}
			w, m, v := params[i], o.state.M[i], o.state.V[i]
			step := float32(lrs[i] / c1)
			sc2 := float32(math.Sqrt(c2))
			eps := float32(o.h.Eps)
			fb1, fb2 := float32(b1), float32(b2)
			for j, gj := range g {
				gj += wd * w[j]
				m[j] = fb1*m[j] + (1-fb1)*gj
				v[j] = fb2*v[j] + (1-fb2)*gj*gj
				w[j] -= step * m[j] / (float32(math.Sqrt(float64(v[j])))/sc2 + eps)
			}
		}
		return
	}
	mu := float32(o.h.Momentum)
	for i, g := range grads {
		if g == nil {
			continue
		}
		w, m := params[i], o.state.M[i]
		lr := float32(lrs[i])
		for j, gj := range g {
			gj += wd * w[j]
			if o.state.Steps == 1 {
				m[j] = gj // PyTorch starts the momentum buffer at the first gradient
			} else {
				m[j] = mu*m[j] + gj
			}
			w[j] -= lr * m[j]
		}
	}
}
