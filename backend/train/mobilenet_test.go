package train

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"transferlab/backend/data"
	"transferlab/backend/nn"
	"transferlab/models"
)

// iconsTask imports the colour example (Debian's Oxygen icons in four categories) at
// size pixels and returns its splits and classes.
func iconsTask(t *testing.T, size int) (trainSet, val, test Dataset, classes []string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "icons")
	if _, err := data.Import(context.Background(), filepath.Join("..", "..", "examples", "icons.zip"), dir,
		data.Options{Channels: 3, Height: size, Width: size}); err != nil {
		t.Fatal(err)
	}
	ds, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ds.Close() })
	var splits [3]Dataset
	for i, name := range []string{"train", "val", "test"} {
		v, err := ds.Split(name)
		if err != nil {
			t.Fatal(err)
		}
		splits[i] = v
	}
	return splits[0], splits[1], splits[2], ds.Classes()
}

// imagenetBackbone is the shipped ImageNet MobileNetV2 cut.
func imagenetBackbone(t *testing.T) *nn.Model {
	t.Helper()
	zoo, err := nn.LoadZooFS(models.Zoo)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range zoo {
		if e.Card.Architecture == nn.MobileNetV2B10 {
			m, err := e.Load()
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	t.Fatal("no mobilenetv2-b10 in the zoo")
	return nil
}

// TestImageNetFeaturesBeatScratchOnColourIcons trains the three photo strategies on
// real colour images: a linear probe on cached ImageNet features, fine-tuning blocks
// 9-10 on the cached block-8 output, and the same network from scratch. The features
// must carry the task; scratch, on a few hundred images, must not catch up.
func TestImageNetFeaturesBeatScratchOnColourIcons(t *testing.T) {
	const size = 96
	trainSet, val, test, classes := iconsTask(t, size)
	base := imagenetBackbone(t)
	in := nn.Input{Channels: 3, Height: size, Width: size}
	acc := map[string]float64{}
	for _, c := range []struct {
		strategy string
		epochs   int
		lr       float64
	}{
		{LinearProbe, 30, 1e-2},
		{"freeze:27", 6, 1e-3}, // layers 0-26: the stem through block 8
		{Scratch, 1, 1e-3},
	} {
		s, err := ParseStrategy(c.strategy)
		if err != nil {
			t.Fatal(err)
		}
		m, _, err := NewModel("", base, s, in, classes, 7)
		if err != nil {
			t.Fatal(err)
		}
		h := Hyper{Epochs: c.epochs, BatchSize: 16, Optimizer: "adam", LR: c.lr, Seed: 7}
		run, err := NewRun(m, s, h, trainSet, val)
		if err != nil {
			t.Fatal(err)
		}
		defer run.Close()
		if s.Kind != Scratch && run.cut == 0 {
			t.Errorf("%s: the frozen part is not cached", s)
		}
		t0 := time.Now()
		if _, err := run.Train(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		rep, err := run.Evaluate(test)
		if err != nil {
			t.Fatal(err)
		}
		acc[c.strategy] = rep.Accuracy
		t.Logf("%-12s %d epochs on %d images: test accuracy %.3f (%d images) in %s", s, c.epochs, trainSet.Len(), rep.Accuracy, rep.N, time.Since(t0).Round(time.Millisecond))
	}
	if acc[LinearProbe] < 0.6 || acc["freeze:27"] < 0.6 {
		t.Errorf("ImageNet features reach %.3f (probe) and %.3f (top blocks) on four classes; want at least 0.6", acc[LinearProbe], acc["freeze:27"])
	}
	if acc[LinearProbe] < acc[Scratch]+0.15 {
		t.Errorf("linear probe %.3f does not beat scratch %.3f by a wide margin", acc[LinearProbe], acc[Scratch])
	}
}
