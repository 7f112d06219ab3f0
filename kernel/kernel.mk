# The in-kernel reference (kernel/README.md). Included by the top Makefile.
#
#   make kernel            build Debian's linux-source-6.12 with kernel/series
#                          applied and kernel/config, cached outside the clone
#                          (an unchanged key costs nothing)
#   make kernel-path       print the bzImage path of the current key
#   make kernel-checkpatch each patch through the tree's checkpatch.pl
#                          --strict and clang-format; fails on any report
#                          kernel/checkpatch.justified does not justify
#
# Its VM run is `make vm-test KERNEL=patched` (tests/tests.mk): the tree's
# Landlock selftests, the llsock suites, the sandboxer sample.

# The bzImage of the current key, built or not (the path depends on the
# key only), and its build directory. Recipes that run after `make kernel`
# should rather call these: on a fresh machine the source package, whose
# version is part of the key, is only there once `make kernel` has
# installed it.
KERNEL_PATH_CMD		:= kernel/build --print-path
KERNEL_DIR_CMD		:= kernel/build --print-dir

.PHONY: kernel kernel-path

kernel:
	$(Q)kernel/build

kernel-path:
	$(Q)$(KERNEL_PATH_CMD)

# Each patch of the series through the tree's own checkpatch.pl --strict,
# and each C file a patch adds or changes, as it is after that patch,
# through the tree's .clang-format (the whole file, or only the lines the
# patch adds where upstream's file is not clean itself). Fails on a report
# that KERNEL_CHECKPATCH_JUSTIFIED does not list (one line a report, with
# why: kernel/README.md, "The series"), on a line there that matches no
# report, and on a patch that does not apply. Needs only the pristine
# source: kernel/build's extracted copy, or the tarball for the run.
KERNEL_CHECKPATCH_JUSTIFIED := kernel/checkpatch.justified

