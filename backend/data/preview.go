package data

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
)

// Preview limits keep a request from asking for a poster-sized PNG.
const (
	maxPreviewPerClass = 32
	previewScale       = 2
	previewGap         = 2
	// maxPreviewPixels bounds the canvas (4 bytes a pixel: 16 MiB), whatever the image
	// size and class count: rows that do not fit are left out, and large images are
	// not scaled up.
	maxPreviewPixels = 4 << 20
	// maxScaledSide is the largest image side still drawn at previewScale.
	maxScaledSide = 64
)

// WritePreview writes a PNG grid: one row per class (or only the named class) with up
// to n of its images, small ones scaled up 2× with nearest neighbour so pixels stay
// crisp. It returns how many class rows it drew: the first ones that fit the canvas.
func (d *Dataset) WritePreview(w io.Writer, class string, n int) (int, error) {
	n = min(max(n, 1), maxPreviewPerClass)
	_, h, wd := d.cache.Shape()
	scale := previewScale
	if max(h, wd) > maxScaledSide {
		scale = 1
	}
	cw, ch := wd*scale+previewGap, h*scale+previewGap
	n = max(1, min(n, (maxPreviewPixels/(ch+previewGap)-previewGap)/cw))
	maxRows := max(1, (maxPreviewPixels/(n*cw+previewGap)-previewGap)/ch)
	rows := [][]int{}
	for l, name := range d.classes {
		if class != "" && name != class {
			continue
		}
		if len(rows) == maxRows {
			break
		}
		var picks []int
		for s := range d.members {
			for _, i := range d.members[s] {
				if len(picks) < n && d.labels[d.cache.Labels[i]] == l {
					picks = append(picks, i)
				}
			}
		}
		rows = append(rows, picks)
	}
	if len(rows) == 0 {
		return 0, fmt.Errorf("no class %q", class)
	}
	img := image.NewRGBA(image.Rect(0, 0, n*cw+previewGap, len(rows)*ch+previewGap))
	for i := range img.Pix {
		img.Pix[i] = 0xff // white background between thumbnails
	}
	for r, picks := range rows {
		for k, i := range picks {
			d.blit(img, i, previewGap+k*cw, previewGap+r*ch, scale)
		}
	}
	return len(rows), png.Encode(w, img)
}

// WriteImagePNG writes image i of the view (in split order train, val, test) as a PNG
// at its cached size.
func (d *Dataset) WriteImagePNG(w io.Writer, i int) error {
	ci, ok := d.at(i)
	if !ok {
		return fmt.Errorf("image %d out of range 0..%d", i, d.Len()-1)
	}
	_, h, wd := d.cache.Shape()
	img := image.NewRGBA(image.Rect(0, 0, wd, h))
	d.blit(img, ci, 0, 0, 1)
	return png.Encode(w, img)
}

// ImageLabel is the class name of image i of the view, as WriteImagePNG numbers them.
func (d *Dataset) ImageLabel(i int) (string, bool) {
	ci, ok := d.at(i)
	if !ok {
		return "", false
	}
	return d.classes[d.labels[d.cache.Labels[ci]]], true
}

func (d *Dataset) at(i int) (int, bool) {
	if i < 0 {
		return 0, false
	}
	for _, idx := range d.members {
		if i < len(idx) {
			return idx[i], true
		}
		i -= len(idx)
	}
	return 0, false
}

func (d *Dataset) blit(dst *image.RGBA, ci, x0, y0, sc int) {
	c, h, w := d.cache.Shape()
	px := d.cache.Image(ci)
	plane := h * w
	for y := 0; y < h*sc; y++ {
		for x := 0; x < w*sc; x++ {
			p := (y/sc)*w + x/sc
			col := color.RGBA{px[p], px[p], px[p], 0xff}
			if c == 3 {
				col.G, col.B = px[plane+p], px[2*plane+p]
			}
			dst.SetRGBA(x0+x, y0+y, col)
		}
	}
}
