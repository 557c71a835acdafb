package nn

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// maxPool2 adds a 2x2, stride-2 max pool over NHWC activations (odd edges dropped, as
// PyTorch does). The forward pass remembers where each maximum came from, so the
// backward pass is a scatter.
func maxPool2(x *G.Node, name string, need bool) (*G.Node, error) {
	s := x.Shape()
	b, h, w, c := s[0], s[1], s[2], s[3]
	ho, wo := h/2, w/2
	argmax := make([]int32, b*ho*wo*c)
	k := newKernel(name+".pool", []int{4}, tensor.Shape{b, ho, wo, c})
	k.run = func(out []float32, in [][]float32) float32 {
		src := in[0]
		parallel(b, func(b0, b1 int) {
			for i := b0 * ho * wo * c; i < b1*ho*wo*c; i++ {
				ch := i % c
				p := i / c
				ox, oy, bb := p%wo, (p/wo)%ho, p/(wo*ho)
				base := ((bb*h+2*oy)*w+2*ox)*c + ch
				best, at := src[base], base
				for _, off := range [3]int{c, w * c, (w + 1) * c} {
					if v := src[base+off]; v > best {
						best, at = v, base+off
					}
				}
				out[i], argmax[i] = best, int32(at)
			}
		})
		return 0
	}
	if need {
		k.diffWRT = []bool{true}
		k.diff = func(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
			d := newKernel(name+".dpool", []int{4, 4}, s.Clone())
			d.run = func(out []float32, in [][]float32) float32 {
				clear(out)
				for i, v := range in[1] {
					out[argmax[i]] += v
				}
				return 0
			}
			n, err := d.apply(output, grad)
			return G.Nodes{n}, err
		}
	}
	return k.apply(x)
}
