package train

import (
	"context"
	"errors"
	"math"
	"sort"

	"transferlab/backend/nn"
)

type batchGraph interface {
	Input() []float32
	SetTargets([]int)
	Run() error
}

// forEachBatch runs g forward over ds in order, padding the last batch, and calls fn
// after each batch with the index of its first image and its labels.
func forEachBatch(ctx context.Context, g batchGraph, ds Dataset, xbuf []float32, ybuf []int, fn func(lo int, labels []int)) error {
	c, h, w := ds.Shape()
	sz := c * h * w
	n := ds.Len()
	batch := len(g.Input()) / sz
	idx := make([]int, 0, batch)
	for lo := 0; lo < n; lo += batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		idx = idx[:0]
		for j := lo; j < min(lo+batch, n); j++ {
			idx = append(idx, j)
		}
		labels := ybuf[:len(idx)]
		ds.Fill(idx, xbuf[:len(idx)*sz], labels)
		toNHWC(xbuf, g.Input(), len(idx), c, h, w)
		g.SetTargets(labels)
		if err := g.Run(); err != nil {
			return err
		}
		fn(lo, labels)
	}
	return nil
}

// evaluate returns the mean loss and the accuracy of the model on ds.
func (r *Run) evaluate(ds Dataset) (loss, acc float64, err error) {
	g := r.evalG
	if ds == r.valSet && r.valFeats != nil { // only the layers above the cache
		g, ds = r.topG, r.valFeats
	}
	rep, err := evaluateWith(g, ds, r.xbuf, r.ybuf, false)
	if err != nil {
		return 0, 0, err
	}
	if math.IsNaN(rep.Loss) || math.IsInf(rep.Loss, 0) {
		return 0, 0, &NaNError{Step: r.step, What: "the validation loss", LR: learningRate(r.Hyper, max(r.step-1, 0), r.StepsPerEpoch(), r.StepsPerEpoch()*r.Hyper.Epochs)}
	}
	return rep.Loss, rep.Accuracy, nil
}

// ClassMetrics are one class's precision, recall and F1.
type ClassMetrics struct {
	Class     int     `json:"class"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Miss is one misclassified image.
type Miss struct {
	Index      int     `json:"index"`
	True       int     `json:"true"`
	Pred       int     `json:"pred"`
	Confidence float64 `json:"confidence"` // the probability given to Pred
}

// Report is a full evaluation of a model on a dataset.
type Report struct {
	N             int            `json:"n"`
	Loss          float64        `json:"loss"`
	Accuracy      float64        `json:"accuracy"`
	PerClass      []ClassMetrics `json:"per_class"`
	Confusion     [][]int        `json:"confusion"`     // [true][predicted]
	Misclassified []Miss         `json:"misclassified"` // most confident first, at most MaxMisses
}

// MaxMisses bounds the misclassified list of a Report.
const MaxMisses = 500

// Evaluate runs the run's current weights over ds. A run that caches its frozen
// layers' outputs evaluates a dataset that names its images (the test split) on those
// outputs too, borrowed from or lent to the other runs with the same frozen layers:
// the replicates of an arm then pass the test images through the frozen layers once.
func (r *Run) Evaluate(ds Dataset) (*Report, error) {
	if k, ok := ds.(Keyed); ok && r.cut > 0 && k.DataKey() != "" && ds.Len()*nn.InputSize(r.Model.Layers, r.cut) <= maxCachedFloats {
		fs, err := r.features(context.Background(), ds)
		if err != nil {
			return nil, err
		}
		return evaluateWith(r.topG, fs, r.xbuf, r.ybuf, true)
	}
	return evaluateWith(r.evalG, ds, r.xbuf, r.ybuf, true)
}

// Evaluate runs m over ds in batches of batch (0 means 250) and reports metrics.
func Evaluate(m *nn.Model, ds Dataset, batch int) (*Report, error) {
	if batch <= 0 {
		batch = 250
	}
	if c, h, w := ds.Shape(); c != m.Input.Channels || h != m.Input.Height || w != m.Input.Width || ds.NumClasses() != len(m.Classes) {
		return nil, errors.New("the dataset's image shape or classes do not match the model")
	}
	g, err := nn.NewGraph(m, nn.GraphOptions{Batch: batch})
	if err != nil {
		return nil, err
	}
	defer g.Close()
	return evaluateWith(g, ds, make([]float32, batch*m.Input.Size()), make([]int, batch), true)
}

func evaluateWith(g *nn.Graph, ds Dataset, xbuf []float32, ybuf []int, full bool) (*Report, error) {
	k := g.Classes
	rep := &Report{N: ds.Len()}
	if rep.N == 0 {
		return rep, nil
	}
	conf := make([][]int, k)
	for i := range conf {
		conf[i] = make([]int, k)
	}
	var total float64
	correct := 0
	err := forEachBatch(context.Background(), g, ds, xbuf, ybuf, func(lo int, labels []int) {
		total += float64(g.Loss()) * float64(len(labels))
		probs := g.Probs()
		for i, y := range labels {
			p := probs[i*k : (i+1)*k]
			pred := argmax(p)
			conf[y][pred]++
			if pred == y {
				correct++
			} else if full {
				rep.Misclassified = append(rep.Misclassified, Miss{Index: lo + i, True: y, Pred: pred, Confidence: float64(p[pred])})
			}
		}
	})
	if err != nil {
		return nil, err
	}
	rep.Loss = total / float64(rep.N)
	rep.Accuracy = float64(correct) / float64(rep.N)
	if !full {
		return rep, nil
	}
	rep.Confusion = conf
	for c := 0; c < k; c++ {
		tp, predicted, support := conf[c][c], 0, 0
		for j := 0; j < k; j++ {
			predicted += conf[j][c]
			support += conf[c][j]
		}
		cm := ClassMetrics{Class: c, Support: support}
		if predicted > 0 {
			cm.Precision = float64(tp) / float64(predicted)
		}
		if support > 0 {
			cm.Recall = float64(tp) / float64(support)
		}
		if cm.Precision+cm.Recall > 0 {
			cm.F1 = 2 * cm.Precision * cm.Recall / (cm.Precision + cm.Recall)
		}
		rep.PerClass = append(rep.PerClass, cm)
	}
	sort.SliceStable(rep.Misclassified, func(i, j int) bool {
		return rep.Misclassified[i].Confidence > rep.Misclassified[j].Confidence
	})
	if len(rep.Misclassified) > MaxMisses {
		rep.Misclassified = rep.Misclassified[:MaxMisses]
	}
	return rep, nil
}
