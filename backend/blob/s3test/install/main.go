// Command install builds the S3 server the tests run into its cache folder, so the
// first test run does not spend its time limit building it (`make s3server`).
package main

import (
	"fmt"
	"os"

	"transferlab/backend/blob/s3test"
)

func main() {
	bin, err := s3test.Install()
	if err != nil {
		fmt.Fprintln(os.Stderr, "s3server:", err)
		os.Exit(1)
	}
	fmt.Println(bin)
}
