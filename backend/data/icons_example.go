package data

import (
	"archive/zip"
	"crypto/sha256"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/image/draw"
)

// IconClasses are the categories of an icon theme that the colour example uses as
// classes: folders the theme itself sorts its icons into.
var IconClasses = []string{"apps", "devices", "mimetypes", "places"}

// WriteIconsZip writes the colour example upload from an installed icon theme (for
// example Debian's oxygen-icon-theme, /usr/share/icons/oxygen/base/128x128): a zip of
// class folders icons/<category>/, up to perClass icons each, picked evenly over the
// category's sorted file names, drawn over white at size x size pixels as JPEG.
// A theme lists one drawing under several names (symbolic links, copies), sometimes in
// two categories: links are skipped and a drawing already taken is not taken again,
// so no image is in two classes or two splits.
func WriteIconsZip(w io.Writer, themeDir string, classes []string, perClass, size int) error {
	zw := zip.NewWriter(w)
	mod := time.Date(2021, 3, 8, 0, 0, 0, 0, time.UTC) // a reproducible zip
	seen := map[[32]byte]bool{}
	for _, class := range classes {
		all, err := classPictures(filepath.Join(themeDir, class))
		if err != nil {
			return err
		}
		var names []string
		var imgs []*image.RGBA
		for _, p := range all {
			if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() {
				continue
			}
			img, err := readIcon(p, size)
			if err != nil {
				return err
			}
			if h := sha256.Sum256(img.Pix); !seen[h] {
				seen[h] = true
				names, imgs = append(names, p), append(imgs, img)
			}
		}
		if len(names) == 0 {
			return fmt.Errorf("no icons in %s: install the icon theme first", filepath.Join(themeDir, class))
		}
		n := min(perClass, len(names))
		for i := range n {
			path, img := names[i*len(names)/n], imgs[i*len(names)/n]
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

func readIcon(path string, size int) (*image.RGBA, error) {
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

// classPictures lists a class folder's PNG files, its sub-folders included (a stamp
// collection sorts birds and fish into folders under animals), in sorted order. A
// picture's mirrored copy (name_mirror.png) is left out: it is the same picture.
func classPictures(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".png") && !strings.HasSuffix(p, "_mirror.png") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}
