package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/mat"

	"transferlab/backend/nn"
)

// ScoreMethod names the transferability score for people: the accuracy a ridge-
// regression linear probe reaches on the base model's frozen features, by 5-fold
// cross-validation on a seeded sample of the training split. It is the closed-form
// relative of the linear probe (as in Kornblith et al. 2019, "Do better ImageNet models
// transfer better?", which scores frozen features by a regularised linear classifier).
const ScoreMethod = "ridge linear-probe accuracy, 5-fold cross-validated on frozen features"

// TransferSample is how many training images the score looks at, at most.
const TransferSample = 1000

// scoreFolds and scoreLambdas: the folds of the cross-validation and the ridge
// penalties it chooses among (on standardised features, per image).
const scoreFolds = 5

var scoreLambdas = []float64{0.01, 0.1, 1, 10}

// TransferScore is how well a base model's frozen features separate a target's classes.
type TransferScore struct {
	Score    float64 `json:"score"`    // cross-validated accuracy, 0-1
	Chance   float64 `json:"chance"`   // the accuracy of always answering the commonest class
	Lambda   float64 `json:"lambda"`   // the ridge penalty the folds chose
	Images   int     `json:"images"`   // images scored
	Features int     `json:"features"` // the width of the frozen features
	Copied   int     `json:"copied"`   // encoder layers carried over from the base
	Seconds  float64 `json:"seconds"`  // features and fit together
}

// Transferability scores base for a target of classes on trainSet: the base's encoder
// is carried over as fine-tuning would (nn.NewFromBase), run frozen over a seeded
// sample of at most TransferSample training images, and a ridge probe is fitted and
// cross-validated on those features in closed form. No weight is trained.
func Transferability(ctx context.Context, base *nn.Model, trainSet Dataset, classes []string, seed uint64) (TransferScore, error) {
	t0 := time.Now()
	c, h, w := trainSet.Shape()
	m, rep, err := nn.NewFromBase(base, nn.Input{Channels: c, Height: h, Width: w}, classes, seed)
	if err != nil {
		return TransferScore{}, err
	}
	if len(m.Layers) < 2 {
		return TransferScore{}, errors.New("the model has no layers below its head to score")
	}
	sample := sampleOf(trainSet, TransferSample, seed)
	// At 100 images a MobileNetV2 at 160 pixels would hold 1.2 GB of activations.
	batch := inferenceBatch(m, 100)
	g, err := nn.NewGraph(m, nn.GraphOptions{Batch: batch, To: len(m.Layers) - 1})
	if err != nil {
		return TransferScore{}, err
	}
	defer g.Close()
	d := m.Features()
	n := sample.Len()
	feats := make([]float64, n*d)
	labels := make([]int, n)
	err = forEachBatch(ctx, g, sample, make([]float32, batch*c*h*w), make([]int, batch), func(lo int, ys []int) {
		out := g.Output()
		for i := range ys {
			labels[lo+i] = ys[i]
			for j := range d {
				feats[(lo+i)*d+j] = float64(out[i*d+j])
			}
		}
	})
	if err != nil {
		return TransferScore{}, err
	}
	acc, lambda, err := ridgeCV(feats, labels, n, d, len(classes), seed)
	if err != nil {
		return TransferScore{}, err
	}
	counts := make([]int, len(classes))
	for _, y := range labels {
		counts[y]++
	}
	return TransferScore{Score: acc, Chance: float64(slices.Max(counts)) / float64(n), Lambda: lambda, Images: n,
		Features: d, Copied: rep.Count(nn.Copied), Seconds: time.Since(t0).Seconds()}, nil
}

// indexed is a view of some images of a dataset.
type indexed struct {
	Dataset
	idx []int
	buf []int
}

func (v *indexed) Len() int { return len(v.idx) }

func (v *indexed) Fill(idx []int, x []float32, y []int) {
	v.buf = v.buf[:0]
	for _, i := range idx {
		v.buf = append(v.buf, v.idx[i])
	}
	v.Dataset.Fill(v.buf, x, y)
}

