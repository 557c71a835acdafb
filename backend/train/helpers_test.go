package train

import (
	"sync"
	"testing"

	"transferlab/backend/data"
	"transferlab/backend/nn"
)

var (
	mnistOnce             sync.Once
	mnistTrain, mnistTest *SliceDataset
	mnistErr              error
)

// mnist loads MNIST once for all tests of the package.
func mnist(t testing.TB) (*SliceDataset, *SliceDataset) {
	t.Helper()
	mnistOnce.Do(func() {
		files, _, err := data.MNISTFiles()
		if err != nil {
			mnistErr = err
			return
		}
		mnistTrain, mnistTest, mnistErr = LoadMNIST(files)
	})
	if mnistErr != nil {
		t.Fatal(mnistErr)
	}
	return mnistTrain, mnistTest
}

var digitNames = []string{"0", "1", "2", "3", "4"}

// smallTask is 250 training images of digits 0-4 (a tail batch at batch 32) and 200
// validation images.
func smallTask(t testing.TB) (*SliceDataset, *SliceDataset) {
	tr, te := mnist(t)
	return tr.FilterClasses([]int{0, 1, 2, 3, 4}).Sample(250, 1), te.FilterClasses([]int{0, 1, 2, 3, 4}).Sample(200, 2)
}

func newTestModel(t testing.TB, arch string, seed uint64) *nn.Model {
	t.Helper()
	m, err := nn.New(arch, nn.Input{Channels: 1, Height: 28, Width: 28}, digitNames, seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// curve records every step's loss and every evaluation.
type curve struct {
	losses []float64
	evals  []EvalMetrics
	ckpts  []*Checkpoint
}

func (c *curve) OnStep(s StepMetrics) { c.losses = append(c.losses, s.Loss) }
func (c *curve) OnEval(e EvalMetrics) { c.evals = append(c.evals, e) }
func (c *curve) OnEpochEnd(k *Checkpoint) error {
	c.ckpts = append(c.ckpts, k)
	return nil
}
