package nn

// The graph keeps activations in NHWC order so that a convolution is one GEMM with no
// transposes; files keep PyTorch's layout (dense weights (out, in) with the inputs in
// CHW order). These two functions convert a dense weight between the two.

// hwcIndex maps a CHW flat index to the HWC flat index of the same element.
func hwcIndex(in Input, chw int) int {
	hw := in.Height * in.Width
	c, rest := chw/hw, chw%hw
	return rest*in.Channels + c
}

// denseToFile converts an internal (in, out) HWC-ordered weight to file layout.
func denseToFile(l Layer, internal []float32) []float32 {
	out := make([]float32, len(internal))
	for o := 0; o < l.Out; o++ {
		for i := 0; i < l.In; i++ {
			out[o*l.In+i] = internal[hwcIndex(l.InShape, i)*l.Out+o]
		}
	}
	return out
}

// denseFromFile converts a file-layout weight into the internal layout, in place of dst.
func denseFromFile(l Layer, file, dst []float32) {
	for o := 0; o < l.Out; o++ {
		for i := 0; i < l.In; i++ {
			dst[hwcIndex(l.InShape, i)*l.Out+o] = file[o*l.In+i]
		}
	}
}
