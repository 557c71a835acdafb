package jobs

import (
	"context"
	"testing"
	"time"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
	"transferlab/backend/train"
)

// TestArmsShareDataAndFeaturesAndKeepTheirCurves trains two linear-probe arms that
// differ only in learning rate, so they read the same images through the same frozen
// layers: the features are computed once and the dataset opened once for the
// experiment. The arm that shared must draw exactly the curve the same arm draws in
// an experiment where it shares with no one, and everything shared is let go at the
// end.
func TestArmsShareDataAndFeaturesAndKeepTheirCurves(t *testing.T) {
	l := newLab(t, t.TempDir())
	h := experiment.DefaultHyper()
	h.Epochs = 2
	f0, _ := train.SharedFeatureStats()
	d0, _ := SharedDatasetStats()
	shared := l.launchWith(t, h, func(arm int, a *experiment.Hyper) {
		if arm == 1 {
			a.LR *= 2
		}
	}, "linear-probe", "linear-probe", "scratch")
	l.waitRuns(t, shared, 3*time.Minute, finished)
	f1, held := train.SharedFeatureStats()
	d1, dheld := SharedDatasetStats()
	// Training, validation and test features: built once each, borrowed once each. The
	// test features are asked for as each arm ends; an arm that ends after the other
	// let go builds them again, so one more build is allowed there.
	if b, hits := f1.Builds-f0.Builds, f1.Hits-f0.Hits; b+hits != 6 || b > 4 {
		t.Fatalf("feature sets built %d and borrowed %d times, want 3 and 3 (4 and 2 at worst)", b, hits)
	}
	// Three arms of one sample: one open, two borrowed (or opened again by an arm
	// that started after the others let go, which this schedule does not do).
	if b, hits := d1.Builds-d0.Builds, d1.Hits-d0.Hits; b+hits != 3 || b != 1 {
		t.Fatalf("dataset opened %d and borrowed %d times, want 1 and 2", b, hits)
	}
	if held != 0 || dheld != 0 {
		t.Fatalf("after the experiment %d feature sets and %d datasets are still held", held, dheld)
	}

	alone := l.launch(t, h, "linear-probe", "scratch")
	l.waitRuns(t, alone, 3*time.Minute, finished)
	a, b := runOf(t, l, shared, 0), runOf(t, l, alone, 0)
	for _, name := range []string{"train_loss", "val_loss", "val_acc"} {
		sameCurve(t, l, name, a, b)
	}
	if *a.TestAcc != *b.TestAcc {
		t.Fatalf("test accuracy %v shared, %v alone", *a.TestAcc, *b.TestAcc)
	}
}

func runOf(t *testing.T, l *lab, e *store.Experiment, arm int) store.Run {
	t.Helper()
	got, err := l.db.Experiment(context.Background(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got.Runs {
		if r.ArmIndex == arm {
			if r.Status != experiment.Succeeded {
				t.Fatalf("run %s (%s) %s: %s", r.ID, r.Strategy, r.Status, r.Error)
			}
			return r
		}
	}
	t.Fatalf("no arm %d", arm)
	return store.Run{}
}

// sameCurve fails unless two runs recorded the same points of a metric, to the bit.
func sameCurve(t *testing.T, l *lab, name string, a, b store.Run) {
	t.Helper()
	ctx := context.Background()
	pa, err := l.db.Metrics(ctx, a.ID, name, 0)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := l.db.Metrics(ctx, b.ID, name, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pa) == 0 || len(pa) != len(pb) {
		t.Fatalf("%s: %d points against %d", name, len(pa), len(pb))
	}
	for i := range pa {
		if pa[i].Step != pb[i].Step || pa[i].Value != pb[i].Value {
			t.Fatalf("%s differs at point %d: step %d value %v against step %d value %v", name, i, pa[i].Step, pa[i].Value, pb[i].Step, pb[i].Value)
		}
	}
}
