package train

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"math"
	"runtime"
	"testing"

	"transferlab/backend/nn"
)

func trainCurve(t *testing.T, m *nn.Model, s Strategy, h Hyper, tr, va Dataset) (*curve, *Run) {
	t.Helper()
	r, err := NewRun(m, s, h, tr, va)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	c := &curve{}
	if _, err := r.Train(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c, r
}

func TestSameSeedSameCurve(t *testing.T) {
	tr, va := smallTask(t)
	h := Hyper{Epochs: 2, BatchSize: 32, Shift: 2, HFlip: true, Seed: 7}
	for _, arch := range []string{"cnn", "mlp"} {
		t.Run(arch, func(t *testing.T) {
			a, _ := trainCurve(t, newTestModel(t, arch, 3), Strategy{Kind: Scratch}, h, tr, va)
			b, _ := trainCurve(t, newTestModel(t, arch, 3), Strategy{Kind: Scratch}, h, tr, va)
			if len(a.losses) != 16 {
				t.Fatalf("got %d steps, want 16 (8 per epoch with a tail batch)", len(a.losses))
			}
			sameCurve(t, a, b, "with the same seed")
			if a.evals[1].Loss >= a.evals[0].Loss+1 {
				t.Fatalf("evaluations diverged: %+v", a.evals)
			}
		})
	}
}

// TestSameCurveOnEveryGEMMPath trains the same seed with each of our GEMM's kernel
// sets this CPU has: they are built to give bit-identical products (simd's
// TestSgemmPathsAgree), so a curve must not depend on whether the machine that trains
// it has AVX-512.
func TestSameCurveOnEveryGEMMPath(t *testing.T) {
	tr, va := smallTask(t)
	h := Hyper{Epochs: 1, BatchSize: 32, Shift: 1, Seed: 11}
	for _, arch := range []string{"cnn", "mlp"} {
		t.Run(arch, func(t *testing.T) {
			var first *curve
			var firstPath string
			for _, path := range []string{"avx512", "avx2"} {
				restore, ok := nn.UseGEMM(path)
				if !ok {
					t.Logf("this CPU or build has no %s GEMM path: not compared", path)
					continue
				}
				c, _ := trainCurve(t, newTestModel(t, arch, 5), Strategy{Kind: Finetune}, h, tr, va)
				restore()
				if first == nil {
					first, firstPath = c, path
					continue
				}
				sameCurve(t, first, c, "on the "+firstPath+" and "+path+" paths")
			}
			if first == nil {
				t.Skip("no assembly GEMM path here (a purego build or another architecture)")
			}
		})
	}
}

// sameCurve fails unless a and b have bit-identical losses and evaluations (their
// wall times aside).
func sameCurve(t *testing.T, a, b *curve, how string) {
	t.Helper()
	if len(a.losses) != len(b.losses) || len(a.evals) != len(b.evals) {
		t.Fatalf("%d steps and %d evaluations vs %d and %d %s", len(a.losses), len(a.evals), len(b.losses), len(b.evals), how)
	}
	for i := range a.losses {
		if a.losses[i] != b.losses[i] {
			t.Fatalf("step %d: loss %v vs %v %s", i+1, a.losses[i], b.losses[i], how)
		}
	}
	for i := range a.evals {
		x, y := a.evals[i], b.evals[i]
		if x.Step != y.Step || x.Loss != y.Loss || x.Acc != y.Acc || !maps.Equal(x.Drift, y.Drift) {
			t.Fatalf("evaluation %d: %+v vs %+v %s", i+1, a.evals[i], b.evals[i], how)
		}
	}
}

// TestResumeMatchesUninterrupted stops after epoch 1, goes through a serialised
// checkpoint into a fresh run, and must then replay the uninterrupted curve exactly.
func TestResumeMatchesUninterrupted(t *testing.T) {
	tr, va := smallTask(t)
	for _, s := range []Strategy{{Kind: Finetune}, {Kind: LinearProbe}, {Kind: GradualUnfreeze}} {
		t.Run(s.String(), func(t *testing.T) {
			h := Hyper{Epochs: 3, BatchSize: 32, Optimizer: "adam", LR: 1e-3, Shift: 1, Schedule: "cosine", WarmupSteps: 3, Seed: 5}
			full, _ := trainCurve(t, newTestModel(t, "cnn", 1), s, h, tr, va)

			first := Hyper(h)
			r1, err := NewRun(newTestModel(t, "cnn", 1), s, first, tr, va)
			if err != nil {
				t.Fatal(err)
			}
			defer r1.Close()
			var saved bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			part := &curve{}
			_, err = r1.Train(ctx, Funcs{Step: part.OnStep, EpochEnd: func(c *Checkpoint) error {
				cancel() // stop as a killed worker would, right after the checkpoint
				return c.Write(&saved)
			}})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("want context.Canceled, got %v", err)
			}
			ck, err := ReadCheckpoint(&saved)
			if err != nil {
				t.Fatal(err)
			}
			r2, err := NewRun(newTestModel(t, "cnn", 99), s, h, tr, va)
			if err != nil {
				t.Fatal(err)
			}
			defer r2.Close()
			if err := r2.Resume(ck); err != nil {
				t.Fatal(err)
			}
			rest := &curve{}
			res, err := r2.Train(context.Background(), rest)
			if err != nil {
				t.Fatal(err)
			}
			got := append(part.losses, rest.losses...)
			if len(got) != len(full.losses) {
				t.Fatalf("resumed run has %d steps, uninterrupted %d", len(got), len(full.losses))
			}
			for i := range got {
				if got[i] != full.losses[i] {
					t.Fatalf("step %d: resumed loss %v, uninterrupted %v", i+1, got[i], full.losses[i])
				}
			}
			if res.FinalValLoss != full.evals[2].Loss || len(res.History) != 3 {
				t.Fatalf("final val loss %v vs %v, history %d", res.FinalValLoss, full.evals[2].Loss, len(res.History))
			}
		})
	}
}

