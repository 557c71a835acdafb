package series

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Median of xs; +Inf values (a replicate that never reached a target) count as larger
// than every finite one. NaN for no values.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	a, b := s[n/2-1], s[n/2]
	if math.IsInf(b, 1) {
		return b
	}
	return (a + b) / 2
}

// Mean of xs, NaN for none.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t / float64(len(xs))
}

// quantile of sorted xs by linear interpolation between order statistics.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	if f == 0 || math.IsInf(sorted[i+1], 0) {
		return sorted[i]
	}
	return sorted[i] + f*(sorted[i+1]-sorted[i])
}

// tQuantile975 is Student's t 0.975 quantile for df degrees of freedom (df >= 1); past
// 30 the normal 1.96 is within 2%.
func tQuantile975(df int) float64 {
	table := [...]float64{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042}
	if df >= 1 && df <= len(table) {
		return table[df-1]
	}
	return 1.96
}

// MeanCI is the mean of paired differences with its 95% Student-t interval; with fewer
// than two values there is no interval.
func MeanCI(xs []float64) Estimate {
	e := Estimate{Value: Mean(xs), N: len(xs)}
	if len(xs) < 2 {
		return e
	}
	ss := 0.0
	for _, x := range xs {
		ss += (x - e.Value) * (x - e.Value)
	}
	half := tQuantile975(len(xs)-1) * math.Sqrt(ss/float64(len(xs)-1)/float64(len(xs)))
	lo, hi := e.Value-half, e.Value+half
	e.Lo, e.Hi = &lo, &hi
	return e
}

// Estimate is a figure with its 95% interval; Lo and Hi are nil where there is none
// (one replicate) or where a bound is unbounded.
type Estimate struct {
	Value float64
	Lo    *float64
	Hi    *float64
	N     int
}

// bootstrapRounds is how many resamples a bootstrap interval draws; the seed is fixed so
// the same runs always give the same interval.
const (
	bootstrapRounds = 2000
	bootstrapSeed   = 20211
)

// RatioOfMedians is median(base)/median(arm) over paired replicates with a percentile
// bootstrap 95% interval that resamples replicates (the same indices for both arms, so
// the pairing by seed is kept). A replicate that never reached the target is +Inf in
// arm (or base), so a ratio may be 0 (arm never reached) or unbounded.
func RatioOfMedians(base, arm []float64) Estimate {
	n := len(base)
	e := Estimate{Value: ratioOf(Median(base), Median(arm)), N: n}
	if n < 2 || len(arm) != n {
		return e
	}
	rng := rand.New(rand.NewPCG(bootstrapSeed, uint64(n)))
	rs := make([]float64, bootstrapRounds)
	b, a := make([]float64, n), make([]float64, n)
	for r := range rs {
		for i := range n {
			j := rng.IntN(n)
			b[i], a[i] = base[j], arm[j]
		}
		rs[r] = ratioOf(Median(b), Median(a))
	}
	slices.Sort(rs)
	lo, hi := quantile(rs, 0.025), quantile(rs, 0.975)
	if !math.IsInf(lo, 0) && !math.IsNaN(lo) {
		e.Lo = &lo
	}
	if !math.IsInf(hi, 0) && !math.IsNaN(hi) {
		e.Hi = &hi
	}
	return e
}

// ratioOf is b/a where an arm that never got there (a = +Inf) is 0 times as fast and a
// baseline that never got there makes the ratio unbounded.
func ratioOf(b, a float64) float64 {
	switch {
	case math.IsInf(a, 1) && math.IsInf(b, 1):
		return math.NaN()
	case math.IsInf(a, 1):
		return 0
	case a <= 0:
		return math.Inf(1)
	}
	return b / a
}