.PHONY: kernel-checkpatch
kernel-checkpatch:
	$(Q)tests/deps kernel source
	$(Q)command -v clang-format >/dev/null || { \
		echo "kernel-checkpatch: clang-format is missing" >&2; \
		echo "Hint: apt-get install clang-format (Debian 12's, version 14, is the one the series is checked with)" >&2; \
		exit 1; \
	}
	$(Q)set -eu; \
	justified=$(KERNEL_CHECKPATCH_JUSTIFIED); \
	dir=$$(kernel/build --print-dir); version=$${dir##*/}; \
	src=$${dir%/*}/source/$${version%-*}/linux-source-6.12; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	if [ ! -f "$${src%/*}/.complete" ]; then \
		echo "  EXTRACT /usr/src/linux-source-6.12.tar.xz (make kernel keeps a copy)"; \
		tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$$tmp"; \
		src=$$tmp/linux-source-6.12; \
	fi; \
	echo "  CHECK   kernel/series: checkpatch.pl --strict, clang-format $$(clang-format --version | sed 's/^[^0-9]*//')"; \
	work=$$tmp/tree; mkdir "$$work"; cp "$$src/.clang-format" "$$work/"; \
	: >"$$tmp/reports"; \
	for p in $$(sed 's/#.*//' kernel/series); do \
		patch=$(CURDIR)/kernel/patches/$$p; \
		: >"$$tmp/new"; \
		files=$$(awk '/^diff --git / { print substr($$3, 3); print substr($$4, 3) }' "$$patch" | sort -u); \
		for f in $$files; do \
			if [ ! -e "$$work/$$f" ] && [ -e "$$src/$$f" ]; then \
				mkdir -p "$$work/$${f%/*}"; cp "$$src/$$f" "$$work/$$f"; \
			fi; \
		done; \
		rm -rf "$$tmp/before"; cp -a "$$work" "$$tmp/before"; \
		if ! out=$$(patch -d "$$work" -p1 --fuzz=0 --forward --batch \
			--no-backup-if-mismatch -s <"$$patch" 2>&1); then \
			echo "$$out" >&2; \
			echo "kernel-checkpatch: kernel/patches/$$p does not apply after the patches before it" >&2; \
			exit 1; \
		fi; \
		rc=0; (cd "$$src" && scripts/checkpatch.pl --strict --terse --show-types \
			--no-summary "$$patch") >"$$tmp/checkpatch" 2>&1 || rc=$$?; \
		if [ $$rc -gt 1 ] || grep -qv "^$$patch:[0-9]*: [A-Z]*:[A-Z0-9_]*: " "$$tmp/checkpatch"; then \
			cat "$$tmp/checkpatch" >&2; \
			echo "kernel-checkpatch: unexpected output from checkpatch.pl on $$p (exit $$rc)" >&2; \
			exit 1; \
		fi; \
		awk -v name="$$p" -v prefix="$$patch:" ' \
			FNR == NR { \
				if (/^diff --git /) \
					file = substr($$4, 3); \
				text[FNR] = $$0; \
				where[FNR] = file; \
				next; \
			} \
			{ \
				rest = substr($$0, length(prefix) + 1); \
				n = rest + 0; \
				report = name ": " (where[n] == "" ? "-" : where[n]) ": " \
					substr(rest, index(rest, ": ") + 2); \
				line = text[n]; \
				if (line ~ /^\+/) { \
					gsub(/[ \t]+/, " ", line); \
					sub(/ $$/, "", line); \
					report = report ": " line; \
				} \
				print report; \
			}' "$$patch" "$$tmp/checkpatch" >>"$$tmp/new"; \
		for f in $$files; do \
			case $$f in *.[ch]) ;; *) continue ;; esac; \
			[ -e "$$work/$$f" ] || continue; \
			whole=1; \
			if [ -e "$$src/$$f" ] && \
				! clang-format --dry-run --Werror "$$src/$$f" >/dev/null 2>&1; then \
				whole=0; \
				added=" $$(diff --old-line-format= --unchanged-line-format= \
					--new-line-format='%dn ' "$$tmp/before/$$f" "$$work/$$f" || true) "; \
			fi; \
			if ! out=$$(cd "$$work" && clang-format --dry-run "$$f" 2>&1); then \
				echo "$$out" >&2; \
				echo "kernel-checkpatch: clang-format failed on $$f after $$p" >&2; \
				exit 1; \
			fi; \
			for n in $$(printf '%s\n' "$$out" | \
				awk -F: '/\[-Wclang-format-violations\]$$/ { print $$2 }' | sort -nu); do \
				if [ $$whole = 0 ]; then \
					case $$added in \
					*" $$n "* | *" $$((n + 1)) "*) ;; \
					*) continue ;; \
					esac; \
				fi; \
				line=$$(sed -n "$${n}p" "$$work/$$f" | tr -s ' \t' '  ' | sed 's/^ //; s/ $$//'); \
				echo "$$p: $$f: clang-format: code should be clang-formatted: $$line" >>"$$tmp/new"; \
			done; \
		done; \
		echo "== $$p"; \
		sed 's/^[^:]*: /  /' "$$tmp/new"; \
		cat "$$tmp/new" >>"$$tmp/reports"; \
	done; \
	awk -v file="$$justified" ' \
		/^[ \t]*(#|$$)/ { next } \
		{ \
			pos = 0; off = 0; rest = $$0; \
			while ((j = index(rest, " ## ")) > 0) { \
				pos = off + j; \
				off += j; \
				rest = substr(rest, j + 1); \
			} \
			if (!pos || substr($$0, pos + 4) !~ /[^ ]/) { \
				print file ":" FNR ": no \" ## \" and reason after the report" > "/dev/stderr"; \
				bad = 1; \
				next; \
			} \
			print substr($$0, 1, pos - 1); \
		} \
		END { exit bad }' "$$justified" >"$$tmp/listed"; \
	LC_ALL=C sort "$$tmp/listed" >"$$tmp/justified"; \
	LC_ALL=C sort "$$tmp/reports" >"$$tmp/sorted"; \
	LC_ALL=C comm -23 "$$tmp/sorted" "$$tmp/justified" >"$$tmp/unjustified"; \
	LC_ALL=C comm -13 "$$tmp/sorted" "$$tmp/justified" >"$$tmp/stale"; \
	if [ -s "$$tmp/unjustified" ]; then \
		echo "kernel-checkpatch: reports not justified in $$justified:" >&2; \
		sed 's/^/  /' "$$tmp/unjustified" >&2; \
	fi; \
	if [ -s "$$tmp/stale" ]; then \
		echo "kernel-checkpatch: lines of $$justified that match no report (remove them):" >&2; \
		sed 's/^/  /' "$$tmp/stale" >&2; \
	fi; \
	if [ -s "$$tmp/unjustified" ] || [ -s "$$tmp/stale" ]; then \
		exit 1; \
	fi; \
	echo "kernel-checkpatch: $$(wc -l <"$$tmp/sorted") reports, each one justified in $$justified"
