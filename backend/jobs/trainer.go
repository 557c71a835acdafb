package jobs

import (
	"context"
	"errors"

	"transferlab/backend/store"
)

// DatasetOpener gives the training data of a dataset.
type DatasetOpener interface{}

func (r *Runner) trainArm(ctx context.Context, slot *expSlot, run *store.Run, rec *recorder) error {
	return errors.New("training engine not wired yet")
}
