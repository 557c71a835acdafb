package tfjs

import (
	"fmt"
	"math"

	"transferlab/backend/nn"
)

// Reestimate replaces the batch-norm statistics folded into m (converted from a by
// MobileNetV2) with the mean and variance of each layer's output on the n images x
// (NHWC, [0,1]), layer by layer from the bottom, each layer seeing the layers below
// already re-estimated: what BN "recalibration" does when the stored statistics are
// off (here, 8-bit quantization rounded some variances to zero). With y = W'x + b'
// the folded output and mu, v its measured per-channel mean and variance, the layer
// becomes gamma (y - mu) / sqrt(v + s^2 eps) + beta, s the folded scale: exactly the
// batch norm of the unfolded convolution with mu and v as its statistics.
func Reestimate(a *Artifacts, m *nn.Model, x []float32, n int) error {
	for i, l := range m.Layers {
		if l.Name == nn.HeadName {
			break
		}
		kl := a.Layers[bnOf(l.Name)]
		eps, _ := kl.Config["epsilon"].(float64)
		scale, _, _, err := batchNorm(a, bnOf(l.Name), l.Out)
		if err != nil {
			return err
		}
		gamma, beta := a.Weights[bnOf(l.Name)+"/gamma"].Data, a.Weights[bnOf(l.Name)+"/beta"].Data
		// The layer's output before its activation, residual add and pooling.
		probe := *m
		probe.Layers = append([]nn.Layer(nil), m.Layers[:i+1]...)
		probe.Layers[i].ReLU6, probe.Layers[i].AvgPool, probe.Layers[i].Residual = false, false, ""
		g, err := nn.NewGraph(&probe, nn.GraphOptions{Batch: n, To: i + 1})
		if err != nil {
			return err
		}
		copy(g.Input(), x)
		err = g.Run()
		y := g.Output()
		if err != nil {
			g.Close()
			return fmt.Errorf("layer %s: %w", l.Name, err)
		}
		c := l.Out
		sum, sq := make([]float64, c), make([]float64, c)
		for j, v := range y {
			sum[j%c] += float64(v)
			sq[j%c] += float64(v) * float64(v)
		}
		g.Close()
		cnt := float64(len(y) / c)
		w, b := m.Param(l.Name+".weight"), m.Param(l.Name+".bias")
		per := len(w.Data) / c
		for o := range c {
			mu := sum[o] / cnt
			v := math.Max(sq[o]/cnt-mu*mu, 0)
			s := float64(scale[o])
			k := float64(gamma[o]) / math.Sqrt(v+s*s*eps)
			for j := range per {
				w.Data[o*per+j] = float32(float64(w.Data[o*per+j]) * k)
			}
			b.Data[o] = float32(k*(float64(b.Data[o])-mu) + float64(beta[o]))
		}
	}
	return nil
}
