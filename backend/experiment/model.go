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

// TransferScore is how well one base model's frozen features separate a dataset's
// classes, scored before anything trains (the wizard ranks base models by it).
type TransferScore struct {
	ModelID  string  `json:"model_id"`
	Score    float64 `json:"score"`  // cross-validated linear-probe accuracy, 0-1
	Chance   float64 `json:"chance"` // the commonest class's share of the sample
	Images   int     `json:"images"`
	Features int     `json:"features"`
	Copied   int     `json:"copied"` // encoder layers carried over from the base
	Seconds  float64 `json:"seconds"`
	Error    string  `json:"error,omitempty"` // why this model could not be scored
}

// Transferability is the ranking of base models for one dataset, best first.
type Transferability struct {
	DatasetID string          `json:"dataset_id"`
	Method    string          `json:"method"`
	Sample    int             `json:"sample"` // training images looked at, at most
	Seconds   float64         `json:"seconds"`
	Scores    []TransferScore `json:"scores"`
}
