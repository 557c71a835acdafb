package tfjs

import "transferlab/backend/nn"

// reestimateBatch is how many images go through the layers at once while the
// statistics are measured.
const reestimateBatch = 16

// Reestimate re-estimates the batch-norm statistics folded into m (converted by
// MobileNetV2, which keeps each layer's batch norm) on the n images x (NHWC, [0,1]):
// see nn.Model.ReestimateBatchNorm.
func Reestimate(m *nn.Model, x []float32, n int) error {
	return m.ReestimateBatchNorm(x, n, reestimateBatch)
}
