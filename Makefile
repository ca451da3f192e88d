# popek's entry points. The real build is CMake's; these targets only chain
# the steps (set-up, configure, build, test) so two commands do everything:
#   make        check/install the packages, then build build/popek
#   make test   build, then run every test with ctest
BUILD := build
ASAN_BUILD := build-asan
JOBS := $(shell nproc 2>/dev/null || echo 2)

.PHONY: all build setup run test tour sanitize test-sanitize bench clean format

all: build

setup:
	@scripts/setup.sh

build: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j$(JOBS)

# Runs the built-in demo ROM (popek with no --bios).
run: build
	$(BUILD)/popek --headless

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j2

# A guided tour of the demo ROM in the teaching stepper: a script
# (frontend/tour.txt) stops at the interesting moments and explains them.
tour: build
	$(BUILD)/popek --bios $(BUILD)/roms/demo.bin --step-script frontend/tour.txt

# A second tree built with AddressSanitizer and UBSan, and its tests.
sanitize: setup
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPOPEK_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)

test-sanitize: sanitize
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j2

# Times popek against Bochs (and QEMU if installed): see bench/run.sh.
bench: build
	@scripts/setup.sh --bench
	bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

# Formats the tracked C sources with .clang-format.
format:
	@command -v clang-format >/dev/null || \
		{ echo "clang-format is missing: sudo apt-get install -y clang-format"; exit 1; }
	git ls-files -z '*.c' '*.h' | xargs -0 -r clang-format -i
