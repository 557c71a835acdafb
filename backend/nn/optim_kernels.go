package nn

import "transferlab/backend/nn/internal/simd"

// The optimiser's loops live in backend/train, which cannot reach internal/simd;
// these pass them through. Each gives the same bits on every CPU path.

// SGDStep is one SGD-with-momentum step over w with gradient g and momentum m:
// g' = g + wd*w; m = g' on the first step, else mu*m + g'; w -= lr*m.
func SGDStep(w, g, m []float32, wd, mu, lr float32, first bool) {
	simd.SGDStep(w, g, m, wd, mu, lr, first)
}

// AdamStep is one Adam step over w with gradient g and moments m, v:
// g' = g + wd*w; m = b1*m + (1-b1)*g'; v = b2*v + (1-b2)*g'*g';
// w -= step*m / (sqrt(v)/sc2 + eps), step being the learning rate over the first
// moment's bias correction and sc2 the square root of the second's.
func AdamStep(w, g, m, v []float32, wd, b1, b2, step, sc2, eps float32) {
	simd.AdamStep(w, g, m, v, wd, b1, b2, step, sc2, eps)
}

// SumSquares is the sum of x[i]*x[i] in float64, added in a fixed order.
func SumSquares(x []float32) float64 { return simd.SumSquares(x) }

// Scale multiplies every x[i] by s: the gradient clip's rescale.
func Scale(x []float32, s float32) { simd.Scale(x, s) }
