// Package series holds the arithmetic on curves: downsampling that keeps every spike,
// and the speedup of one run over another.
package series

// Point is one value of a curve.
type Point struct {
	Step     int64   `json:"step"`
	Epoch    float64 `json:"epoch"`
	Value    float64 `json:"value"`
	WallTime float64 `json:"wall_time"`
}

// Downsample returns at most max points of pts (in step order): the points are cut into
// max/2 buckets and each bucket keeps its lowest and its highest point, in step order,
// so a spike or a dip anywhere in the curve survives. The first and last points are
// always kept.
func Downsample(pts []Point, max int) []Point {
	if max < 4 || len(pts) <= max {
		return pts
	}
	buckets := max / 2
	out := make([]Point, 0, max)
	n := len(pts)
	for b := 0; b < buckets; b++ {
		lo, hi := b*n/buckets, (b+1)*n/buckets
		if lo >= hi {
			continue
		}
		minI, maxI := lo, lo
		for i := lo + 1; i < hi; i++ {
			if pts[i].Value < pts[minI].Value {
				minI = i
			}
			if pts[i].Value > pts[maxI].Value {
				maxI = i
			}
		}
		if b == 0 {
			minI, maxI = keepEnd(pts, lo, minI, maxI)
		}
		if b == buckets-1 {
			minI, maxI = keepEnd(pts, hi-1, minI, maxI)
		}
		switch {
		case minI == maxI:
			out = append(out, pts[minI])
		case minI < maxI:
			out = append(out, pts[minI], pts[maxI])
		default:
			out = append(out, pts[maxI], pts[minI])
		}
	}
	return out
}

// keepEnd makes sure index end is one of the two kept points of its bucket, giving up
// the less extreme of the other two.
func keepEnd(pts []Point, end, minI, maxI int) (int, int) {
	if end == minI || end == maxI {
		return minI, maxI
	}
	// Keep the extreme farther from the end's value; the end itself replaces the other.
	if pts[maxI].Value-pts[end].Value >= pts[end].Value-pts[minI].Value {
		return end, maxI
	}
	return minI, end
}
