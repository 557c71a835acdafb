package main

import (
	"bytes"
	"flag"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"transferlab/backend/config"
)

// composeFile is the part of deploy/compose.yaml the test reads.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Deploy      struct {
			Replicas int `yaml:"replicas"`
		} `yaml:"deploy"`
	} `yaml:"services"`
}

// flagLine and envName read a subcommand's --help: its flags as flag.PrintDefaults
// writes them ("  -name type"), and the TRANSFERLAB_* variable named beside each.
var (
	flagLine = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)( \S+)?`)
	envName  = regexp.MustCompile(`\((TRANSFERLAB_[A-Z0-9_]+)\)`)
)

// The compose file starts the binary's real subcommands with flags and variables each
// subcommand has, a web process that trains nothing and two workers on one PostgreSQL
// database, so the deployment stays in step with the binary it runs.
func TestComposeFileUsesTheBinarysFlags(t *testing.T) {
	raw, err := os.ReadFile("../../../deploy/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var compose composeFile
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("deploy/compose.yaml: %v", err)
	}
	processes := map[string]int{}
	for name, svc := range compose.Services {
		if !strings.HasPrefix(svc.Image, "transferlab") {
			continue
		}
		if len(svc.Command) == 0 {
			t.Fatalf("service %s runs the image's default command; name the subcommand", name)
		}
		sub := svc.Command[0]
		var help bytes.Buffer
		if code := run([]string{sub, "-h"}, &help, &help); code != 0 {
			t.Fatalf("service %s: `transferlab %s -h` exits %d: %s", name, sub, code, help.String())
		}
		valued := map[string]bool{} // flag name -> takes a value
		for _, m := range flagLine.FindAllStringSubmatch(help.String(), -1) {
			valued[m[1]] = m[2] != ""
		}
		if len(valued) == 0 {
			t.Fatalf("read no flags from `transferlab %s -h`:\n%s", sub, help.String())
		}
		values := map[string]string{}
		args := svc.Command[1:]
		for i := 0; i < len(args); i++ {
			arg := args[i]
			if !strings.HasPrefix(arg, "-") {
				t.Fatalf("service %s: %q is not a flag", name, arg)
			}
			flagName, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
			takesValue, known := valued[flagName]
			if !known {
				t.Fatalf("service %s: `transferlab %s` has no flag --%s", name, sub, flagName)
			}
			if takesValue && !hasValue {
				if i+1 >= len(args) {
					t.Fatalf("service %s: --%s has no value", name, flagName)
				}
				i++
				value = args[i]
			}
			values[flagName] = value
		}
		envs := map[string]bool{}
		for _, m := range envName.FindAllStringSubmatch(help.String(), -1) {
			envs[m[1]] = true
		}
		for key := range svc.Environment {
			if strings.HasPrefix(key, "TRANSFERLAB_") && !envs[key] && !readsEnv(t, key) {
				t.Fatalf("service %s: `transferlab %s` reads no %s", name, sub, key)
			}
		}
		dbURL := values["database-url"]
		if dbURL == "" {
			dbURL = svc.Environment["TRANSFERLAB_DATABASE_URL"]
		}
		if !strings.HasPrefix(dbURL, "postgres://") {
			t.Fatalf("service %s does not share the PostgreSQL database: %q", name, dbURL)
		}
		if sub == "serve" && values["workers"] != "0" {
			t.Fatalf("the web process trains: --workers %q", values["workers"])
		}
		processes[sub] += max(svc.Deploy.Replicas, 1)
	}
	if processes["serve"] != 1 || processes["worker"] != 2 {
		t.Fatalf("compose starts %v; want one web process and two workers", processes)
	}
	if _, ok := compose.Services["postgres"]; !ok {
		t.Fatal("compose has no postgres service")
	}
}

// readsEnv tells whether setting the variable changes the settings the binary starts
// with: for the variables no flag stands for (the first account's name and password).
func readsEnv(t *testing.T, key string) bool {
	before := config.Defaults()
	before.Register(flag.NewFlagSet("before", flag.ContinueOnError))
	t.Setenv(key, "probe-value")
	after := config.Defaults()
	after.Register(flag.NewFlagSet("after", flag.ContinueOnError))
	return !reflect.DeepEqual(before, after)
}
