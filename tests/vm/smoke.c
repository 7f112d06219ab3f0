/*
 * A stand-in test binary for the VM runner's own smoke test: prints the
 * TAP that the kselftest harness prints, two passing cases and one
 * skipped case, and exits 0 (the harness exits 0 when nothing failed).
 */
#include <stdio.h>

int main(void)
{
	printf("TAP version 13\n");
	printf("1..3\n");
	printf("# Starting 3 tests from 1 test cases.\n");
	printf("#  RUN           smoke.first ...\n");
	printf("#            OK  smoke.first\n");
	printf("ok 1 smoke.first\n");
	printf("#  RUN           smoke.second ...\n");
	printf("#            OK  smoke.second\n");
	printf("ok 2 smoke.second\n");
	printf("#  RUN           smoke.skipped ...\n");
	printf("#      SKIP      the runner must list this reason\n");
	printf("#            OK  smoke.skipped\n");
	printf("ok 3 smoke.skipped # SKIP the runner must list this reason\n");
	printf("# PASSED: 3 / 3 tests passed.\n");
	printf("# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:1 error:0\n");
	return 0;
}
