package experiment

// Layer describes one parametric layer of a network for people: what it is, its
// shapes and its weight count. freeze:K keeps the bottom K of them fixed.
type Layer struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	In       int    `json:"in"`
	Out      int    `json:"out"`
	Kernel   int    `json:"kernel,omitempty"`
	Pool     bool   `json:"pool,omitempty"`
	Params   int    `json:"params"`
	OutShape [3]int `json:"out_shape"` // channels, height, width after activation and pooling
}

// Prediction is one class a model sees in an image, with its probability.
type Prediction struct {
	Class string  `json:"class"`
	Prob  float64 `json:"prob"`
}
