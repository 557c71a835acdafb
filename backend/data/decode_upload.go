package data

import (
	"bytes"
	"image"
	"io"
)

// DecodeForModel decodes one user image (PNG, JPEG, GIF, BMP or WebP, told by its
// content) into the CHW float32 input of a model: converted to channels, stretched to
// height×width with the importer's filter, pixels in [0,1], so a prediction sees the
// image as training saw its dataset. maxPixels bounds width×height (0: the import
// default) and is checked on the header, before any pixel buffer exists. Refusals are
// *ImportError.
func DecodeForModel(r io.Reader, channels, height, width int, maxPixels int64) ([]float32, error) {
	if channels != 1 && channels != 3 {
		return nil, importErr(CodeBadOptions, "the model takes %d channels; only 1 (grey) and 3 (RGB) are supported", channels)
	}
	if height <= 0 || width <= 0 {
		return nil, importErr(CodeBadOptions, "the model input size %dx%d is not valid", height, width)
	}
	if maxPixels <= 0 {
		maxPixels = DefaultLimits().MaxPixels
	}
	// No supported format stores a pixel in more than 8 bytes (16-bit RGBA PNG); a file
	// larger than that bound cannot be an image under the pixel limit.
	maxBytes := 8*maxPixels + 1<<20
	b, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > maxBytes {
		return nil, importErr(CodeImageTooLarge, "the image file is over %d bytes; downscale it and try again", maxBytes)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, importErr(CodeUnsupportedFormat, "the file is not an image in a supported format; send a PNG, JPEG, GIF, BMP or WebP image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, importErr(CodeUnsupportedFormat, "the image has no pixels; send a PNG, JPEG, GIF, BMP or WebP image")
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, importErr(CodeImageTooLarge, "the image is %dx%d pixels, over the limit of %d; downscale it and try again",
			cfg.Width, cfg.Height, maxPixels)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, importErr(CodeUnsupportedFormat, "the image is damaged and cannot be decoded (%v); send it again or export it anew", err)
	}
	px := toTensor(img, target{c: channels, h: height, w: width})
	out := make([]float32, len(px))
	for i, v := range px {
		out[i] = scale[v]
	}
	return out, nil
}
