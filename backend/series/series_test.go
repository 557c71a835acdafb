package series

import (
	"math/rand"
	"testing"
)

func TestDownsampleKeepsSpikesEndsAndOrder(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	pts := make([]Point, 1_000_000)
	for i := range pts {
		pts[i] = Point{Step: int64(i), Value: rng.Float64()}
	}
	pts[123_457].Value = 50  // a spike
	pts[876_543].Value = -50 // a dip
	out := Downsample(pts, 1000)
	if len(out) > 1000 || len(out) < 900 {
		t.Fatalf("%d points, want at most 1000 and close to it", len(out))
	}
	var sawSpike, sawDip bool
	for i, p := range out {
		if i > 0 && p.Step <= out[i-1].Step {
			t.Fatalf("points out of step order at %d", i)
		}
		sawSpike = sawSpike || p.Value == 50
		sawDip = sawDip || p.Value == -50
	}
	if !sawSpike || !sawDip {
		t.Fatalf("spike kept %v, dip kept %v", sawSpike, sawDip)
	}
	if out[0].Step != 0 || out[len(out)-1].Step != int64(len(pts)-1) {
		t.Fatalf("ends not kept: %d..%d", out[0].Step, out[len(out)-1].Step)
	}
	if short := Downsample(pts[:10], 1000); len(short) != 10 {
		t.Fatal("a short curve must come back whole")
	}
}

func curve(vals ...float64) []Point {
	pts := make([]Point, len(vals))
	for i, v := range vals {
		pts[i] = Point{Step: int64(i+1) * 10, Value: v, WallTime: float64(i+1) * 2}
	}
	return pts
}
