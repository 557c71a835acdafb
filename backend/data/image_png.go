package data

import (
	"fmt"
	"image"
	"image/png"
	"io"
)

// WriteImagePNG writes image i of the split (its position in Split order, as training
// and evaluation number them) as a PNG at its cached size. Unlike Fill it checks i,
// since an image address comes from a user.
func (s *SplitView) WriteImagePNG(w io.Writer, i int) error {
	if i < 0 || i >= len(s.idx) {
		return fmt.Errorf("image %d out of range 0..%d", i, len(s.idx)-1)
	}
	_, h, wd := s.ds.cache.Shape()
	img := image.NewRGBA(image.Rect(0, 0, wd, h))
	s.ds.blit(img, s.idx[i], 0, 0, 1)
	return png.Encode(w, img)
}
