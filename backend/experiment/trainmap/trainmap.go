// Package trainmap turns an experiment's checked settings and strategies into the
// training engine's. It is apart from package experiment so that the rules (which the
// server reads) do not pull in the engine.
package trainmap

import (
	"transferlab/backend/experiment"
	"transferlab/backend/train"
)

// curvePoints is how many validation points a run's curve gets at least, when the
// user does not say how often to validate.
const curvePoints = 20

// Hyper maps an arm's settings onto the engine's for a training set of stepsPerEpoch
// steps an epoch. Every setting is carried over as it is: the rules already refused
// what the engine cannot take, so nothing here changes a value behind the user's back.
func Hyper(h experiment.Hyper, stepsPerEpoch int) train.Hyper {
	th := train.DefaultHyper()
	th.Epochs, th.BatchSize, th.Optimizer, th.LR = h.Epochs, h.BatchSize, h.Optimizer, h.LR
	th.Momentum, th.WeightDecay, th.Schedule = h.Momentum, h.WeightDecay, h.Schedule
	th.StepEpochs, th.Gamma = h.StepEpochs, h.Gamma
	th.HeadLRMult, th.ClipNorm, th.Patience = h.HeadLRMult, h.ClipNorm, h.EarlyStop
	th.Shift, th.HFlip, th.Seed = h.AugShift, h.AugFlip, uint64(h.Seed)
	th.WarmupSteps = int(h.WarmupEpochs * float64(stepsPerEpoch))
	th.EvalEvery = h.EvalEvery
	th.UnfreezeEvery, th.LayerLRDecay = h.UnfreezeEvery, h.LayerLRDecay
	if th.EvalEvery == 0 {
		th.EvalEvery = AutoEvalEvery(stepsPerEpoch * h.Epochs)
	}
	return th
}

// AutoEvalEvery validates often enough for curvePoints points over the run; epoch ends
// are validated anyway, so long epochs get no extra points from this alone.
func AutoEvalEvery(totalSteps int) int {
	return max(totalSteps/curvePoints, 1)
}

// Strategy maps a strategy onto the engine's.
func Strategy(s experiment.Strategy) train.Strategy {
	return train.Strategy{Kind: string(s.Kind), K: s.K}
}
