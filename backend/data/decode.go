package data

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // registered decoders: the formats an upload may hold
	_ "image/jpeg"
	_ "image/png"

	"golang.org/x/image/draw"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"
)

// errSkip marks an image that is left out and listed in the report; any other error
// stops the import.
type skipError struct{ reason string }

func (e *skipError) Error() string { return e.reason }

func skip(format string, args ...any) error { return &skipError{fmt.Sprintf(format, args...)} }

func isSkip(err error) bool {
	var s *skipError
	return errors.As(err, &s)
}

// target is the tensor shape every image is converted to.
type target struct{ c, h, w int }

// decodeImage turns the bytes of one file into c×h×w planar uint8 pixels. The header is
// read first so a decompression bomb (a tiny PNG claiming 100k×100k pixels) is refused
// before any pixel buffer is allocated.
func decodeImage(name string, b []byte, maxPixels int64, t target) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, skip("not an image in a supported format (PNG, JPEG, GIF, BMP, WebP)")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, skip("image has no pixels")
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, importErr(CodeImageTooLarge, "%s is %dx%d pixels, over the limit of %d; downscale it (or remove it) and upload again",
			name, cfg.Width, cfg.Height, maxPixels)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, skip("damaged image: %v", err)
	}
	return toTensor(img, t), nil
}

// toTensor converts and resizes img. Images are stretched to the target size rather
// than cropped: class folders often hold objects that touch the border.
func toTensor(img image.Image, t target) []byte {
	out := make([]byte, t.c*t.h*t.w)
	sb := img.Bounds()
	// Fast path: already the right size and grey, as MNIST-like uploads are.
	if g, ok := img.(*image.Gray); ok && t.c == 1 && sb.Dx() == t.w && sb.Dy() == t.h {
		for y := 0; y < t.h; y++ {
			copy(out[y*t.w:(y+1)*t.w], g.Pix[(y)*g.Stride:y*g.Stride+t.w])
		}
		return out
	}
	dr := image.Rect(0, 0, t.w, t.h)
	op := draw.Src
	var dst draw.Image
	if t.c == 1 {
		dst = image.NewGray(dr)
	} else {
		dst = image.NewRGBA(dr)
	}
	// Transparent pixels show as white, as a viewer would show them, so a dark
	// drawing on a transparent background keeps its contrast.
	if o, ok := img.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		draw.Draw(dst, dr, image.White, image.Point{}, draw.Src)
		op = draw.Over
	}
	if sb.Dx() == t.w && sb.Dy() == t.h {
		draw.Draw(dst, dr, img, sb.Min, op)
	} else {
		draw.CatmullRom.Scale(dst, dr, img, sb, op, nil)
	}
	switch d := dst.(type) {
	case *image.Gray:
		copy(out, d.Pix)
	case *image.RGBA:
		plane := t.h * t.w
		for i := 0; i < plane; i++ {
			out[i] = d.Pix[4*i]
			out[plane+i] = d.Pix[4*i+1]
			out[2*plane+i] = d.Pix[4*i+2]
		}
	}
	return out
}

// isGreyModel reports whether a decoder's colour model carries no colour.
func isGreyModel(m color.Model) bool {
	switch m {
	case color.GrayModel, color.Gray16Model:
		return true
	}
	if p, ok := m.(color.Palette); ok {
		for _, c := range p {
			r, g, b, _ := c.RGBA()
			if r != g || g != b {
				return false
			}
		}
		return len(p) > 0
	}
	return false
}
