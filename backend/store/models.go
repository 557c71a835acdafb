package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ZooPrefix marks a model path that lives in the embedded zoo rather than on disk.
const ZooPrefix = "zoo:"

// Card is the part of a model card the database indexes; the whole card is kept too.
type Card struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Arch          string   `json:"architecture"`
	Classes       []string `json:"classes"`
	SourceDataset string   `json:"source_dataset"`
	TestAccuracy  *float64 `json:"test_accuracy"`
	Input         struct {
		Channels int `json:"channels"`
		Height   int `json:"height"`
		Width    int `json:"width"`
	} `json:"input"`
}

// SyncZoo records every card in fsys (NAME.json beside NAME.safetensors) as a zoo
// model, so the shipped models are listed and usable as bases on any data directory.
func (d *DB) SyncZoo(ctx context.Context, fsys fs.FS, prefix string) (int, error) {
	cards, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, name := range cards {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return n, err
		}
		var c Card
		if err := json.Unmarshal(raw, &c); err != nil {
			return n, fmt.Errorf("model card %s: %w", name, err)
		}
		weights := strings.TrimSuffix(name, ".json") + ".safetensors"
		if _, err := fs.Stat(fsys, weights); err != nil {
			return n, fmt.Errorf("model card %s has no %s beside it", name, weights)
		}
		if c.ID == "" {
			c.ID = strings.TrimSuffix(path.Base(name), ".json")
		}
		if c.Name == "" {
			c.Name = c.ID
		}
		classes, _ := json.Marshal(c.Classes)
		now := time.Now().UTC()
		m := Model{ID: c.ID, Name: c.Name, Arch: c.Arch, Channels: c.Input.Channels, Height: c.Input.Height,
			Width: c.Input.Width, Classes: string(classes), Source: "zoo", SourceDataset: c.SourceDataset,
			TestAccuracy: c.TestAccuracy, Card: string(raw), Path: prefix + weights, CreatedAt: now, UpdatedAt: now}
		err = d.g.WithContext(ctx).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns([]string{"name", "arch", "channels", "height", "width", "classes", "source_dataset", "test_accuracy", "card", "path", "updated_at"}),
		}).Create(&m).Error
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Models lists the zoo first, then models made by runs, newest first.
func (d *DB) Models(ctx context.Context) ([]Model, error) {
	var ms []Model
	err := d.scoped(ctx, KindModel).Order("source = 'zoo' DESC, created_at DESC, id").Find(&ms).Error
	return ms, err
}

// Model loads one model.
func (d *DB) Model(ctx context.Context, id string) (*Model, error) {
	var m Model
	err := d.scoped(ctx, KindModel).First(&m, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &m, err
}

// CreateModel records a model whose weights are already in place.
func (d *DB) CreateModel(ctx context.Context, m *Model) error {
	stampOwner(ctx, &m.OwnerID)
	return d.g.WithContext(ctx).Create(m).Error
}