// sampleOf is a seeded sample of at most n images of ds, in index order.
func sampleOf(ds Dataset, n int, seed uint64) Dataset {
	if ds.Len() <= n {
		return ds
	}
	idx := rand.New(rand.NewPCG(seed, 0x7363)).Perm(ds.Len())[:n]
	slices.Sort(idx)
	return &indexed{Dataset: ds, idx: idx}
}

// ridgeCV standardises the features, then for each penalty fits one-vs-all ridge
// regression on one-hot labels in each fold's training part and scores argmax accuracy
// on its held-out part. It returns the best penalty's accuracy.
func ridgeCV(x []float64, y []int, n, d, k int, seed uint64) (acc, lambda float64, err error) {
	if n < scoreFolds*2 {
		return 0, 0, fmt.Errorf("%d images are too few to score; want at least %d", n, scoreFolds*2)
	}
	standardise(x, n, d)
	fold := rand.New(rand.NewPCG(seed, 0x666f6c64)).Perm(n)
	correct := make([]int, len(scoreLambdas))
	for f := range scoreFolds {
		var tr, te []int
		for i, p := range fold {
			if p%scoreFolds == f {
				te = append(te, i)
			} else {
				tr = append(tr, i)
			}
		}
		gram, xty := normalEquations(x, y, tr, d, k)
		for li, l := range scoreLambdas {
			wts, err := ridgeSolve(gram, xty, d, l*float64(len(tr)))
			if err != nil {
				return 0, 0, err
			}
			for _, i := range te {
				if ridgePredict(wts, x[i*d:(i+1)*d], d, k) == y[i] {
					correct[li]++
				}
			}
		}
	}
	best := -1
	for li, c := range correct {
		if c > best {
			best, lambda = c, scoreLambdas[li]
		}
	}
	return float64(best) / float64(n), lambda, nil
}

func standardise(x []float64, n, d int) {
	for j := range d {
		var s, ss float64
		for i := range n {
			s += x[i*d+j]
		}
		mean := s / float64(n)
		for i := range n {
			v := x[i*d+j] - mean
			ss += v * v
		}
		sd := math.Sqrt(ss / float64(n))
		for i := range n {
			if sd > 1e-8 {
				x[i*d+j] = (x[i*d+j] - mean) / sd
			} else {
				x[i*d+j] = 0 // a dead feature (a ReLU never on) carries nothing
			}
		}
	}
}

// normalEquations are XᵀX and XᵀY over the rows tr, with a bias column appended to X
// and Y one-hot.
func normalEquations(x []float64, y []int, tr []int, d, k int) (*mat.SymDense, *mat.Dense) {
	a := mat.NewSymDense(d+1, nil)
	b := mat.NewDense(d+1, k, nil)
	row := mat.NewVecDense(d+1, nil)
	for _, i := range tr {
		for j := range d {
			row.SetVec(j, x[i*d+j])
		}
		row.SetVec(d, 1)
		a.SymRankOne(a, 1, row)
		for j := range d + 1 {
			b.Set(j, y[i], b.At(j, y[i])+row.AtVec(j))
		}
	}
	return a, b
}

// ridgeSolve solves (XᵀX + λI) W = XᵀY with the bias left unpenalised; W is (d+1) x k.
func ridgeSolve(gram *mat.SymDense, xty *mat.Dense, d int, lambda float64) (*mat.Dense, error) {
	a := mat.NewSymDense(d+1, nil)
	a.CopySym(gram)
	for j := range d {
		a.SetSym(j, j, a.At(j, j)+lambda)
	}
	a.SetSym(d, d, a.At(d, d)+1e-6) // keeps the bias solvable however the folds fall
	var ch mat.Cholesky
	if !ch.Factorize(a) {
		return nil, errors.New("the features' covariance is not positive definite")
	}
	var wts mat.Dense
	if err := ch.SolveTo(&wts, xty); err != nil {
		return nil, err
	}
	return &wts, nil
}

func ridgePredict(wts *mat.Dense, f []float64, d, k int) int {
	best, arg := math.Inf(-1), 0
	for c := range k {
		s := wts.At(d, c)
		for j, v := range f {
			s += v * wts.At(j, c)
		}
		if s > best {
			best, arg = s, c
		}
	}
	return arg
}
