package server

import (
	"encoding/json"
	"time"

	"transferlab/backend/data"
	"transferlab/backend/store"
)

// DatasetView is a dataset as the API shows it (GET /api/datasets/:id, an upload's
// answer, a rename's). Its JSON columns are decoded into the import's own types, so
// the shape the web app is generated from is the one sent.
type DatasetView struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Status      data.DatasetStatus `json:"status"`
	Source      string             `json:"source"`
	Format      string             `json:"format"`
	NumClasses  int                `json:"num_classes"`
	NumImages   int                `json:"num_images"`
	Classes     []data.ClassInfo   `json:"classes"`
	Splits      data.SplitCounts   `json:"splits"`
	Channels    int                `json:"channels"`
	Height      int                `json:"height"`
	Width       int                `json:"width"`
	Stats       *data.Stats        `json:"stats"`
	Report      *data.Report       `json:"report"`
	Description string             `json:"description,omitempty"`
	Error       string             `json:"error,omitempty"`
	CreatedAt   time.Time          `json:"created_at"`
	Owned
}

// DatasetList is GET /api/datasets.
type DatasetList struct {
	Datasets []DatasetView `json:"datasets"`
}

// DatasetViewOf shows a row. A built-in not opened yet has no classes, counts or
// report: they read as none, not as an error.
func DatasetViewOf(d *store.Dataset) DatasetView {
	v := DatasetView{ID: d.ID, Name: d.Name, Status: d.Status, Source: d.Source, Format: d.Format,
		NumClasses: d.NumClasses, NumImages: d.NumImages, Classes: []data.ClassInfo{},
		Channels: d.Channels, Height: d.Height, Width: d.Width, Error: d.Error, CreatedAt: d.CreatedAt,
		Owned: Owned{OwnerID: d.OwnerID, Shared: d.Shared}}
	decodeColumn(d.Classes, &v.Classes)
	decodeColumn(d.Splits, &v.Splits)
	decodeColumn(d.Stats, &v.Stats)
	decodeColumn(d.Report, &v.Report)
	if v.Classes == nil {
		v.Classes = []data.ClassInfo{}
	}
	if d.Source == store.SourceBuiltin {
		if i := builtinRank(d.ID); i >= 0 {
			v.Description = data.Builtins()[i].Description
		}
	}
	return v
}

// decodeColumn reads a JSON column the import wrote; an empty one leaves v as it is.
func decodeColumn(s string, v any) {
	if s != "" {
		_ = json.Unmarshal([]byte(s), v)
	}
}
