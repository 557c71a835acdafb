// Command transferlab is the whole product in one binary: the web server, training
// workers, and the tools that make the model zoo and measure speed.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

func commands() map[string]command {
	return map[string]command{
		"serve":       {"start the web app and its training workers", runServe},
		"pretrain":    {"train a zoo model on MNIST and write its weights and card", runPretrain},
		"bench":       {"measure training and inference samples/s of the zoo architectures", runBench},
		"bench-demo":  {"time the demo experiment end to end with 1 and 3 replicates", runBenchDemo},
		"import-tfjs": {"convert the ImageNet MobileNetV2 an npm package ships (TF.js format) into a zoo backbone", runImportTFJS},
		"worker":      {"train experiments queued on a shared PostgreSQL database", runWorker},
		"user":        {"add accounts, list them and set passwords, for a server run with --auth", runUser},
		"version":     {"print the version", func(_ []string, out, _ io.Writer) int { fmt.Fprintln(out, version); return 0 }},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, cmds)
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "transferlab: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	return cmd.run(args[1:], stdout, stderr)
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "Transfer Lab: watch fine-tuning and training from scratch race on your images.")
	fmt.Fprintln(w, "\nUsage: transferlab <command> [flags]   (transferlab <command> --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
}
