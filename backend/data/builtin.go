package data

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"transferlab/examples"
)

// IconsID is the built-in colour example, decoded at IconsSize: the size the zoo's
// ImageNet model trains at, so no experiment on it decodes the images again.
const (
	IconsID   = "icons"
	IconsSize = 160
)

// buildIcons imports the embedded example zip into dir.
func buildIcons(dir string) error {
	tmp, err := os.CreateTemp("", "icons-*.zip")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(examples.Icons); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	_, err = Import(context.Background(), tmp.Name(), dir, Options{Name: "icons.zip", Channels: 3, Height: IconsSize, Width: IconsSize})
	return err
}

// Builtin describes a dataset that needs no upload.
type Builtin struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// LettersPerClass and LettersSeed fix the built-in letters dataset.
const (
	LettersPerClass = 600
	LettersSeed     = 7
)

// Builtins lists the built-in datasets; OpenBuiltin opens them by ID.
func Builtins() []Builtin {
	out := []Builtin{
		{"mnist", "MNIST", "Handwritten digits 0-9, 60,000 training and 10,000 test images (val is the test set)."},
		{"mnist-0-4", "MNIST digits 0-4", "The source task of the standard transfer experiment."},
		{"mnist-5-9", "MNIST digits 5-9", "The target task of the standard transfer experiment, relabelled 0-4."},
		{"mnist-5-9-50", "MNIST digits 5-9, 50 per class", "Few-shot target: 50 training images per class (a seeded pick: each replicate draws its own), all test images of 5-9."},
		{"letters", "Letters A-J", "Letters rendered with every Go font face under random affine distortion, stroke width and noise; 28x28 grey."},
		{IconsID, "Colour icons, 4 categories", "241 distinct icons of Debian's Oxygen theme sorted by the theme's own categories (apps, devices, mimetypes, places); 160x160 RGB, for the ImageNet model."},
	}
	if HasFashion() {
		out = append(out, fashionBuiltins...)
	}
	return out
}

// fashionBuiltins are offered where Fashion-MNIST is installed: the whole set, its two
// halves as source and target (tops T-shirt to coat; sandal, shirt, shoes and bags), a
// few-shot target, and a few-shot set of all ten for transfer from digits.
var fashionBuiltins = []Builtin{
	{"fashion", "Fashion-MNIST", "Zalando's clothing photos in 10 classes, 28x28 grey: 60,000 training and 10,000 test images (val is the test set)."},
	{"fashion-0-4", "Fashion-MNIST T-shirt to coat", "Classes 0-4 (T-shirt, trouser, pullover, dress, coat): a clothing source task."},
	{"fashion-5-9", "Fashion-MNIST sandal to ankle boot", "Classes 5-9 (sandal, shirt, sneaker, bag, ankle boot), relabelled 0-4."},
	{"fashion-5-9-50", "Fashion-MNIST sandal to ankle boot, 50 per class", "Few-shot target: 50 training images per class (seed 1), all test images of classes 5-9."},
	{"fashion-50", "Fashion-MNIST, 50 per class", "Few-shot target of all ten classes: 50 training images per class (seed 1), all 10,000 test images."},
}

// builtinBuild serialises first-time builds of the same built-in in one process; the
// folder rename makes concurrent processes safe too (the loser's rename fails and it
// opens the winner's folder).
var builtinBuild sync.Mutex

// FewShotSeed is the seed of the few-shot view's pick when no replicate names one.
const FewShotSeed = 1

// SampledBuiltin says whether built-in id trains on a per-class sample, which each
// replicate of an experiment draws anew.
func SampledBuiltin(id string) bool { return id == "mnist-5-9-50" }

// OpenBuiltin opens built-in id, building its cache under root/<base> the first time.
func OpenBuiltin(root, id string) (*Dataset, error) {
	return OpenBuiltinSample(root, id, FewShotSeed)
}

// OpenBuiltinSample is OpenBuiltin with the seed of a few-shot view's per-class pick:
// each replicate of an experiment draws its own sample (validation and test stay
// whole). Views that are not samples ignore it.
func OpenBuiltinSample(root, id string, sample int64) (*Dataset, error) {
	base := "mnist"
	switch {
	case id == "letters" || id == IconsID:
		base = id
	case id == "fashion" || strings.HasPrefix(id, "fashion-"):
		base = "fashion"
	}
	dir := filepath.Join(root, base)
	if err := ensureBuiltin(dir, base); err != nil {
		return nil, err
	}
	ds, err := Open(dir)
	if err != nil {
		return nil, err
	}
	v := ds
	switch id {
	case "mnist", "letters", "fashion", IconsID:
	case "mnist-0-4":
		v, err = ds.Subset("0", "1", "2", "3", "4")
	case "mnist-5-9":
		v, err = ds.Subset("5", "6", "7", "8", "9")
	case "mnist-5-9-50":
		v, err = ds.Subset("5", "6", "7", "8", "9")
		if err == nil {
			v = v.FewShot(50, sample)
		}
	case "fashion-0-4":
		v, err = ds.Subset(FashionClasses[:5]...)
	case "fashion-5-9":
		v, err = ds.Subset(FashionClasses[5:]...)
	case "fashion-5-9-50":
		v, err = ds.Subset(FashionClasses[5:]...)
		if err == nil {
			v = v.FewShot(50, 1)
		}
	case "fashion-50":
		v = ds.FewShot(50, 1)
	default:
		err = fmt.Errorf("no built-in dataset %q", id)
	}
	if err != nil {
		ds.Close()
		return nil, err
	}
	return v, nil
}

func ensureBuiltin(dir, base string) error {
	builtinBuild.Lock()
	defer builtinBuild.Unlock()
	if _, err := os.Stat(filepath.Join(dir, MetaFile)); err == nil {
		return nil
	}
	var err error
	switch base {
	case "letters":
		_, err = BuildLetters(dir, LettersPerClass, LettersSeed)
	case IconsID:
		err = buildIcons(dir)
	case "fashion":
		var src fs.FS
		if src, _, err = FashionFiles(); err == nil {
			_, err = BuildFashion(src, dir)
		}
	default:
		var src fs.FS
		if src, _, err = MNISTFiles(); err == nil {
			_, err = BuildMNIST(src, dir)
		}
	}
	if err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, MetaFile)); statErr == nil {
			return nil // another process built it first
		}
	}
	return err
}
