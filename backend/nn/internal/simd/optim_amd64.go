//go:build amd64 && !purego

package simd

//go:noescape
func sgdStepAVX2(w, g, m []float32, wd, mu, lr float32, first int)

//go:noescape
func adamStepAVX2(w, g, m, v []float32, wd, b1, nb1, b2, nb2, step, sc2, eps float32)

//go:noescape
func sumSquaresAVX2(x []float32) float64

//go:noescape
func scaleAVX2(x []float32, s float32)

// SGDStep is one SGD-with-momentum step over w: see SGDStepGo. The assembly takes
// whole groups of 8 and Go the rest; the step is elementwise, so the split changes
// nothing.
func SGDStep(w, g, m []float32, wd, mu, lr float32, first bool) {
	g, m = g[:len(w)], m[:len(w)]
	n := 0
	if useAVX2 {
		n = len(w) &^ 7
		if n > 0 {
			f := 0
			if first {
				f = 1
			}
			sgdStepAVX2(w[:n], g[:n], m[:n], wd, mu, lr, f)
		}
	}
	SGDStepGo(w[n:], g[n:], m[n:], wd, mu, lr, first)
}

// AdamStep is one Adam step over w: see AdamStepGo.
func AdamStep(w, g, m, v []float32, wd, b1, b2, step, sc2, eps float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	n := 0
	if useAVX2 {
		n = len(w) &^ 7
		if n > 0 {
			adamStepAVX2(w[:n], g[:n], m[:n], v[:n], wd, b1, 1-b1, b2, 1-b2, step, sc2, eps)
		}
	}
	AdamStepGo(w[n:], g[n:], m[n:], v[n:], wd, b1, b2, step, sc2, eps)
}

// SumSquares is the sum of x[i]*x[i] in float64, its adds in the order SumSquaresGo
// fixes.
func SumSquares(x []float32) float64 {
	if !useAVX2 {
		return SumSquaresGo(x)
	}
	n := len(x) &^ (sumLanes - 1)
	var t float64
	if n > 0 {
		t = sumSquaresAVX2(x[:n])
	}
	return sumSquaresTail(t, x[n:])
}

// Scale multiplies every x[i] by s: see ScaleGo.
func Scale(x []float32, s float32) {
	n := 0
	if useAVX2 {
		n = len(x) &^ 7
		if n > 0 {
			scaleAVX2(x[:n], s)
		}
	}
	ScaleGo(x[n:], s)
}
