package data

import "fmt"

// Limits bound what an upload may cost the server. Every default lives in
// DefaultLimits.
type Limits struct {
	MaxUploadBytes       int64   // size of the uploaded file on disk
	MaxEntries           int     // files and folders in an archive
	MaxUncompressedBytes int64   // bytes actually read out of an archive, all entries together
	MaxRatio             float64 // uncompressed/compressed, per large entry and for the whole archive
	MaxPixels            int64   // width*height of any one image
	MaxClasses           int     // classes of one dataset
	MaxCacheBytes        int64   // the decoded tensor cache: images x channels x height x width
}

// DefaultLimits are generous for image-classification datasets and small enough that
// a hostile upload cannot fill the disk or the memory of a small server.
func DefaultLimits() Limits {
	return Limits{
		MaxUploadBytes:       512 << 20,
		MaxEntries:           200_000,
		MaxUncompressedBytes: 2 << 30,
		MaxRatio:             100,
		MaxPixels:            40_000_000,
		MaxClasses:           1000,
		MaxCacheBytes:        1 << 30,
	}
}

// Options say how to import. The zero value of every field means its default.
type Options struct {
	// Name is how the upload is called in messages and in the dataset's metadata,
	// usually the file name the user picked; it defaults to the base of the path.
	Name   string
	Limits Limits
	// Channels forces 1 (grey) or 3 (RGB); 0 picks the majority of the images.
	Channels int
	// Height and Width of the cached images; 0 means 28x28 for grey, 32x32 for RGB.
	Height, Width int
	// Fractions of each class that go to train, val and test when the archive has no
	// train/val/test layout of its own; they are normalised to sum to 1.
	Train, Val, Test float64
	// Seed fixes the split, so two imports of the same file split the same way.
	Seed int64
	// Workers decoding images; the output order never depends on it.
	Workers int
	// Progress, if set, is called now and then from the importing goroutine.
	Progress func(Progress)
}

// Progress is what an import has done so far.
type Progress struct {
	BytesRead     int64 `json:"bytes_read"`
	TotalBytes    int64 `json:"total_bytes"`
	ImagesDecoded int   `json:"images_decoded"`
	ImagesTotal   int   `json:"images_total"`
}

// DefaultSeed is the split seed when the caller gives none.
const DefaultSeed = 20210308

// withDefaults fills every zero field and checks the rest.
func (o Options) withDefaults() (Options, error) {
	d := DefaultLimits()
	l := &o.Limits
	if l.MaxUploadBytes <= 0 {
		l.MaxUploadBytes = d.MaxUploadBytes
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxUncompressedBytes <= 0 {
		l.MaxUncompressedBytes = d.MaxUncompressedBytes
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = d.MaxPixels
	}
	if l.MaxClasses <= 0 {
		l.MaxClasses = d.MaxClasses
	}
	if l.MaxCacheBytes <= 0 {
		l.MaxCacheBytes = d.MaxCacheBytes
	}
	if o.Channels != 0 && o.Channels != 1 && o.Channels != 3 {
		return o, importErr(CodeBadOptions, "channels must be 1 (grey) or 3 (RGB), not %d", o.Channels)
	}
	if o.Height < 0 || o.Width < 0 || o.Height > 512 || o.Width > 512 {
		return o, importErr(CodeBadOptions, "image size %dx%d is out of range: use 1 to 512 pixels a side", o.Height, o.Width)
	}
	if (o.Height == 0) != (o.Width == 0) {
		return o, importErr(CodeBadOptions, "give both height and width, or neither")
	}
	if o.Train < 0 || o.Val < 0 || o.Test < 0 {
		return o, importErr(CodeBadOptions, "split fractions cannot be negative")
	}
	if sum := o.Train + o.Val + o.Test; sum == 0 {
		o.Train, o.Val, o.Test = 0.70, 0.15, 0.15
	} else {
		o.Train, o.Val, o.Test = o.Train/sum, o.Val/sum, o.Test/sum
	}
	if o.Train == 0 {
		return o, importErr(CodeBadOptions, "the train fraction must be above 0")
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	return o, nil
}

// size fills the default image size once the channel count is known.
func (o *Options) size(channels int) {
	if o.Height == 0 {
		if channels == 1 {
			o.Height, o.Width = 28, 28
		} else {
			o.Height, o.Width = 32, 32
		}
	}
}

func (o Options) String() string {
	return fmt.Sprintf("channels=%d size=%dx%d split=%.2f/%.2f/%.2f seed=%d", o.Channels, o.Height, o.Width, o.Train, o.Val, o.Test, o.Seed)
}
