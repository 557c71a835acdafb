package nn

import (
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// lossOp is softmax cross-entropy against a target matrix T (B,K) whose row i is the
// one-hot label scaled by the sample's weight: 1/n for the n real samples of a batch,
// 0 for padding. The loss -sum T log softmax(z) is then the mean over real samples,
// which is how a fixed-size graph handles tail batches (pad and mask).
type lossOp struct {
	probs []float32 // softmax of the last forward pass, kept for accuracy and metrics
	loss  float32   // the last forward pass's loss
}

func softmaxCrossEntropy(logits, target *G.Node) (*G.Node, *lossOp, error) {
	s := logits.Shape()
	b, nk := s[0], s[1]
	lo := &lossOp{probs: make([]float32, b*nk)}
	k := newKernel("loss", []int{2, 2}, nil)
	k.run = func(_ []float32, in [][]float32) float32 {
		z, t := in[0], in[1]
		var loss float64
		for i := 0; i < b; i++ {
			row, p := z[i*nk:][:nk], lo.probs[i*nk:][:nk]
			mx := row[0]
			for _, v := range row {
				mx = max(mx, v)
			}
			var sum float64
			for j, v := range row {
				e := math.Exp(float64(v - mx))
				p[j] = float32(e)
				sum += e
			}
			lse := math.Log(sum)
			for j, v := range row {
				p[j] = float32(float64(p[j]) / sum)
				if tj := t[i*nk+j]; tj != 0 {
					loss -= float64(tj) * (float64(v-mx) - lse)
				}
			}
		}
		lo.loss = float32(loss)
		return lo.loss
	}
	k.diffWRT = []bool{true, false}
	k.diff = func(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
		d := newKernel("dloss", []int{0, 2, 0}, tensor.Shape{b, nk})
		d.run = func(out []float32, in [][]float32) float32 {
			t, g := in[1], in[2][0]
			for i := 0; i < b; i++ {
				var w float32
				for _, v := range t[i*nk : (i+1)*nk] {
					w += v
				}
				for j := 0; j < nk; j++ {
					out[i*nk+j] = g * (w*lo.probs[i*nk+j] - t[i*nk+j])
				}
			}
			return 0
		}
		n, err := d.apply(output, inputs[1], grad)
		return G.Nodes{n, nil}, err
	}
	n, err := k.apply(logits, target)
	return n, lo, err
}
