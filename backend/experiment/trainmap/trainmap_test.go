package trainmap_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"transferlab/backend/experiment"
	"transferlab/backend/experiment/space"
	"transferlab/backend/experiment/trainmap"
	"transferlab/backend/nn"
	"transferlab/backend/train"
)

// tinyTask is 3 classes of 8x8 grey images whose class is where a bright square
// sits: 24 to train on, 12 to validate on.
func tinyTask(t *testing.T) (trainSet, valSet *train.SliceDataset) {
	t.Helper()
	make := func(n int, seed uint64) *train.SliceDataset {
		rng := rand.New(rand.NewPCG(seed, 1))
		x := make([]float32, n*64)
		y := make([]int, n)
		for i := range y {
			y[i] = i % 3
			for p := 0; p < 64; p++ {
				x[i*64+p] = rng.Float32() * 0.2
			}
			for dy := 0; dy < 3; dy++ {
				for dx := 0; dx < 3; dx++ {
					x[i*64+(2+dy)*8+y[i]*2+dx] = 1
				}
			}
		}
		ds, err := train.NewSliceDataset(1, 8, 8, 3, x, y)
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	return make(24, 1), make(12, 2)
}

// stepsToTrain is how many real steps each accepted case trains before it is stopped:
// enough to pass warm-up's first step, an evaluation and an epoch end of the tiny task.
const stepsToTrain = 4

// TestEveryAcceptedSpecTrains walks the settings space: each setting at and beyond its
// edges, each schedule with each optimizer, every strategy. A case the rules accept
// must build and train real steps with exactly the settings sent (nothing the engine
// quietly replaces); a case they refuse must say which setting and what to send.
func TestEveryAcceptedSpecTrains(t *testing.T) {
	trainSet, valSet := tinyTask(t)
	in := experiment.Input{Channels: 1, Height: 8, Width: 8}
	classes := []string{"left", "middle", "right"}
	layers, err := trainmap.Layers("cnn", in, len(classes))
	if err != nil {
		t.Fatal(err)
	}
	base, err := nn.New("cnn", nn.Input(in), classes, 7)
	if err != nil {
		t.Fatal(err)
	}
	accepted, refused := 0, 0
	for _, c := range space.Cases(len(layers)) {
		t.Run(c.Name, func(t *testing.T) {
			h, herr := experiment.ParseHyper(c.Hyper)
			s, serr := experiment.ParseStrategy(c.Strategy)
			if serr == nil {
				serr = s.CheckLayers(len(layers))
			}
			if err := errors.Join(herr, serr); err != nil {
				refused++
				if err.Error() == "" {
					t.Fatal("refused without a reason")
				}
				return
			}
			accepted++
			th := trainmap.Hyper(h, (trainSet.Len()+h.BatchSize-1)/h.BatchSize)
			ts := trainmap.Strategy(s)
			m, _, err := train.NewModel("cnn", base, ts, nn.Input(in), classes, uint64(h.Seed))
			if err != nil {
				t.Fatalf("accepted %s but the model cannot be built: %v", c.Hyper, err)
			}
			run, err := train.NewRun(m, ts, th, trainSet, valSet)
			if err != nil {
				t.Fatalf("accepted %s but training refuses it: %v", c.Hyper, err)
			}
			defer run.Close()
			if !reflect.DeepEqual(run.Hyper, th) {
				t.Fatalf("the engine changed the settings:\n sent %+v\n used %+v", th, run.Hyper)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			steps := 0
			_, err = run.Train(ctx, train.Funcs{Step: func(train.StepMetrics) {
				if steps++; steps >= stepsToTrain {
					cancel()
				}
			}})
			var diverged *train.NaNError
			switch {
			case errors.Is(err, context.Canceled), err == nil, errors.As(err, &diverged):
				// Stopped after a few steps, finished early, or diverged with its own advice
				// (lr 10 is allowed; it is the user's experiment to run).
			default:
				t.Fatalf("accepted %s but training failed: %v", c.Hyper, err)
			}
			if steps == 0 {
				t.Fatalf("accepted %s but no step trained", c.Hyper)
			}
		})
	}
	t.Logf("%d cases accepted and trained, %d refused", accepted, refused)
	if accepted < 50 || refused < 50 {
		t.Fatalf("the walk is too narrow: %d accepted, %d refused", accepted, refused)
	}
}
