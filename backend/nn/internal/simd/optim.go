package simd

import "math"

// The optimiser's elementwise steps and the gradient norm's sum of squares. The
// plain-Go versions here are the reference; the assembly (optim_amd64.s) does the same
// operations in the same order, with no fused multiply-add in either (the explicit
// float32 conversions below forbid the compiler from fusing), so a run's curves are
// the same bit for bit on every CPU.

// SGDStepGo is SGDStep in plain Go: for each i, g' = g[i] + wd*w[i]; m[i] = g' on
// the first step (PyTorch starts the momentum buffer at the first gradient), else
// mu*m[i] + g'; w[i] -= lr*m[i]. g and m are at least as long as w.
func SGDStepGo(w, g, m []float32, wd, mu, lr float32, first bool) {
	g, m = g[:len(w)], m[:len(w)]
	for i, gi := range g {
		gi += float32(wd * w[i])
		if first {
			m[i] = gi
		} else {
			m[i] = float32(mu*m[i]) + gi
		}
		w[i] -= float32(lr * m[i])
	}
}

// AdamStepGo is AdamStep in plain Go: for each i, g' = g[i] + wd*w[i];
// m[i] = b1*m[i] + (1-b1)*g'; v[i] = b2*v[i] + (1-b2)*g'*g';
// w[i] -= step*m[i] / (sqrt(v[i])/sc2 + eps), where step is the learning rate over
// the first moment's bias correction and sc2 the square root of the second's.
// g, m and v are at least as long as w.
func AdamStepGo(w, g, m, v []float32, wd, b1, b2, step, sc2, eps float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	nb1, nb2 := 1-b1, 1-b2
	for i, gi := range g {
		gi += float32(wd * w[i])
		m[i] = float32(b1*m[i]) + float32(nb1*gi)
		v[i] = float32(b2*v[i]) + float32(float32(nb2*gi)*gi)
		// A float32 square root taken in float64 and rounded back is the correctly
		// rounded float32 one, which VSQRTPS gives.
		den := float32(sqrt32(v[i])/sc2) + eps
		w[i] -= float32(step*m[i]) / den
	}
}

// sumLanes is how many float64 partial sums SumSquares keeps: four AVX2 registers
// of four. The order of the adds is part of the result, so it is fixed here.
const sumLanes = 16

// SumSquaresGo is SumSquares in plain Go: the sum of x[i]*x[i] in float64 (each
// square is exact there). Whole blocks of 16 go to 16 partial sums, lane j taking
// x[16k+j]; they are combined as r[l] = (s[l]+s[4+l]) + (s[8+l]+s[12+l]), then
// (r[0]+r[2]) + (r[1]+r[3]); the last len(x)%16 values are then added in order.
func SumSquaresGo(x []float32) float64 {
	var s [sumLanes]float64
	n := len(x) &^ (sumLanes - 1)
	for k := 0; k < n; k += sumLanes {
		b := x[k : k+sumLanes]
		for j, v := range b {
			s[j] += float64(v) * float64(v)
		}
	}
	var r [4]float64
	for l := range r {
		r[l] = (s[l] + s[4+l]) + (s[8+l] + s[12+l])
	}
	t := (r[0] + r[2]) + (r[1] + r[3])
	return sumSquaresTail(t, x[n:])
}

// sumSquaresTail adds the squares of x to t, one after another.
func sumSquaresTail(t float64, x []float32) float64 {
	for _, v := range x {
		t += float64(v) * float64(v)
	}
	return t
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// ScaleGo is Scale in plain Go: x[i] *= s, the gradient clip's rescale.
func ScaleGo(x []float32, s float32) {
	for i := range x {
		x[i] *= s
	}
}
