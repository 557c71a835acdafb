//go:build !amd64 || purego

package simd

// SGDStep is one SGD-with-momentum step over w: see SGDStepGo.
func SGDStep(w, g, m []float32, wd, mu, lr float32, first bool) {
	SGDStepGo(w, g, m, wd, mu, lr, first)
}

// AdamStep is one Adam step over w: see AdamStepGo.
func AdamStep(w, g, m, v []float32, wd, b1, b2, step, sc2, eps float32) {
	AdamStepGo(w, g, m, v, wd, b1, b2, step, sc2, eps)
}

// SumSquares is the sum of x[i]*x[i] in float64: see SumSquaresGo.
func SumSquares(x []float32) float64 { return SumSquaresGo(x) }

// Scale multiplies every x[i] by s: see ScaleGo.
func Scale(x []float32, s float32) { ScaleGo(x, s) }
