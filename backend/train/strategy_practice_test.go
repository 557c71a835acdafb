package train

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"transferlab/backend/nn"
)

// weightsByEpoch snapshots every layer's weights at the end of each epoch.
type weightsByEpoch struct {
	curve
	m      *nn.Model
	epochs []map[string][]float32
}

func snapshot(m *nn.Model) map[string][]float32 {
	out := map[string][]float32{}
	for _, p := range m.Params {
		out[p.Name] = slices.Clone(p.Data)
	}
	return out
}

func (w *weightsByEpoch) OnEpochEnd(k *Checkpoint) error {
	w.epochs = append(w.epochs, snapshot(w.m))
	return w.curve.OnEpochEnd(k)
}

// TestGradualUnfreezingHoldsLayersUntilTheirEpoch fine-tunes the shipped cnn (conv1,
// conv2, fc1, head) from digits 0-4 to 250 images of digits 5-9 for four epochs: epoch 1 moves the head only, each later epoch one
// layer more from the top, and every layer not yet reached stays bit-identical.
func TestGradualUnfreezingHoldsLayersUntilTheirEpoch(t *testing.T) {
	base, err := nn.LoadFile("../../models/cnn-mnist04.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	tr, te := mnist(t)
	target := tr.FilterClasses([]int{5, 6, 7, 8, 9}).Sample(250, 1)
	va := te.FilterClasses([]int{5, 6, 7, 8, 9}).Sample(300, 2)
	s := Strategy{Kind: GradualUnfreeze}
	m, _, err := NewModel("cnn", base, s, base.Input, []string{"5", "6", "7", "8", "9"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	start := snapshot(m)
	w := &weightsByEpoch{m: m}
	r, err := NewRun(m, s, Hyper{Epochs: 4, BatchSize: 32, LR: 0.05, Seed: 3}, target, va)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Train(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	for e, weights := range w.epochs {
		for i, l := range m.Layers {
			for _, name := range []string{l.Name + ".weight", l.Name + ".bias"} {
				same := slices.Equal(weights[name], start[name])
				if reached := i >= len(m.Layers)-1-e; reached == same {
					t.Errorf("after epoch %d, %s: reached=%v but unchanged=%v", e+1, name, reached, same)
				}
			}
		}
	}
	if first, last := w.evals[0], w.evals[len(w.evals)-1]; last.Acc < first.Acc || last.Acc < 0.8 {
		t.Fatalf("gradual unfreezing did not learn: val acc %.3f after epoch 1, %.3f at the end", first.Acc, last.Acc)
	}
}

// TestGradualUnfreezingPace holds each layer two epochs with unfreeze_every 2.
func TestGradualUnfreezingPace(t *testing.T) {
	for _, c := range []struct{ epoch, every, want int }{{0, 1, 3}, {1, 1, 2}, {3, 1, 0}, {9, 1, 0}, {1, 2, 3}, {2, 2, 2}, {5, 2, 1}} {
		if got := unfrozenFrom(4, c.epoch, c.every); got != c.want {
			t.Errorf("epoch %d every %d: trains from layer %d, want %d", c.epoch, c.every, got, c.want)
		}
	}
}

// oneStep applies one SGD step of strategy s to a copy of model seed's weights and
// returns each layer's update (new minus old weights).
func oneStep(t *testing.T, s Strategy, h Hyper) (*nn.Model, map[string][]float64) {
	t.Helper()
	tr, va := smallTask(t)
	m := newTestModel(t, "cnn", 4)
	before := snapshot(m)
	r, err := NewRun(m, s, h, tr, va)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := r.Train(ctx, Funcs{Step: func(StepMetrics) { cancel() }}); !errors.Is(err, context.Canceled) {
		t.Fatalf("want a cancelled run after one step, got %v", err)
	}
	out := map[string][]float64{}
	for _, p := range m.Params {
		for i, v := range p.Data {
			out[p.Name] = append(out[p.Name], float64(v)-float64(before[p.Name][i]))
		}
	}
	return m, out
}

// TestLayerwiseRatesScaleEachUpdate compares one step of layer-wise decay with one
// step of plain fine-tuning from the same weights and batch: SGD's first update is the
// rate times the gradient, so each layer's update must shrink by decay^(layers above).
func TestLayerwiseRatesScaleEachUpdate(t *testing.T) {
	h := Hyper{Epochs: 1, BatchSize: 32, Seed: 9, LR: 0.05, LayerLRDecay: 0.3}
	m, plain := oneStep(t, Strategy{Kind: Finetune}, h)
	_, decayed := oneStep(t, Strategy{Kind: LayerwiseLR}, h)
	n := len(m.Layers)
	for i, l := range m.Layers {
		want := math.Pow(0.3, float64(n-1-i))
		for _, name := range []string{l.Name + ".weight", l.Name + ".bias"} {
			var dot, norm float64
			for j, d := range plain[name] {
				dot += d * decayed[name][j]
				norm += d * d
			}
			if norm == 0 {
				t.Fatalf("%s did not move under fine-tuning", name)
			}
			if got := dot / norm; math.Abs(got-want) > 1e-3*want {
				t.Errorf("%s: update is %.5f of fine-tuning's, want %.5f", name, got, want)
			}
		}
	}
}
