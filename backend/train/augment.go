package train

import "math/rand/v2"

// augment shifts one CHW image by up to shift pixels each way (zero fill) and flips it
// horizontally half the time if flip is set, drawing from rng so runs replay exactly.
func augment(img, tmp []float32, c, h, w, shift int, flip bool, rng *rand.Rand) {
	dy, dx := 0, 0
	if shift > 0 {
		dy, dx = rng.IntN(2*shift+1)-shift, rng.IntN(2*shift+1)-shift
	}
	doFlip := flip && rng.IntN(2) == 1
	if dy == 0 && dx == 0 && !doFlip {
		return
	}
	copy(tmp, img)
	for ch := 0; ch < c; ch++ {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				sy, sx := y-dy, x-dx
				if doFlip {
					sx = w - 1 - sx
				}
				var v float32
				if sy >= 0 && sy < h && sx >= 0 && sx < w {
					v = tmp[(ch*h+sy)*w+sx]
				}
				img[(ch*h+y)*w+x] = v
			}
		}
	}
}

// toNHWC copies n CHW images into the graph's NHWC input.
func toNHWC(src, dst []float32, n, c, h, w int) {
	if c == 1 {
		copy(dst, src[:n*h*w])
		return
	}
	hw := h * w
	for b := 0; b < n; b++ {
		s, d := src[b*c*hw:], dst[b*c*hw:]
		for ch := 0; ch < c; ch++ {
			for p := 0; p < hw; p++ {
				d[p*c+ch] = s[ch*hw+p]
			}
		}
	}
}