func TestFrozenLayersStayBitIdentical(t *testing.T) {
	tr, va := smallTask(t)
	for _, tc := range []struct {
		s      string
		frozen []string
	}{{"freeze:2", []string{"conv1", "conv2"}}, {"linear-probe", []string{"conv1", "conv2", "fc1"}}} {
		s, err := ParseStrategy(tc.s)
		if err != nil {
			t.Fatal(err)
		}
		m := newTestModel(t, "cnn", 2)
		before := m.Clone()
		c, _ := trainCurve(t, m, s, Hyper{Epochs: 1, BatchSize: 32, Seed: 1}, tr, va)
		frozen := map[string]bool{}
		for _, l := range tc.frozen {
			frozen[l] = true
		}
		for i, p := range m.Params {
			same := bytes.Equal(f32bytes(p.Data), f32bytes(before.Params[i].Data))
			if frozen[p.Layer] != same {
				t.Errorf("%s: %s changed=%v, want frozen=%v", tc.s, p.Name, !same, frozen[p.Layer])
			}
		}
		if d := c.evals[0].Drift; d["conv1"] != 0 || d["head"] == 0 {
			t.Errorf("%s: drift %v", tc.s, d)
		}
	}
}

func f32bytes(x []float32) []byte {
	b := make([]byte, 0, 4*len(x))
	for _, v := range x {
		u := math.Float32bits(v)
		b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	}
	return b
}

