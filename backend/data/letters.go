package data

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/gomediumitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/gomonobolditalic"
	"golang.org/x/image/font/gofont/gomonoitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/gofont/gosmallcaps"
	"golang.org/x/image/font/gofont/gosmallcapsitalic"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"
)

// LetterClasses are the classes of the generated letters dataset.
var LetterClasses = []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J"}

// goFonts is every face of the Go font family, so letters vary in weight and style.
var goFonts = [][]byte{goregular.TTF, gobold.TTF, goitalic.TTF, gobolditalic.TTF, gomedium.TTF, gomediumitalic.TTF,
	gomono.TTF, gomonobold.TTF, gomonoitalic.TTF, gomonobolditalic.TTF, gosmallcaps.TTF, gosmallcapsitalic.TTF}

// The glyph is drawn large on a canvas and mapped down to 28×28 by one affine
// transform, which gives smooth edges for every rotation, shear and scale.
const (
	letterCanvas = 64
	letterSize   = 28
)

func letterFaces() ([]font.Face, error) {
	faces := make([]font.Face, 0, len(goFonts))
	for _, ttf := range goFonts {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return nil, err
		}
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 40, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return nil, err
		}
		faces = append(faces, face)
	}
	return faces, nil
}

// renderLetter draws one distorted letter, white on black like MNIST digits.
func renderLetter(face font.Face, letter string, rng *rand.Rand) []byte {
	canvas := image.NewGray(image.Rect(0, 0, letterCanvas, letterCanvas))
	bounds, _ := font.BoundString(face, letter)
	gw := (bounds.Max.X - bounds.Min.X).Round()
	gh := (bounds.Max.Y - bounds.Min.Y).Round()
	dot := fixed.P((letterCanvas-gw)/2-bounds.Min.X.Round(), (letterCanvas-gh)/2-bounds.Min.Y.Round())
	d := font.Drawer{Dst: canvas, Src: image.White, Face: face, Dot: dot}
	d.DrawString(letter)
	// Stroke width: thicken with a max filter, or thin with a min filter.
	// Thin faces lose too much ink to the downscale, so thickening is the common case.
	switch rng.IntN(6) {
	case 0, 1:
		canvas = morph(canvas, false)
	case 5:
		canvas = morph(canvas, true)
	}
	// Affine map from the 28×28 output back onto the canvas: scale, rotate, shear and
	// shift around the centres.
	angle := (rng.Float64()*2 - 1) * 15 * math.Pi / 180
	shear := (rng.Float64()*2 - 1) * 0.25
	s := float64(letterCanvas) / float64(letterSize) * (0.6 + rng.Float64()*0.25) // glyphs about 15-20 px tall, like MNIST digits
	tx, ty := (rng.Float64()*2-1)*2.5, (rng.Float64()*2-1)*2.5
	cos, sin := math.Cos(angle), math.Sin(angle)
	// dst -> src: src = C_src + s·R·Sh·(dst - C_dst - t)
	a, b := s*cos, s*(cos*shear-sin)
	c, e := s*sin, s*(sin*shear+cos)
	cx, cy := float64(letterSize)/2+tx, float64(letterSize)/2+ty
	inv := f64.Aff3{a, b, letterCanvas/2 - a*cx - b*cy, c, e, letterCanvas/2 - c*cx - e*cy}
	// draw.Transform takes the src->dst matrix; invert ours.
	m := invertAff(inv)
	out := image.NewGray(image.Rect(0, 0, letterSize, letterSize))
	draw.BiLinear.Transform(out, m, canvas, canvas.Bounds(), draw.Src, nil)
	sigma := rng.Float64() * 18
	for i, v := range out.Pix {
		n := float64(v) + rng.NormFloat64()*sigma
		out.Pix[i] = uint8(math.Max(0, math.Min(255, math.Round(n))))
	}
	return out.Pix
}

func invertAff(m f64.Aff3) f64.Aff3 {
	det := m[0]*m[4] - m[1]*m[3]
	a, b, c, d := m[4]/det, -m[1]/det, -m[3]/det, m[0]/det
	return f64.Aff3{a, b, -(a*m[2] + b*m[5]), c, d, -(c*m[2] + d*m[5])}
}

// morph applies a 3×3 max (dilate) or min (erode) filter.
func morph(src *image.Gray, erode bool) *image.Gray {
	r := src.Bounds()
	out := image.NewGray(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			v := src.GrayAt(x, y).Y
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					p := image.Pt(x+dx, y+dy)
					if !p.In(r) {
						continue
					}
					n := src.GrayAt(p.X, p.Y).Y
					if (erode && n < v) || (!erode && n > v) {
						v = n
					}
				}
			}
			out.SetGray(x, y, color.Gray{Y: v})
		}
	}
	return out
}

// BuildLetters writes the generated letters dataset to dir: perClass images of each of
// A-J as 28×28 grey, split 70/15/15. The same seed always gives the same bytes.
func BuildLetters(dir string, perClass int, seed int64) (*Meta, error) {
	if perClass < 2 {
		return nil, importErr(CodeBadOptions, "letters need at least 2 images per class, not %d", perClass)
	}
	return buildFolder(dir, func(tmp string) (*Meta, error) {
		faces, err := letterFaces()
		if err != nil {
			return nil, err
		}
		o, _ := Options{Name: "letters", Seed: seed}.withDefaults()
		b, err := newBuilder(tmp, "letters", o, 1, LetterClasses)
		if err != nil {
			return nil, err
		}
		b.report.Layout = "generated"
		rng := rand.New(rand.NewPCG(uint64(seed), 0x1e77e5))
		for i := 0; i < perClass; i++ {
			for l, letter := range LetterClasses {
				pix := renderLetter(faces[rng.IntN(len(faces))], letter, rng)
				if err := b.add(pix, l, "", SplitTrain, nil); err != nil {
					b.abort()
					return nil, err
				}
			}
		}
		m, err := b.finish("generated")
		if err != nil {
			b.abort()
			return nil, err
		}
		m.Name = "Letters A-J"
		return m, nil
	})
}
