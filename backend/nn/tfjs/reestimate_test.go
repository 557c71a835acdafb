package tfjs

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"transferlab/backend/data"
	"transferlab/backend/nn"
	"transferlab/backend/train"
)

// BenchmarkBatchNormReestimation measures the quantization question: linear probes on
// the colour example with the batch-norm statistics as the package stores them (some
// variances rounded to zero) and re-estimated on a sample of the training images.
// It reports both accuracies (mean of 3 seeds) and fails if the shipped default
// (stored) is clearly worse.
func BenchmarkBatchNormReestimation(b *testing.B) {
	t := b
	modelJS, shardJS := packageFiles(t)
	a, err := Read(modelJS, shardJS)
	if err != nil {
		t.Fatal(err)
	}
	const size = 96
	in := nn.Input{Channels: 3, Height: size, Width: size}
	ds := iconsAt(t, size)
	trainSet, _ := ds.Split("train")
	val, _ := ds.Split("val")
	test, _ := ds.Split("test")

	x := sampleNHWC(trainSet, 64, size)
	const n = 64
	probe := func(m *nn.Model, seed uint64) float64 {
		s := train.Strategy{Kind: train.LinearProbe}
		mm, _, err := train.NewModel("", m, s, in, ds.Classes(), seed)
		if err != nil {
			t.Fatal(err)
		}
		run, err := train.NewRun(mm, s, train.Hyper{Epochs: 8, BatchSize: 16, Optimizer: "adam", LR: 3e-3, Seed: seed}, trainSet, val)
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
		return rep.Accuracy
	}
	stored, rep, err := MobileNetV2(a, nn.MobileNetV2B10, in)
	if err != nil {
		t.Fatal(err)
	}
	re, _, _ := MobileNetV2(a, nn.MobileNetV2B10, in)
	if err := Reestimate(re, x, n); err != nil {
		t.Fatal(err)
	}
	var accStored, accRe float64
	const seeds = 3
	for seed := uint64(1); seed <= seeds; seed++ {
		s, r := probe(stored, seed), probe(re, seed)
		accStored += s / seeds
		accRe += r / seeds
		t.Logf("seed %d: linear probe test accuracy %.3f with the stored statistics, %.3f re-estimated", seed, s, r)
	}
	t.Logf("%d of %d batch-norm channels stored a zero variance; mean of %d seeds on %d test images: stored %.3f, re-estimated on %d training images %.3f",
		rep.ZeroVariances, rep.Channels, seeds, test.Len(), accStored, n, accRe)
	b.ReportMetric(accStored, "acc-stored")
	b.ReportMetric(accRe, "acc-reestimated")
	if accStored < accRe-0.05 {
		t.Errorf("re-estimated statistics do better (%.3f vs %.3f): make them the default", accRe, accStored)
	}
}

// sampleNHWC reads n images spread over ds, in the graph's NHWC order.
func sampleNHWC(ds train.Dataset, n, size int) []float32 {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i * ds.Len() / n
	}
	plane := size * size
	chw := make([]float32, n*3*plane)
	ds.Fill(idx, chw, make([]int, n))
	x := make([]float32, len(chw))
	for b := range n {
		for c := range 3 {
			for p := range plane {
				x[(b*plane+p)*3+c] = chw[(b*3+c)*plane+p]
			}
		}
	}
	return x
}

// iconsAt imports the colour example at size pixels.
func iconsAt(t testing.TB, size int) *data.Dataset {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "icons")
	if _, err := data.Import(context.Background(), filepath.Join(repoRoot, "examples", "icons.zip"), dir, data.Options{Channels: 3, Height: size, Width: size}); err != nil {
		t.Fatal(err)
	}
	ds, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ds.Close() })
	return ds
}

// TestReestimatedLayersAreNormalised checks Reestimate: on the sample it was estimated
// on, every layer's output before its activation must have each channel's mean at the
// batch norm's beta and its standard deviation at |gamma| (less the epsilon's share).
func TestReestimatedLayersAreNormalised(t *testing.T) {
	modelJS, shardJS := packageFiles(t)
	a, err := Read(modelJS, shardJS)
	if err != nil {
		t.Fatal(err)
	}
	const size, n = 96, 6
	ds := iconsAt(t, size)
	trainSet, _ := ds.Split("train")
	x := sampleNHWC(trainSet, n, size)
	m, _, err := MobileNetV2(a, nn.MobileNetV2B10, nn.Input{Channels: 3, Height: size, Width: size})
	if err != nil {
		t.Fatal(err)
	}
	if err := Reestimate(m, x, n); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 13, len(m.Layers) - 1} {
		l := m.Layers[i]
		probe := *m
		probe.Layers = append([]nn.Layer(nil), m.Layers[:i+1]...)
		probe.Layers[i].ReLU6, probe.Layers[i].AvgPool, probe.Layers[i].Residual = false, false, ""
		g, err := nn.NewGraph(&probe, nn.GraphOptions{Batch: n, To: i + 1})
		if err != nil {
			t.Fatal(err)
		}
		copy(g.Input(), x)
		if err := g.Run(); err != nil {
			t.Fatal(err)
		}
		y := g.Output()
		c := l.Out
		gamma, beta := a.Weights[bnOf(l.Name)+"/gamma"].Data, a.Weights[bnOf(l.Name)+"/beta"].Data
		for ch := range c {
			var s, sq float64
			for j := ch; j < len(y); j += c {
				s += float64(y[j])
				sq += float64(y[j]) * float64(y[j])
			}
			cnt := float64(len(y) / c)
			mu := s / cnt
			sd := math.Sqrt(math.Max(sq/cnt-mu*mu, 0))
			if math.Abs(mu-float64(beta[ch])) > 1e-3*(1+math.Abs(float64(beta[ch]))) || sd > math.Abs(float64(gamma[ch]))*1.001+1e-4 {
				t.Fatalf("%s channel %d: mean %.5f sd %.5f, want beta %.5f and sd at most |gamma| %.5f", l.Name, ch, mu, sd, beta[ch], gamma[ch])
			}
		}
		g.Close()
	}
}
