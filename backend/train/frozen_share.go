package train

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"

	"transferlab/backend/refcache"
)

// Keyed is a Dataset that names what it holds: two datasets with the same key hold the
// same images with the same labels in the same order, so what a run computes from one
// (the frozen layers' outputs) serves a run on the other. The arms and replicates of an
// experiment, and the cells of a sweep, often train on data with one key.
type Keyed interface {
	DataKey() string
}

// SharedFeatureBytes bounds the frozen outputs that runs of this process share at once
// (1 GiB); past it a run keeps its own, as it did before sharing.
const SharedFeatureBytes = 1 << 30

// sharedFeatures holds the frozen outputs runs compute, by what decides them: the
// frozen layers' architecture and weights, the cut, the batch they were computed in
// (a batch's shape may change how a kernel rounds) and the data. A run holds its sets
// from Prepare to Close; the last run to let go frees them.
var sharedFeatures = refcache.New[featureKey, *featureSet](SharedFeatureBytes)

type featureKey struct {
	frozen [sha256.Size]byte
	batch  int // the floats of the batch the frozen layers ran on
	data   string
}

// frozenDigest names the layers below the cut and their weights, so runs share
// features only when their frozen part is the same to the bit.
func (r *Run) frozenDigest() [sha256.Size]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%d|%v|", r.Model.Arch, r.cut, r.Model.Layers[:r.cut])
	below := map[string]bool{}
	for _, l := range r.Model.Layers[:r.cut] {
		below[l.Name] = true
	}
	var b [4]byte
	for _, p := range r.Model.Params {
		if !below[p.Layer] {
			continue
		}
		fmt.Fprintf(h, "%s%v", p.Name, p.Shape)
		for _, v := range p.Data {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			h.Write(b[:])
		}
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// features returns the frozen outputs of ds: shared with the other runs of the process
// when ds names its data, computed here otherwise.
func (r *Run) features(ctx context.Context, ds Dataset) (*featureSet, error) {
	k, ok := ds.(Keyed)
	key := ""
	if ok {
		key = k.DataKey()
	}
	if key == "" {
		return r.cacheFeatures(ctx, ds)
	}
	if r.digest == nil {
		d := r.frozenDigest()
		r.digest = &d
	}
	fk := featureKey{frozen: *r.digest, batch: len(r.featG.Input()), data: key}
	fs, release, err := sharedFeatures.Acquire(ctx, fk, func() (*featureSet, int64, error) {
		fs, err := r.cacheFeatures(ctx, ds)
		if err != nil {
			return nil, 0, err
		}
		return fs, int64(len(fs.x))*4 + int64(len(fs.y))*8, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	r.releases = append(r.releases, release)
	return fs, nil
}

// Prepare computes (or borrows from another run) the frozen layers' outputs the run
// trains on, if its strategy caches any. Train calls it; a caller may call it first,
// outside whatever paces the training steps, since it can take a while and other runs
// may be computing the same outputs.
func (r *Run) Prepare(ctx context.Context) error {
	if r.cut == 0 || r.feats != nil {
		return nil
	}
	feats, err := r.features(ctx, r.trainSet)
	if err != nil {
		return err
	}
	var valFeats *featureSet
	if r.valSet != nil {
		if valFeats, err = r.features(ctx, r.valSet); err != nil {
			return err
		}
	}
	r.feats, r.valFeats = feats, valFeats
	return nil
}

// dropFeatures lets go of the run's frozen outputs.
func (r *Run) dropFeatures() {
	for _, release := range r.releases {
		release()
	}
	r.releases = nil
	r.feats, r.valFeats = nil, nil
}

// SharedFeatureStats counts the frozen-output sets runs of this process built and
// borrowed, and how many are held now: for benchmarks and tests.
func SharedFeatureStats() (stats refcache.Stats, held int) {
	return sharedFeatures.Stats(), sharedFeatures.Len()
}
