package series

// SmoothBeta is the weight an exponential moving average gives to the history at each
// validation point. 0.6 damps one lucky or unlucky evaluation to less than half its
// size while a real trend still shows within three or four evaluations.
const SmoothBeta = 0.6

// Smooth returns the bias-corrected exponential moving average of pts (as TensorBoard
// draws it): s_i = beta*s_{i-1} + (1-beta)*x_i from s_{-1} = 0, divided by 1-beta^(i+1)
// so the first points are not pulled towards zero. Steps and wall times are kept.
func Smooth(pts []Point, beta float64) []Point {
	out := make([]Point, len(pts))
	s, w := 0.0, 1.0
	for i, p := range pts {
		s = beta*s + (1-beta)*p.Value
		w *= beta
		out[i] = p
		out[i].Value = s / (1 - w)
	}
	return out
}

// Reach is where a curve first reaches a value: the step, wall time and examples seen,
// interpolated linearly between the two points that straddle it, so the figure does not
// jump by a whole evaluation interval when the curve moves a little.
type Reach struct {
	Step     float64
	WallTime float64
	OK       bool
}

// FirstReach finds where the curve first reaches target. A curve that starts at or
// above the target reaches it at its first point.
func FirstReach(pts []Point, target float64) Reach {
	for i, p := range pts {
		if p.Value < target {
			continue
		}
		if i == 0 {
			return Reach{Step: float64(p.Step), WallTime: p.WallTime, OK: true}
		}
		q := pts[i-1]
		f := (target - q.Value) / (p.Value - q.Value)
		return Reach{
			Step:     float64(q.Step) + f*float64(p.Step-q.Step),
			WallTime: q.WallTime + f*(p.WallTime-q.WallTime),
			OK:       true,
		}
	}
	return Reach{}
}

// Max is the highest value of a curve, 0 for an empty one.
func Max(pts []Point) float64 {
	m := 0.0
	for i, p := range pts {
		if i == 0 || p.Value > m {
			m = p.Value
		}
	}
	return m
}
