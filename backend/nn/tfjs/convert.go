package tfjs

import (
	"fmt"
	"math"
	"strings"

	"transferlab/backend/nn"
)

// FoldReport says what the conversion found in the batch-norm statistics.
type FoldReport struct {
	Layers        int // batch-norm layers folded
	ZeroVariances int // channels whose moving variance was stored as zero or less
	Channels      int // channels in all
}

// MobileNetV2 converts a Keras MobileNetV2 to the architecture arch (the cut
// nn.MobileNetV2B10), a backbone without a head at the given input. Each batch norm
// is folded into the convolution before it: W' = W * g, b' = beta - mean * g with
// g = gamma / sqrt(variance + epsilon). The topology is checked against the cut: the
// layers, their kernels, strides, activations and the stride-2 layers' padding.
func MobileNetV2(a *Artifacts, arch string, in nn.Input) (*nn.Model, FoldReport, error) {
	var rep FoldReport
	m, err := nn.New(arch, in, nil, 0)
	if err != nil {
		return nil, rep, err
	}
	for _, l := range m.Layers {
		kl, ok := a.Layers[l.Name]
		if !ok {
			return nil, rep, fmt.Errorf("layer %s is not in the model", l.Name)
		}
		if err := checkLayer(a, l, kl); err != nil {
			return nil, rep, err
		}
		kname := "/kernel"
		if l.Kind == nn.Depthwise {
			kname = "/depthwise_kernel"
		}
		k, ok := a.Weights[l.Name+kname]
		if !ok {
			return nil, rep, fmt.Errorf("weight %s%s is missing", l.Name, kname)
		}
		scale, shift, zeros, err := batchNorm(a, bnOf(l.Name), l.Out)
		if err != nil {
			return nil, rep, err
		}
		rep.Layers++
		rep.ZeroVariances += zeros
		rep.Channels += l.Out
		w, b := m.Param(l.Name+".weight"), m.Param(l.Name+".bias")
		if err := copyKernel(l, k, w.Data); err != nil {
			return nil, rep, err
		}
		per := len(w.Data) / l.Out // weights per output channel, rows of w
		for o := range l.Out {
			for i := range per {
				w.Data[o*per+i] *= scale[o]
			}
			b.Data[o] = shift[o]
		}
		// Kept with the weights, so the statistics can be re-estimated on a user's images.
		eps, _ := a.Layers[bnOf(l.Name)].Config["epsilon"].(float64)
		if m.BatchNorm == nil {
			m.BatchNorm = map[string]*nn.BatchNorm{}
		}
		m.BatchNorm[l.Name] = &nn.BatchNorm{Gamma: append([]float32(nil), a.Weights[bnOf(l.Name)+"/gamma"].Data...),
			Beta: append([]float32(nil), a.Weights[bnOf(l.Name)+"/beta"].Data...), Scale: scale, Eps: float32(eps)}
	}
	return m, rep, nil
}

// copyKernel copies a Keras kernel (HWIO; depthwise (kh, kw, C, 1)) into the layer's
// internal weight: (out, in, kh, kw) flattened for conv and pointwise, (C, 9) for
// depthwise.
func copyKernel(l nn.Layer, k Tensor, dst []float32) error {
	kk := l.Kernel
	want := []int{kk, kk, l.In, l.Out}
	if l.Kind == nn.Depthwise {
		want = []int{kk, kk, l.In, 1}
	}
	if fmt.Sprint(k.Shape) != fmt.Sprint(want) {
		return fmt.Errorf("layer %s: kernel shape %v, want %v", l.Name, k.Shape, want)
	}
	for ky := range kk {
		for kx := range kk {
			for ci := range l.In {
				if l.Kind == nn.Depthwise {
					dst[ci*kk*kk+ky*kk+kx] = k.Data[(ky*kk+kx)*l.In+ci]
					continue
				}
				for o := range l.Out {
					dst[((o*l.In+ci)*kk+ky)*kk+kx] = k.Data[((ky*kk+kx)*l.In+ci)*l.Out+o]
				}
			}
		}
	}
	return nil
}

