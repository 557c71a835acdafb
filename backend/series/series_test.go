package series

import (
	"math"
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

func TestCompare(t *testing.T) {
	scratch := Curves{RunID: "s", ValAcc: curve(0.3, 0.5, 0.6, 0.7, 0.76), TrainLoss: curve(2, 1.5, 1.2, 1, 0.9)}
	fine := Curves{RunID: "f", ValAcc: curve(0.7, 0.8, 0.9, 0.92, 0.93), TrainLoss: curve(1, 0.5, 0.4, 0.3, 0.3)}
	s := Compare(fine, scratch, 0)
	if !s.Reached || s.Target != 0.76 || s.Steps != 20 || s.BaselineSteps != 50 {
		t.Fatalf("%+v", s)
	}
	if math.Abs(*s.StepsRatio-2.5) > 1e-9 || math.Abs(*s.SecondsRatio-2.5) > 1e-9 {
		t.Fatalf("ratios %v %v, want 2.5", *s.StepsRatio, *s.SecondsRatio)
	}
	if math.Abs(*s.AccGap-0.17) > 1e-9 || s.NegativeTransfer {
		t.Fatalf("gap %v negative %v", *s.AccGap, s.NegativeTransfer)
	}
	if *s.LossAUCRatio <= 1 {
		t.Fatalf("loss AUC ratio %v: fine-tuning's loss area is smaller", *s.LossAUCRatio)
	}

	worse := Curves{RunID: "w", ValAcc: curve(0.2, 0.3, 0.4, 0.5, 0.6)}
	s = Compare(worse, scratch, 0)
	if s.Reached || s.StepsRatio != nil || !s.NegativeTransfer {
		t.Fatalf("a run that never reaches the target: %+v", s)
	}
	s = Compare(fine, scratch, 0.95)
	if s.Reached {
		t.Fatalf("target nobody reached: %+v", s)
	}
	if s = Compare(fine, Curves{RunID: "s"}, 0); s.Reached || s.AccGap != nil {
		t.Fatalf("empty baseline: %+v", s)
	}
}
