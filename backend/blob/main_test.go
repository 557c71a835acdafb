package blob_test

import (
	"os"
	"testing"

	"transferlab/backend/blob/s3test"
)

func TestMain(m *testing.M) {
	code := m.Run()
	s3test.Stop()
	os.Exit(code)
}
