// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The permission series' canonicalisation (kernel/patched-7.3: its table
 * and canonicalise(), taken from the patch by tests/kernel-canon) against
 * bpf/canon.h, which the BPF program, the loader and the model use: the
 * same canonical key for every request of a grid around every value either
 * table names, for requests and for rules of any protocol. The two may
 * order or group their rows differently; they must answer the same.
 */
/* llsock-suite: host */
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/can.h>
#include <linux/pfkeyv2.h>
#include <linux/phonet.h>

#include "kselftest_harness.h"
#include "canon.h"

/* What the kernel's source has from its own headers. */
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef PF_VSOCK
#define PF_VSOCK AF_VSOCK
#endif
#ifndef CAN_ISOTP
#define CAN_ISOTP 6
#endif
#ifndef IPPROTO_DCCP
#define IPPROTO_DCCP 33
#endif

#include "kernel-canon.h"

static const struct llsock_canon_rule rules[] = LLSOCK_CANON_RULES;

/* Every value either table names, and its neighbours. */
static int values[512];
static unsigned int nr_values;

static void add_value(int v)
{
	unsigned int i;

	for (i = 0; i < nr_values; i++)
		if (values[i] == v)
			return;
	if (nr_values < ARRAY_SIZE(values))
		values[nr_values++] = v;
}

static void add_around(int v)
{
	if (v == LLSOCK_CANON_ANY)
		return;
	add_value(v - 1);
	add_value(v);
	add_value(v + 1);
}

static void collect_values(void)
{
	unsigned int i;

	add_value(0);
	add_value(-1);
	add_value(-2);
	add_value(0x7fffffff);
	add_value(768);
	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		add_around(rules[i].family);
		add_around(rules[i].type);
		add_around(rules[i].protocol);
		add_around(rules[i].to_protocol);
	}
	for (i = 0; i < ARRAY_SIZE(canon_rewrites); i++) {
		add_around(canon_rewrites[i].family);
		add_around(canon_rewrites[i].type);
		add_around(canon_rewrites[i].protocol);
		add_around(canon_rewrites[i].to_protocol);
	}
}

TEST(same_answers)
{
	unsigned int f, t, p, checked = 0, rewritten = 0;

	collect_values();
	for (f = 0; f < 64; f++)
		for (t = 0; t < 16; t++)
			for (p = 0; p < nr_values; p++) {
				__s32 lf = f, lt = t, lp = values[p];
				int kf = f, kt = t, kp = values[p];

				llsock_canonical(rules, ARRAY_SIZE(rules), &lf,
						 &lt, &lp);
				canonicalise(&kf, &kt, &kp, false);
				ASSERT_TRUE(lf == kf && lt == kt && lp == kp)
				{
					TH_LOG("request %u.%u.%d: bpf/canon.h %d.%d.%d, the series %d.%d.%d",
					       f, t, values[p], lf, lt, lp, kf,
					       kt, kp);
				}
				checked++;
				rewritten += lf != (int)f || lt != (int)t ||
					     lp != values[p];
			}
	TH_LOG("%u requests, %u rewritten", checked, rewritten);
	/* The grid reaches the rewrites. */
	ASSERT_LT(100, rewritten);
}

TEST(same_answers_any_protocol)
{
	unsigned int f, t;

	for (f = 0; f < 64; f++)
		for (t = 0; t < 16; t++) {
			__s32 lf = f, lt = t;
			int kf = f, kt = t, kp = 0;

			llsock_canonical_any_protocol(rules, ARRAY_SIZE(rules),
						      &lf, &lt);
			canonicalise(&kf, &kt, &kp, true);
			ASSERT_TRUE(lf == kf && lt == kt)
			{
				TH_LOG("rule %u.%u.*: bpf/canon.h %d.%d, the series %d.%d",
				       f, t, lf, lt, kf, kt);
			}
		}
}

TEST_HARNESS_MAIN