// batchNorm returns the per-channel scale and shift a batch-norm layer applies in
// inference, and how many of its variances were stored as zero or below.
func batchNorm(a *Artifacts, name string, c int) (scale, shift []float32, zeros int, err error) {
	kl, ok := a.Layers[name]
	if !ok || kl.ClassName != "BatchNormalization" {
		return nil, nil, 0, fmt.Errorf("batch norm %s is not in the model", name)
	}
	eps, _ := kl.Config["epsilon"].(float64)
	if eps <= 0 {
		return nil, nil, 0, fmt.Errorf("batch norm %s has no epsilon", name)
	}
	get := func(p string) ([]float32, error) {
		t, ok := a.Weights[name+"/"+p]
		if !ok || len(t.Data) != c {
			return nil, fmt.Errorf("batch norm %s: %s missing or not %d values", name, p, c)
		}
		return t.Data, nil
	}
	gamma, err := get("gamma")
	if err != nil {
		return nil, nil, 0, err
	}
	beta, err := get("beta")
	if err != nil {
		return nil, nil, 0, err
	}
	mean, err := get("moving_mean")
	if err != nil {
		return nil, nil, 0, err
	}
	variance, err := get("moving_variance")
	if err != nil {
		return nil, nil, 0, err
	}
	scale, shift = make([]float32, c), make([]float32, c)
	for i := range c {
		if variance[i] <= 0 {
			zeros++
		}
		// Computed in float32 as TF.js's CPU backend does: (x - mean) * g + beta
		// with g = gamma / sqrt(variance + eps). Folding changes the rounding a
		// little, which the reference test's tolerance covers.
		g := gamma[i] / float32(math.Sqrt(float64(variance[i]+float32(eps))))
		scale[i] = g
		shift[i] = beta[i] - mean[i]*g
	}
	return scale, shift, zeros, nil
}

// checkLayer compares one of our layers with the Keras layer of the same name.
func checkLayer(a *Artifacts, l nn.Layer, kl KerasLayer) error {
	want := map[nn.LayerKind]string{nn.Conv: "Conv2D", nn.Pointwise: "Conv2D", nn.Depthwise: "DepthwiseConv2D"}[l.Kind]
	if kl.ClassName != want {
		return fmt.Errorf("layer %s is a %s, want %s", l.Name, kl.ClassName, want)
	}
	if ks := fmt.Sprint(kl.Config["kernel_size"]); ks != fmt.Sprintf("[%d %d]", l.Kernel, l.Kernel) {
		return fmt.Errorf("layer %s has kernel %s, want %dx%d", l.Name, ks, l.Kernel, l.Kernel)
	}
	s := max(1, l.Stride)
	if st := fmt.Sprint(kl.Config["strides"]); st != fmt.Sprintf("[%d %d]", s, s) {
		return fmt.Errorf("layer %s has strides %s, want %d", l.Name, st, s)
	}
	if b, _ := kl.Config["use_bias"].(bool); b {
		return fmt.Errorf("layer %s has a bias: batch norm folding here assumes none", l.Name)
	}
	if act, _ := kl.Config["activation"].(string); act != "linear" {
		return fmt.Errorf("layer %s has activation %q inside the conv, want linear", l.Name, act)
	}
	pad, _ := kl.Config["padding"].(string)
	switch {
	case s > 1:
		// Keras pads the input of a stride-2 layer with a ZeroPadding2D of its own.
		inbound := fmt.Sprint(kl.Inbound)
		var padLayer KerasLayer
		for name, pl := range a.Layers {
			if pl.ClassName == "ZeroPadding2D" && strings.Contains(inbound, "["+name+" ") {
				padLayer = pl
			}
		}
		if pad != "valid" || fmt.Sprint(padLayer.Config["padding"]) != "[[0 1] [0 1]]" {
			return fmt.Errorf("layer %s: want valid padding after a ZeroPadding2D of ((0,1),(0,1)), got %q after %v", l.Name, pad, padLayer.Config["padding"])
		}
	case l.Kernel > 1 && pad != "same":
		return fmt.Errorf("layer %s has padding %q, want same", l.Name, pad)
	}
	if l.ReLU6 {
		// The activation is a separate ReLU layer with max_value 6 reading the BN.
		found := false
		for _, rl := range a.Layers {
			if rl.ClassName == "ReLU" && fmt.Sprint(rl.Config["max_value"]) == "6" && strings.Contains(fmt.Sprint(rl.Inbound), "["+bnOf(l.Name)+" ") {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("layer %s: no ReLU with max_value 6 after its batch norm", l.Name)
		}
	}
	return nil
}

// bnOf names the batch norm that follows a conv layer in Keras' MobileNetV2.
func bnOf(name string) string {
	if name == "Conv1" {
		return "bn_Conv1"
	}
	return name + "_BN"
}
