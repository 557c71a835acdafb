package train

import (
	"math"
	"runtime"
	"sync"

	"transferlab/backend/nn"
)

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

// updateParts is the fixed number of pieces the gradient norm and the update split
// every parameter into, run concurrently: a fixed split keeps the norm's sum, and so
// the whole run, bit-identical on any machine. The update is elementwise anyway.
const updateParts = 2

// inParts runs f(part, lo, hi) for each part, where [lo,hi) is that part's share of
// a parameter of n values, concurrently when more than one CPU is available.
func inParts(f func(part int)) {
	if runtime.GOMAXPROCS(0) == 1 {
		for p := range updateParts {
			f(p)
		}
		return
	}
	var wg sync.WaitGroup
	for p := 1; p < updateParts; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(p)
		}()
	}
	f(0)
	wg.Wait()
}

// partRange is part's share of n values.
func partRange(n, part int) (lo, hi int) { return part * n / updateParts, (part + 1) * n / updateParts }

// clip scales the gradients so their global L2 norm is at most maxNorm, and returns
// the norm before clipping.
func clipGrads(grads [][]float32, maxNorm float64) float64 {
	var sums [updateParts]float64
	inParts(func(p int) {
		var ss float64
		for _, g := range grads {
			lo, hi := partRange(len(g), p)
			ss += nn.SumSquares(g[lo:hi])
		}
		sums[p] = ss
	})
	var ss float64
	for _, s := range sums {
		ss += s
	}
	norm := math.Sqrt(ss)
	if maxNorm > 0 && norm > maxNorm {
		s := float32(maxNorm / norm)
		for _, g := range grads {
			nn.Scale(g, s)
		}
	}
	return norm
}

// step updates params in place; lrs is the learning rate of each parameter and a nil
// gradient marks a frozen one.
func (o *optimizer) step(params, grads [][]float32, lrs []float64) {
	o.state.Steps++
	inParts(func(p int) { o.update(params, grads, lrs, p) })
}

// update applies the step to part's share of every parameter, in vector kernels
// that give the same bits on every CPU.
func (o *optimizer) update(params, grads [][]float32, lrs []float64, part int) {
	wd := float32(o.h.WeightDecay)
	if o.h.Optimizer == "adam" {
		b1, b2 := o.h.Beta1, o.h.Beta2
		c1 := 1 - math.Pow(b1, float64(o.state.Steps))
		c2 := 1 - math.Pow(b2, float64(o.state.Steps))
		sc2, eps := float32(math.Sqrt(c2)), float32(o.h.Eps)
		for i, g := range grads {
			if g == nil {
				continue
			}
			lo, hi := partRange(len(g), part)
			nn.AdamStep(params[i][lo:hi], g[lo:hi], o.state.M[i][lo:hi], o.state.V[i][lo:hi],
				wd, float32(b1), float32(b2), float32(lrs[i]/c1), sc2, eps)
		}
		return
	}
	mu := float32(o.h.Momentum)
	first := o.state.Steps == 1 // PyTorch starts the momentum buffer at the first gradient
	for i, g := range grads {
		if g == nil {
			continue
		}
		lo, hi := partRange(len(g), part)
		nn.SGDStep(params[i][lo:hi], g[lo:hi], o.state.M[i][lo:hi], wd, mu, float32(lrs[i]), first)
	}
}