func TestHeapDoesNotGrowAcrossSteps(t *testing.T) {
	tr, _ := mnist(t)
	data := tr.FilterClasses([]int{0, 1, 2, 3, 4}).Head(200 * 16)
	r, err := NewRun(newTestModel(t, "cnn", 1), Strategy{Kind: Finetune}, Hyper{Epochs: 1, BatchSize: 16, Seed: 1}, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var at20 runtime.MemStats
	_, err = r.Train(context.Background(), Funcs{Step: func(s StepMetrics) {
		if s.Step == 20 {
			runtime.GC()
			runtime.ReadMemStats(&at20)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	var end runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&end)
	if growth := int64(end.HeapAlloc) - int64(at20.HeapAlloc); growth > 1<<20 {
		t.Fatalf("heap grew %d bytes over 180 steps", growth)
	}
}

func TestDivergenceNamesStepAndSuggestsLowerLR(t *testing.T) {
	tr, _ := smallTask(t)
	r, err := NewRun(newTestModel(t, "mlp", 1), Strategy{Kind: Scratch}, Hyper{Epochs: 3, BatchSize: 32, LR: 10, Momentum: 0.99, Seed: 1}, tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.Train(context.Background(), nil)
	var nanErr *NaNError
	if !errors.As(err, &nanErr) || nanErr.Step < 1 {
		t.Fatalf("want a NaNError, got %v", err)
	}
	if msg := err.Error(); !bytes.Contains([]byte(msg), []byte("lower learning rate")) {
		t.Fatalf("message %q does not suggest a lower learning rate", msg)
	}
}

func TestCancelStopsBeforeNextStep(t *testing.T) {
	tr, _ := smallTask(t)
	r, err := NewRun(newTestModel(t, "mlp", 1), Strategy{Kind: Scratch}, Hyper{Epochs: 5, BatchSize: 32, Seed: 1}, tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	_, err = r.Train(ctx, Funcs{Step: func(s StepMetrics) {
		if s.Step == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || r.Step() != 3 {
		t.Fatalf("err %v after %d steps, want context.Canceled after 3", err, r.Step())
	}
}

func TestParseStrategy(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"scratch", "scratch", true}, {"finetune", "finetune", true}, {" Freeze:2 ", "freeze:2", true},
		{"linear-probe", "linear-probe", true}, {"freeze:0", "", false}, {"freeze:x", "", false},
		{"freeze", "", false}, {"fine-tune", "", false}, {"", "", false},
	} {
		s, err := ParseStrategy(tc.in)
		if (err == nil) != tc.ok || (tc.ok && s.String() != tc.want) {
			t.Errorf("ParseStrategy(%q) = %v, %v", tc.in, s, err)
		}
	}
	m := newTestModel(t, "cnn", 1)
	if _, err := (Strategy{Kind: Freeze, K: 4}).Trainable(m.Layers); err == nil {
		t.Error("freeze:4 on a 4-layer cnn must be refused")
	}
}

func TestEvaluateAndPredict(t *testing.T) {
	tr, va := smallTask(t)
	m := newTestModel(t, "mlp", 1)
	_, r := trainCurve(t, m, Strategy{Kind: Scratch}, Hyper{Epochs: 3, BatchSize: 32, LR: 0.05, Seed: 1}, tr, va)
	rep, err := r.Evaluate(va)
	if err != nil {
		t.Fatal(err)
	}
	total, diag := 0, 0
	for i, row := range rep.Confusion {
		for j, n := range row {
			total += n
			if i == j {
				diag += n
			}
		}
	}
	if total != va.Len() || float64(diag)/float64(total) != rep.Accuracy || rep.Accuracy < 0.5 {
		t.Fatalf("confusion %v does not agree with accuracy %v", rep.Confusion, rep.Accuracy)
	}
	if len(rep.Misclassified) != total-diag || len(rep.PerClass) != 5 {
		t.Fatalf("%d misses for %d errors, %d classes", len(rep.Misclassified), total-diag, len(rep.PerClass))
	}
	p, err := NewPredictor(m)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	probs, err := p.Predict(va.X[:784])
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, v := range probs {
		sum += v
	}
	if len(probs) != 5 || sum < 0.999 || sum > 1.001 {
		t.Fatalf("probabilities %v", probs)
	}
	if _, err := p.Predict(make([]float32, 10)); err == nil {
		t.Fatal("a wrong-sized image must be refused")
	}
}
