package experiment

import (
	"fmt"
	"slices"
	"strings"
)

// inputSizes are the input sizes (pixels a side) an architecture's weights work at: the
// ImageNet MobileNetV2 cut is all convolutions and a global pooling, so any size a
// multiple of 32 from 96 to 224 gives the same features at another scale. Other
// architectures take only their model's own size.
var inputSizes = map[string][]int{"mobilenetv2-b10": {96, 128, 160, 192, 224}}

// InputSizes lists the sizes a base model of arch can train at besides its own; nil
// when its size is fixed.
func InputSizes(arch string) []int { return slices.Clone(inputSizes[arch]) }

// checkInputSize refuses an input_size the base model cannot take.
func checkInputSize(h Hyper, baseModelID, modelName, arch string) error {
	if h.InputSize == 0 {
		return nil
	}
	sizes := inputSizes[arch]
	switch {
	case baseModelID == "":
		return problem("bad_hyper", "input_size sets the size a base model's images are resized to, and this experiment has no base model: leave input_size out.")
	case len(sizes) == 0:
		return problem("bad_hyper", "input_size: the base model %s (%s) takes only its own input size; leave input_size out (0) or pick a model that takes others (the ImageNet MobileNetV2).", modelName, arch)
	case !slices.Contains(sizes, h.InputSize):
		words := make([]string, len(sizes))
		for i, s := range sizes {
			words[i] = fmt.Sprint(s)
		}
		return problem("bad_hyper", "input_size %d: the base model %s trains at %s pixels a side; send one of those, or 0 for its own.", h.InputSize, modelName, strings.Join(words, ", "))
	}
	return nil
}

// SizeTiming is the speed of a base model at one input size, measured on the server
// with a few batches: what the wizard turns into the expected time per epoch.
type SizeTiming struct {
	Size int `json:"size"`
	// InferencePerSec is images a second through the frozen network (a linear probe
	// pays this once per image, to compute its features).
	InferencePerSec float64 `json:"inference_per_sec"`
	// TrainPerSec is images a second of a training step with every layer trained
	// (scratch and full fine-tuning pay this every epoch).
	TrainPerSec float64 `json:"train_per_sec"`
	// Seconds is how long measuring took; Cached says this size was measured earlier.
	Seconds float64 `json:"seconds"`
	Cached  bool    `json:"cached"`
}

// ModelTiming is a base model's measured speed at each size it takes.
type ModelTiming struct {
	ModelID string       `json:"model_id"`
	Method  string       `json:"method"`
	Sizes   []SizeTiming `json:"sizes"`
}
