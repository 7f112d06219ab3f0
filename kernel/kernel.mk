# The in-kernel references (kernel/README.md). Included by the top Makefile.
#
#   make kernel            build both patched kernels, one after the other,
#                          cached outside the clone (an unchanged key costs
#                          nothing): patched-6.12 (Debian's linux-source-6.12
#                          + the v4 series) and patched-7.3 (Debian's
#                          linux-source-7.3 + the permission series)
#   make kernel-patched-6.12, make kernel-patched-7.3
#                          build one
#   make kernel-path       print the bzImage path of each (or of KERNEL=NAME)
#   make kernel-checkpatch each patch of each series (or of KERNEL=NAME)
#                          through its tree's checkpatch.pl --strict and
#                          clang-format; fails on any report that the
#                          kernel's checkpatch.justified does not justify
#
# Their VM runs are `make vm-test KERNEL=patched-6.12` and
# `KERNEL=patched-7.3` (tests/tests.mk): the tree's Landlock selftests,
# the llsock suites, the sandboxer sample. `patched` is another name for
# patched-6.12, wherever a kernel is named.

# Each one is kernel/NAME/: series, patches/, config (its own fragment,
# after kernel/config), checkpatch.justified, and sandboxer-test.sh once
# its series has the sandboxer's support.
PATCHED_KERNELS	:= patched-6.12 patched-7.3
# The name behind an alias: patched is patched-6.12.
patched_name	= $(if $(filter patched,$(1)),patched-6.12,$(1))

.PHONY: kernel kernel-path $(PATCHED_KERNELS:%=kernel-%)

# One after the other: each build takes both cores.
kernel:
	$(Q)for k in $(PATCHED_KERNELS); do kernel/build --kernel $$k || exit 1; done

$(PATCHED_KERNELS:%=kernel-%): kernel-%:
	$(Q)kernel/build --kernel $*

kernel-path:
	$(Q)set -e; $(if $(filter $(PATCHED_KERNELS),$(call patched_name,$(KERNEL))), \
		kernel/build --kernel $(call patched_name,$(KERNEL)) --print-path, \
		for k in $(PATCHED_KERNELS); do \
			echo "$$k $$(kernel/build --kernel $$k --print-path)"; \
		done)

# Each patch of a series through its tree's own checkpatch.pl --strict,
# and each C file a patch adds or changes, as it is after that patch,
# through the tree's .clang-format (the whole file, or only the lines the
# patch adds where upstream's file is not clean itself). Fails on a report
# that kernel/NAME/checkpatch.justified does not list (one line a report,
# with why: kernel/README.md, "The series"), on a line there that matches
# no report, and on a patch that does not apply. Needs only the pristine
# source (kernel/build --source extracts it once). A series without a
# patch passes at once.
CHECKPATCH_KERNELS = $(if $(filter $(PATCHED_KERNELS),$(call patched_name,$(KERNEL))), \
		     $(call patched_name,$(KERNEL)),$(PATCHED_KERNELS))

.PHONY: kernel-checkpatch $(PATCHED_KERNELS:%=kernel-checkpatch-%)
kernel-checkpatch: $(CHECKPATCH_KERNELS:%=kernel-checkpatch-%)

$(PATCHED_KERNELS:%=kernel-checkpatch-%): kernel-checkpatch-%:
	$(Q)set -eu; \
	if [ -z "$$(sed -e 's/#.*//' -e '/^[[:space:]]*$$/d' kernel/$*/series)" ]; then \
		echo "kernel-checkpatch: $*: kernel/$*/series lists no patch"; \
		exit 0; \
	fi; \
	tests/deps kernel; \
	command -v clang-format >/dev/null || { \
		echo "kernel-checkpatch: clang-format is missing" >&2; \
		echo "Hint: apt-get install clang-format (Debian 12's, version 14, is the one the series are checked with)" >&2; \
		exit 1; \
	}; \
	justified=kernel/$*/checkpatch.justified; \
	src=$$(kernel/build --kernel $* --source); \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo "  CHECK   kernel/$*/series: checkpatch.pl --strict, clang-format $$(clang-format --version | sed 's/^[^0-9]*//')"; \
	work=$$tmp/tree; mkdir "$$work"; cp "$$src/.clang-format" "$$work/"; \
	: >"$$tmp/reports"; \
	for p in $$(sed 's/#.*//' kernel/$*/series); do \
		patch=$(CURDIR)/kernel/$*/patches/$$p; \
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
			echo "kernel-checkpatch: kernel/$*/patches/$$p does not apply after the patches before it" >&2; \
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
	echo "kernel-checkpatch: $*: $$(wc -l <"$$tmp/sorted") reports, each one justified in $$justified"
