package train

import (
	"fmt"
	"math/rand/v2"

	"transferlab/backend/nn"
)

// bnSample is how many training images re-estimating batch norm looks at: enough for
// stable per-channel statistics, few enough to take seconds at 224 pixels.
const bnSample = 128

// bnBatch is how many of them go through the layers at once.
const bnBatch = 16

// ReestimateBatchNorm re-estimates the batch norms folded into m on a sample of up to
// bnSample images of ds drawn with seed (the same for every arm of a replicate, so the
// arms start from the same weights).
func ReestimateBatchNorm(m *nn.Model, ds Dataset, seed uint64) error {
	if !m.HasBatchNorm() {
		return fmt.Errorf("the base model (%s) keeps no batch norm to re-estimate: leave bn_reestimate out", m.Arch)
	}
	n := min(bnSample, ds.Len())
	if n < 2 {
		return fmt.Errorf("re-estimating batch norm needs at least 2 training images, the dataset has %d", ds.Len())
	}
	idx := rand.New(rand.NewPCG(seed, 0x626e)).Perm(ds.Len())[:n]
	c, h, w := ds.Shape()
	chw := make([]float32, n*c*h*w)
	ds.Fill(idx, chw, make([]int, n))
	x := make([]float32, len(chw))
	toNHWC(chw, x, n, c, h, w)
	return m.ReestimateBatchNorm(x, n, bnBatch)
}
