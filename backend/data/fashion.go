package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// FashionDir is where Debian's dataset-fashion-mnist package puts Fashion-MNIST's
// four IDX files (the same names as MNIST's); TRANSFERLAB_FASHION_DIR overrides it.
const FashionDir = "/usr/share/datasets/fashion-mnist"

// FashionClasses are Fashion-MNIST's ten classes by label.
var FashionClasses = []string{"T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// ErrNoFashion says Fashion-MNIST is not installed on this machine.
var ErrNoFashion = errors.New("Fashion-MNIST is not installed: run `apt-get install dataset-fashion-mnist` (Debian) or set TRANSFERLAB_FASHION_DIR to a folder holding its four IDX files")

// FashionFiles finds the Fashion-MNIST files and says where.
func FashionFiles() (fs.FS, string, error) {
	d := FashionDir
	if env := os.Getenv("TRANSFERLAB_FASHION_DIR"); env != "" {
		d = env
	}
	if err := hasMNIST(os.DirFS(d)); err != nil {
		if os.Getenv("TRANSFERLAB_FASHION_DIR") != "" {
			return nil, "", fmt.Errorf("TRANSFERLAB_FASHION_DIR=%s: %w", d, err)
		}
		return nil, "", ErrNoFashion
	}
	return os.DirFS(d), d, nil
}

// HasFashion says whether Fashion-MNIST can be built here.
func HasFashion() bool {
	_, _, err := FashionFiles()
	return err == nil
}

// BuildFashion writes the Fashion-MNIST dataset folder dir from the files in src:
// 60,000 training images, 10,000 test images, val served from test as for MNIST.
func BuildFashion(src fs.FS, dir string) (*Meta, error) {
	return buildIDXFolder(src, dir, "fashion", "Fashion-MNIST", FashionClasses)
}
