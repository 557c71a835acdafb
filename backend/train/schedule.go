package train

import "math"

// learningRate is the schedule's rate at a step (0-based), with linear warm-up first.
func learningRate(h Hyper, step, stepsPerEpoch, totalSteps int) float64 {
	lr := h.LR
	switch h.Schedule {
	case "step":
		lr *= math.Pow(h.Gamma, float64(step/(stepsPerEpoch*h.StepEpochs)))
	case "cosine":
		if totalSteps > 1 {
			lr *= 0.5 * (1 + math.Cos(math.Pi*float64(step)/float64(totalSteps)))
		}
	}
	if h.WarmupSteps > 0 && step < h.WarmupSteps {
		lr *= float64(step+1) / float64(h.WarmupSteps)
	}
	return lr
}
