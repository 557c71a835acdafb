package train

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"transferlab/backend/nn"
)

func TestKernelTimes(t *testing.T) {
	tr, _ := mnist(t)
	data := tr.FilterClasses([]int{0, 1, 2, 3, 4}).Head(64 * 20)
	r, err := NewRun(newTestModel(t, "cnn", 1), Strategy{Kind: Finetune}, Hyper{Epochs: 1, BatchSize: 64, Seed: 1}, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, 64)
	for i := range idx {
		idx[i] = i
	}
	for i := 0; i < 20; i++ {
		r.trainStep(idx, 0.01)
	}
	for k := range nn.KernelTimes {
		delete(nn.KernelTimes, k)
	}
	const n = 300
	t0 := time.Now()
	for i := 0; i < n; i++ {
		r.trainStep(idx, 0.01)
	}
	wall := time.Since(t0) / n
	var names []string
	var sum time.Duration
	for k, v := range nn.KernelTimes {
		names = append(names, k)
		sum += v / n
	}
	sort.Slice(names, func(i, j int) bool { return nn.KernelTimes[names[i]] > nn.KernelTimes[names[j]] })
	for _, k := range names[:10] {
		fmt.Printf("%-16s %v\n", k, nn.KernelTimes[k]/n)
	}
	fmt.Printf("kernels %v, step %v\n", sum, wall)
}
