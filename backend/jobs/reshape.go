package jobs

import (
	"fmt"

	"transferlab/backend/nn"
	"transferlab/backend/train"
)

// reshaped shows a dataset at a model's input: grey images are repeated over three
// channels for an RGB model, colour is averaged for a grey one, and a different size is
// resampled bilinearly. Nothing is silently cropped or padded.
type reshaped struct {
	src        train.Dataset
	in         nn.Input
	sc, sh, sw int
	buf        []float32
}

// reshape returns ds itself when it already has the model's input shape.
func reshape(ds train.Dataset, in nn.Input) train.Dataset {
	if ds == nil {
		return nil
	}
	c, h, w := ds.Shape()
	if c == in.Channels && h == in.Height && w == in.Width {
		return ds
	}
	return &reshaped{src: ds, in: in, sc: c, sh: h, sw: w}
}

// DataKey names the source's images at the model's input, when the source names them.
func (r *reshaped) DataKey() string {
	if k, ok := r.src.(train.Keyed); ok && k.DataKey() != "" {
		return fmt.Sprintf("%s@%dx%dx%d", k.DataKey(), r.in.Channels, r.in.Height, r.in.Width)
	}
	return ""
}

func (r *reshaped) Len() int             { return r.src.Len() }
func (r *reshaped) Shape() (c, h, w int) { return r.in.Channels, r.in.Height, r.in.Width }
func (r *reshaped) NumClasses() int      { return r.src.NumClasses() }
func (r *reshaped) Fill(idx []int, x []float32, y []int) {
	srcSize := r.sc * r.sh * r.sw
	if need := len(idx) * srcSize; cap(r.buf) < need {
		r.buf = make([]float32, need)
	}
	buf := r.buf[:len(idx)*srcSize]
	r.src.Fill(idx, buf, y)
	dstSize := r.in.Size()
	for k := range idx {
		convertImage(buf[k*srcSize:(k+1)*srcSize], r.sc, r.sh, r.sw, x[k*dstSize:(k+1)*dstSize], r.in)
	}
}

// convertImage maps one CHW image to the model's channels and size.
func convertImage(src []float32, sc, sh, sw int, dst []float32, in nn.Input) {
	plane := in.Height * in.Width
	for oc := 0; oc < in.Channels; oc++ {
		out := dst[oc*plane : (oc+1)*plane]
		switch {
		case sc == in.Channels:
			resize(src[oc*sh*sw:(oc+1)*sh*sw], sh, sw, out, in.Height, in.Width)
		case sc == 1:
			resize(src[:sh*sw], sh, sw, out, in.Height, in.Width)
		default: // colour to grey (or another channel count): the mean of the source planes
			for i := range out {
				out[i] = 0
			}
			tmp := make([]float32, plane)
			for ic := 0; ic < sc; ic++ {
				resize(src[ic*sh*sw:(ic+1)*sh*sw], sh, sw, tmp, in.Height, in.Width)
				for i, v := range tmp {
					out[i] += v / float32(sc)
				}
			}
		}
	}
}

// resize samples a plane bilinearly at pixel centres.
func resize(src []float32, sh, sw int, dst []float32, dh, dw int) {
	if sh == dh && sw == dw {
		copy(dst, src)
		return
	}
	for y := 0; y < dh; y++ {
		fy := max((float32(y)+0.5)*float32(sh)/float32(dh)-0.5, 0)
		y0 := min(int(fy), sh-1)
		y1 := min(y0+1, sh-1)
		wy := fy - float32(y0)
		for x := 0; x < dw; x++ {
			fx := max((float32(x)+0.5)*float32(sw)/float32(dw)-0.5, 0)
			x0 := min(int(fx), sw-1)
			x1 := min(x0+1, sw-1)
			wx := fx - float32(x0)
			top := src[y0*sw+x0]*(1-wx) + src[y0*sw+x1]*wx
			bot := src[y1*sw+x0]*(1-wx) + src[y1*sw+x1]*wx
			dst[y*dw+x] = top*(1-wy) + bot*wy
		}
	}
}
