package data

import (
	"archive/zip"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/image/draw"
)

// IconClasses are the categories of an icon theme that the colour example uses as
// classes: folders the theme itself sorts its icons into.
var IconClasses = []string{"actions", "apps", "devices", "mimetypes", "places", "status"}

// WriteIconsZip writes the colour example upload from an installed icon theme (for
// example Debian's oxygen-icon-theme, /usr/share/icons/oxygen/base/128x128): a zip of
// class folders icons/<category>/, up to perClass icons each, picked evenly over the
// category's sorted file names, drawn over white at size x size pixels as JPEG.
func WriteIconsZip(w io.Writer, themeDir string, perClass, size int) error {
	zw := zip.NewWriter(w)
	mod := time.Date(2021, 3, 8, 0, 0, 0, 0, time.UTC) // a reproducible zip
	for _, class := range IconClasses {
		names, err := filepath.Glob(filepath.Join(themeDir, class, "*.png"))
		if err != nil {
			return err
		}
		sort.Strings(names)
		if len(names) == 0 {
			return fmt.Errorf("no icons in %s: install the icon theme first", filepath.Join(themeDir, class))
		}
		n := min(perClass, len(names))
		for i := range n {
			path := names[i*len(names)/n]
			img, err := readIcon(path, size)
			if err != nil {
				return err
			}
			name := fmt.Sprintf("icons/%s/%s.jpg", class, strings.TrimSuffix(filepath.Base(path), ".png"))
			f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: mod})
			if err != nil {
				return err
			}
			if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 90}); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

func readIcon(path string, size int) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	dst := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
	return dst, nil
}
