# popek's entry points. The real build is CMake's; these targets only chain
# the steps (set-up, configure, build, test) so two commands do everything:
#   make        check/install the packages, then build build/popek
#   make test   build, then run every test with ctest
BUILD := build
ASAN_BUILD := build-asan
JOBS := $(shell nproc 2>/dev/null || echo 2)

.PHONY: all build setup run test tour sanitize test-sanitize bench clean format linux

all: build

setup:
	@scripts/setup.sh

build: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j$(JOBS)

# Boots the demo disk (roms/demo/demo_disk.asm) through popek's BIOS: in
# the window when there is a display, headless otherwise (popek's own
# default), where the demo ends by itself. --snapshot: the image is never
# written.
run: build
	$(BUILD)/popek --hda $(BUILD)/roms/demo_disk.img --snapshot

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j2

# Boots Debian's i386 Linux directly (--kernel, --initrd) to an interactive
# busybox shell: in the window when popek opens one, else on this terminal
# through the serial port (Ctrl-A x quits; 'poweroff -f' halts the guest).
# The packages are downloaded once into build/linux-guest/ (apt-get
# download): see tests/guests/linux/run_linux.sh.
linux: build
	tests/guests/linux/run_linux.sh shell $(BUILD)/popek

# A guided tour of the demo disk (booted by popek's BIOS) in the teaching
# stepper: a script (frontend/tour.txt) stops at the interesting moments
# and explains them, switching to the translator on the way.
tour: build
	$(BUILD)/popek --hda $(BUILD)/roms/demo_disk.img --snapshot --headless \
		--rtc-base 2000-01-01T00:00:00 --step-script frontend/tour.txt

# A second tree built with AddressSanitizer and UBSan, and its tests.
sanitize: setup
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPOPEK_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)

test-sanitize: sanitize
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j2

# Times popek (interpreter and translator) against Bochs and QEMU on the same
# guests, then checks that they all computed the same: see bench/run.sh. A
# peer that is missing (and cannot be installed) only loses its column.
bench: build
	@scripts/setup.sh --bench || echo "bench: Bochs could not be installed; its column is skipped"
	bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

# Formats the tracked C sources with .clang-format.
format:
	@command -v clang-format >/dev/null || \
		{ echo "clang-format is missing: sudo apt-get install -y clang-format"; exit 1; }
	git ls-files -z '*.c' '*.h' | xargs -0 -r clang-format -i
