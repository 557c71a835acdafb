package train

import (
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"transferlab/backend/data"
)

// LoadMNIST reads MNIST's training and test sets from the files data.MNISTFiles finds,
// pixels scaled to [0,1].
func LoadMNIST(files fs.FS) (trainSet, testSet *SliceDataset, err error) {
	load := func(img, lbl string) (*SliceDataset, error) {
		// The pixels go straight from the decompressor into float32s, a chunk at a
		// time: no byte copy of the whole set is ever held (47 MB for the training set).
		var xs []float32
		dims, err := readIDX(files, img, func(n int) func(int, []byte) {
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
		if _, err := readIDX(files, lbl, func(n int) func(int, []byte) {
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
	names := data.MNISTFileNames
	if trainSet, err = load(names[0], names[1]); err != nil {
		return nil, nil, err
	}
	if testSet, err = load(names[2], names[3]); err != nil {
		return nil, nil, err
	}
	return trainSet, testSet, nil
}

// readIDX reads an IDX file of unsigned bytes with data.ReadIDX and returns its
// dimensions. It tells sink the number of values, then hands the values over in
// chunks, each with its offset, through the function sink returned.
func readIDX(files fs.FS, name string, sink func(n int) func(at int, chunk []byte)) ([]int, error) {
	f, err := files.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, typ, dims, err := data.ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if typ != 0x08 {
		return nil, fmt.Errorf("%s: not an IDX file of unsigned bytes (type %#x)", name, typ)
	}
	n := 1
	for _, d := range dims {
		n *= d
	}
	put := sink(n)
	buf := make([]byte, 64<<10)
	for at := 0; at < n; {
		m, err := io.ReadFull(r, buf[:min(len(buf), n-at)])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
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
