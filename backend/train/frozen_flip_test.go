package train

import (
	"context"
	"slices"
	"testing"

	"transferlab/backend/nn"
)

// TestMirrorReversesEachRow checks the flip on a 2-channel 2x3 CHW image.
func TestMirrorReversesEachRow(t *testing.T) {
	img := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	mirror(img, 2*2, 3)
	if want := []float32{3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}; !slices.Equal(img, want) {
		t.Fatalf("mirrored %v, want %v", img, want)
	}
}

// probeWithFlips trains a linear probe on ImageNet features of the colour icons at 96
// pixels with the flip setting on, and returns the run and its curve.
func probeWithFlips(t *testing.T, trainSet, val Dataset, classes []string, base *nn.Model, seed uint64) (*Run, *curve) {
	t.Helper()
	s, err := ParseStrategy(LinearProbe)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := NewModel("", base, s, nn.Input{Channels: 3, Height: 96, Width: 96}, classes, seed)
	if err != nil {
		t.Fatal(err)
	}
	run, err := NewRun(m, s, Hyper{Epochs: 12, BatchSize: 16, Optimizer: "adam", LR: 1e-2, HFlip: true, Seed: seed}, trainSet, val)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(run.Close)
	c := &curve{}
	if _, err := run.Train(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return run, c
}

// TestLinearProbeCachesMirroredFeatures: with the flip setting, a linear probe caches
// the features of each training image and of its mirror (they differ: the backbone is
// not mirror-symmetric), picks between them by its seed (the same seed gives the same
// curve, which differs from the curve without flips), and still learns the task.
func TestLinearProbeCachesMirroredFeatures(t *testing.T) {
	trainSet, val, test, classes := iconsTask(t, 96)
	base := imagenetBackbone(t)
	run, c := probeWithFlips(t, trainSet, val, classes, base, 3)
	if run.mirrorFeats == nil || len(run.mirrorFeats.x) != len(run.feats.x) {
		t.Fatal("the mirrored images' features are not cached")
	}
	differ := 0
	f := run.feats.size
	for i := range trainSet.Len() {
		if !slices.Equal(run.feats.x[i*f:(i+1)*f], run.mirrorFeats.x[i*f:(i+1)*f]) {
			differ++
		}
	}
	if differ < trainSet.Len()*9/10 {
		t.Fatalf("only %d of %d images have mirrored features that differ from their own", differ, trainSet.Len())
	}
	_, again := probeWithFlips(t, trainSet, val, classes, base, 3)
	if !slices.Equal(c.losses, again.losses) {
		t.Fatal("the same seed gave another curve")
	}
	// Without the flip setting (same seed, same head) the curve must differ: the
	// mirrored features are used.
	other := &curve{}
	s, _ := ParseStrategy(LinearProbe)
	m, _, err := NewModel("", base, s, nn.Input{Channels: 3, Height: 96, Width: 96}, classes, 3)
	if err != nil {
		t.Fatal(err)
	}
	h := Hyper{Epochs: 12, BatchSize: 16, Optimizer: "adam", LR: 1e-2, Seed: 3}
	plain, err := NewRun(m, s, h, trainSet, val)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if _, err := plain.Train(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	if plain.mirrorFeats != nil {
		t.Fatal("mirrored features cached without the flip setting")
	}
	if slices.Equal(c.losses, other.losses) {
		t.Fatal("the flip setting changed nothing in the probe's curve")
	}
	rep, err := run.Evaluate(test)
	if err != nil {
		t.Fatal(err)
	}
	if first, last := c.losses[0], c.losses[len(c.losses)-1]; last >= first*0.75 || rep.Accuracy < 0.5 {
		t.Fatalf("the probe did not learn with flips: loss %.3f -> %.3f, test accuracy %.3f", first, last, rep.Accuracy)
	}
	t.Logf("probe with flips: loss %.3f -> %.3f, test accuracy %.3f on %d images; %d of %d mirrored features differ",
		c.losses[0], c.losses[len(c.losses)-1], rep.Accuracy, rep.N, differ, trainSet.Len())
}
