package data

// DatasetStatus is where a dataset stands. An import runs inside its upload request and
// a dataset row is written only once its files are built, so every listed dataset is
// ready; the type keeps the word one value everywhere (store, API, web app).
type DatasetStatus string

// DatasetReady is a dataset whose images can be trained on.
const DatasetReady DatasetStatus = "ready"

// DatasetStatuses are every status, for the generated TypeScript union.
var DatasetStatuses = []DatasetStatus{DatasetReady}
