package train

import (
	"fmt"
	"sync"

	"transferlab/backend/nn"
)

// Predictor classifies single images with a model; it keeps one batch-1 graph and is
// safe for concurrent use.
type Predictor struct {
	mu    sync.Mutex
	model *nn.Model
	g     *nn.Graph
}

// NewPredictor builds the graph for m.
func NewPredictor(m *nn.Model) (*Predictor, error) {
	g, err := nn.NewGraph(m, nn.GraphOptions{Batch: 1})
	if err != nil {
		return nil, err
	}
	return &Predictor{model: m, g: g}, nil
}

// Predict returns the class probabilities for one CHW image with values in [0,1].
func (p *Predictor) Predict(img []float32) ([]float64, error) {
	in := p.model.Input
	if len(img) != in.Size() {
		return nil, fmt.Errorf("image has %d values, the model takes %s = %d", len(img), in, in.Size())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	toNHWC(img, p.g.Input(), 1, in.Channels, in.Height, in.Width)
	p.g.SetTargets([]int{0})
	if err := p.g.Run(); err != nil {
		return nil, err
	}
	out := make([]float64, len(p.model.Classes))
	for i, v := range p.g.Probs() {
		out[i] = float64(v)
	}
	return out, nil
}

// Close releases the graph.
func (p *Predictor) Close() error { return p.g.Close() }
