package nn

import (
	"fmt"
	"math"
)

// BatchNorm is what a layer needs to re-estimate the batch norm folded into its
// weights: the norm's own gamma and beta, the folded per-channel scale s (the
// convolution's weights were multiplied by s = gamma / sqrt(variance + eps)) and eps.
// The statistics themselves are not kept: re-estimation measures new ones.
type BatchNorm struct {
	Gamma, Beta, Scale []float32
	Eps                float32
}

// bnTensors names the tensors a weight file keeps a layer's batch norm in, in order.
var bnTensors = [...]string{"bn_gamma", "bn_beta", "bn_scale", "bn_eps"}

func (b *BatchNorm) tensors() [][]float32 {
	return [][]float32{b.Gamma, b.Beta, b.Scale, {b.Eps}}
}

// HasBatchNorm reports whether the model's layers keep what re-estimating their
// batch norm needs (the ImageNet MobileNetV2 does; the digit models have none).
func (m *Model) HasBatchNorm() bool { return len(m.BatchNorm) > 0 }

// ReestimateBatchNorm replaces the batch-norm statistics folded into the model with
// the mean and variance of each layer's output on the n images x (NHWC, the model's
// input), layer by layer from the bottom, each layer seeing the layers below already
// re-estimated: what batch-norm "recalibration" does when the stored statistics do not
// fit the images (here, 8-bit quantization rounded some variances to zero). With y the
// folded output (before activation, residual and pooling) and mu, v its measured
// per-channel mean and variance, the layer becomes gamma (y - mu) / sqrt(v + s^2 eps)
// + beta: exactly the batch norm of the unfolded convolution with mu and v as its
// statistics. The sample's activations are kept at the last block boundary below the
// layer, so each layer runs over the sample about twice in all, batch images at a time.
func (m *Model) ReestimateBatchNorm(x []float32, n, batch int) error {
	if !m.HasBatchNorm() {
		return fmt.Errorf("model %s keeps no batch norm to re-estimate", m.Arch)
	}
	size := m.Input.Channels * m.Input.Height * m.Input.Width
	if n < 2 || len(x) != n*size {
		return fmt.Errorf("re-estimating batch norm needs at least 2 images of %s, got %d floats for %d", m.Input, len(x), n)
	}
	batch = max(1, min(batch, n))
	last := -1
	for i, l := range m.Layers {
		if m.BatchNorm[l.Name] != nil {
			last = i
		}
	}
	cur, from := x, 0 // the sample at the input of layer from
	for i, l := range m.Layers[:last+1] {
		if bn := m.BatchNorm[l.Name]; bn != nil {
			// The layer's output before its activation, residual add and pooling.
			probe := *m
			probe.Layers = append([]Layer(nil), m.Layers[:i+1]...)
			probe.Layers[i].ReLU6, probe.Layers[i].AvgPool, probe.Layers[i].Residual = false, false, ""
			c := l.Out
			sum, sq := make([]float64, c), make([]float64, c)
			var cnt float64
			err := forward(&probe, from, i+1, cur, n, batch, func(y []float32) {
				for j, v := range y {
					sum[j%c] += float64(v)
					sq[j%c] += float64(v) * float64(v)
				}
				cnt += float64(len(y) / c)
			})
			if err != nil {
				return fmt.Errorf("layer %s: %w", l.Name, err)
			}
			bn.fold(m, l, sum, sq, cnt)
		}
		if i < last && CanStartAt(m.Layers, i+1) {
			var next []float32
			err := forward(m, from, i+1, cur, n, batch, func(y []float32) { next = append(next, y...) })
			if err != nil {
				return fmt.Errorf("layer %s: %w", l.Name, err)
			}
			cur, from = next, i+1
		}
	}
	return nil
}

// fold rescales layer l's weights and bias so its output is normalised by the measured
// per-channel sums (sum, sq over cnt values), then keeps the new folded scale, so a
// second re-estimation on the same images changes nothing.
func (bn *BatchNorm) fold(m *Model, l Layer, sum, sq []float64, cnt float64) {
	w, b := m.Param(l.Name+".weight"), m.Param(l.Name+".bias")
	per := len(w.Data) / l.Out
	for o := range l.Out {
		mu := sum[o] / cnt
		v := math.Max(sq[o]/cnt-mu*mu, 0)
		s := float64(bn.Scale[o])
		k := float64(bn.Gamma[o]) / math.Sqrt(v+s*s*float64(bn.Eps))
		for j := range per {
			w.Data[o*per+j] = float32(float64(w.Data[o*per+j]) * k)
		}
		b.Data[o] = float32(k*(float64(b.Data[o])-mu) + float64(bn.Beta[o]))
		bn.Scale[o] = float32(s * k)
	}
}

// forward runs layers [from, to) of m over the n inputs x, batch at a time, and hands
// fn each batch's outputs (the padding of a short batch left out).
func forward(m *Model, from, to int, x []float32, n, batch int, fn func(y []float32)) error {
	g, err := NewGraph(m, GraphOptions{Batch: batch, From: from, To: to})
	if err != nil {
		return err
	}
	defer g.Close()
	in := len(x) / n
	for lo := 0; lo < n; lo += batch {
		k := min(batch, n-lo)
		clear(g.Input())
		copy(g.Input(), x[lo*in:(lo+k)*in])
		if err := g.Run(); err != nil {
			return err
		}
		y := g.Output()
		fn(y[:len(y)/batch*k])
	}
	return nil
}

// copyBatchNorm gives m the batch norm of base's layer name (a transferred layer).
func (m *Model) copyBatchNorm(base *Model, name string) {
	bn := base.BatchNorm[name]
	if bn == nil {
		return
	}
	if m.BatchNorm == nil {
		m.BatchNorm = map[string]*BatchNorm{}
	}
	m.BatchNorm[name] = &BatchNorm{Gamma: append([]float32(nil), bn.Gamma...), Beta: append([]float32(nil), bn.Beta...),
		Scale: append([]float32(nil), bn.Scale...), Eps: bn.Eps}
}
