package train

import (
	"context"
	"math"
	"slices"
	"testing"

	"transferlab/backend/nn"
)

// TestReestimatedBatchNormTrains: re-estimating the ImageNet backbone's batch norms on
// the colour icons changes the weights, is the same for the same seed, does nothing
// more when done twice (the stored scale follows the weights), and a linear probe on
// the re-estimated features still learns the task.
func TestReestimatedBatchNormTrains(t *testing.T) {
	trainSet, val, test, classes := iconsTask(t, 96)
	base := imagenetBackbone(t)
	in := nn.Input{Channels: 3, Height: 96, Width: 96}
	s, _ := ParseStrategy(LinearProbe)
	model := func() *nn.Model {
		m, _, err := NewModel("", base, s, in, classes, 5)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	stored, re, again := model(), model(), model()
	for _, m := range []*nn.Model{re, again} {
		if err := ReestimateBatchNorm(m, trainSet, 5); err != nil {
			t.Fatal(err)
		}
	}
	changed := 0
	for i, p := range re.Params {
		if !slices.Equal(p.Data, again.Params[i].Data) {
			t.Fatalf("%s differs between two re-estimations with the same seed", p.Name)
		}
		if !slices.Equal(p.Data, stored.Params[i].Data) {
			changed++
		}
	}
	if changed < 2*33 {
		t.Fatalf("re-estimation changed %d weight tensors, want every folded layer's weight and bias (66)", changed)
	}
	if err := ReestimateBatchNorm(again, trainSet, 5); err != nil {
		t.Fatal(err)
	}
	w0, w1 := re.Param(re.Layers[5].Name+".weight").Data, again.Param(re.Layers[5].Name+".weight").Data
	worst := 0.0
	for i := range w0 {
		worst = max(worst, math.Abs(float64(w1[i]-w0[i]))/(math.Abs(float64(w0[i]))+1e-3))
	}
	if worst > 0.01 {
		t.Fatalf("a second re-estimation moved a weight by %.3g relative: it should change (almost) nothing", worst)
	}
	for name, m := range map[string]*nn.Model{"stored": stored, "re-estimated": re} {
		run, err := NewRun(m, s, Hyper{Epochs: 8, BatchSize: 16, Optimizer: "adam", LR: 3e-3, Seed: 5}, trainSet, val)
		if err != nil {
			t.Fatal(err)
		}
		defer run.Close()
		if _, err := run.Train(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		rep, err := run.Evaluate(test)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("linear probe with %s batch-norm statistics: test accuracy %.3f on %d images", name, rep.Accuracy, rep.N)
		if rep.Accuracy < 0.45 {
			t.Errorf("%s statistics: the probe reaches only %.3f on four classes", name, rep.Accuracy)
		}
	}
	scratch, _, err := NewModel("", nil, Strategy{Kind: Scratch}, in, classes, 5)
	if err == nil {
		err = ReestimateBatchNorm(scratch, trainSet, 5)
	}
	if err == nil {
		t.Fatal("re-estimating a model from scratch (no stored batch norm) did not fail")
	}
}
