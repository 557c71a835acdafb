package train

import (
	"testing"

	"transferlab/backend/nn"
)

// trainStepGEMMs are the GEMMs BenchmarkTrainStep compares, as nn.UseGEMM names them,
// with the names BenchmarkGEMM's table uses.
var trainStepGEMMs = []struct{ use, name string }{
	{"avx512", "ours-avx512"},
	{"avx2", "ours-avx2"},
	{"go", "gonum"},
	{"openblas", "openblas"}, // built with -tags openblas
}

// BenchmarkTrainStep measures one training step (forward, backward, update) of each
// architecture at batch 64 with each GEMM this CPU and build have, so one run shows
// what the GEMM is worth to a whole step; samples/s is reported as a custom metric.
func BenchmarkTrainStep(b *testing.B) {
	tr, _ := mnist(b)
	data := tr.FilterClasses([]int{0, 1, 2, 3, 4}).Head(64 * 20)
	for _, arch := range []string{"mlp", "cnn"} {
		for _, g := range trainStepGEMMs {
			b.Run(arch+"/"+g.name, func(b *testing.B) {
				restore, ok := nn.UseGEMM(g.use)
				defer restore()
				if !ok {
					b.Skipf("no %s GEMM on this CPU or build", g.use)
				}
				r, err := NewRun(newTestModel(b, arch, 1), Strategy{Kind: Finetune}, Hyper{Epochs: 1, BatchSize: 64, Seed: 1}, data, nil)
				if err != nil {
					b.Fatal(err)
				}
				defer r.Close()
				idx := make([]int, 64)
				for i := range idx {
					idx[i] = i
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, _, err := r.trainStep(idx, 0.01); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(64*b.N)/b.Elapsed().Seconds(), "samples/s")
			})
		}
	}
}
