// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Names of families, types and protocols, and the text forms of rules:
 * RULE is "family.type.protocol", each field a number or a name, with "*"
 * (or -1) for any type or any protocol.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "internal.h"

struct name {
	const char *name;
	int value;
};

#define END { NULL, 0 }

/* Values of include/linux/socket.h; stable ABI, listed here so that names
 * of families newer than the build machine's headers still work.
 */
static const struct name families[] = {
	{ "unspec", 0 },	{ "unix", 1 },		{ "local", 1 },
	{ "inet", 2 },		{ "ax25", 3 },		{ "ipx", 4 },
	{ "appletalk", 5 },	{ "netrom", 6 },	{ "bridge", 7 },
	{ "atmpvc", 8 },	{ "x25", 9 },		{ "inet6", 10 },
	{ "rose", 11 },		{ "decnet", 12 },	{ "netbeui", 13 },
	{ "security", 14 },	{ "key", 15 },		{ "netlink", 16 },
	{ "route", 16 },	{ "packet", 17 },	{ "ash", 18 },
	{ "econet", 19 },	{ "atmsvc", 20 },	{ "rds", 21 },
	{ "sna", 22 },		{ "irda", 23 },		{ "pppox", 24 },
	{ "wanpipe", 25 },	{ "llc", 26 },		{ "ib", 27 },
	{ "mpls", 28 },		{ "can", 29 },		{ "tipc", 30 },
	{ "bluetooth", 31 },	{ "iucv", 32 },		{ "rxrpc", 33 },
	{ "isdn", 34 },		{ "phonet", 35 },	{ "ieee802154", 36 },
	{ "caif", 37 },		{ "alg", 38 },		{ "nfc", 39 },
	{ "vsock", 40 },	{ "kcm", 41 },		{ "qipcrtr", 42 },
	{ "smc", 43 },		{ "xdp", 44 },		{ "mctp", 45 },
	END
};

static const struct name types[] = {
	{ "stream", 1 },	{ "dgram", 2 },		{ "raw", 3 },
	{ "rdm", 4 },		{ "seqpacket", 5 },	{ "dccp", 6 },
	{ "packet", 10 },	END
};

static const struct name inet_protocols[] = {
	{ "ip", 0 },		{ "icmp", 1 },		{ "igmp", 2 },
	{ "ipip", 4 },		{ "tcp", 6 },		{ "egp", 8 },
	{ "pup", 12 },		{ "udp", 17 },		{ "idp", 22 },
	{ "tp", 29 },		{ "dccp", 33 },		{ "ipv6", 41 },
	{ "rsvp", 46 },		{ "gre", 47 },		{ "esp", 50 },
	{ "ah", 51 },		{ "icmpv6", 58 },	{ "mtp", 92 },
	{ "beetph", 94 },	{ "encap", 98 },	{ "pim", 103 },
	{ "comp", 108 },	{ "l2tp", 115 },	{ "sctp", 132 },
	{ "udplite", 136 },	{ "mpls", 137 },	{ "ethernet", 143 },
	{ "raw", 255 },		{ "smc", 256 },		{ "mptcp", 262 },
	END
};

static const struct name netlink_protocols[] = {
	{ "route", 0 },		{ "unused", 1 },	{ "usersock", 2 },
	{ "firewall", 3 },	{ "sock_diag", 4 },	{ "nflog", 5 },
	{ "xfrm", 6 },		{ "selinux", 7 },	{ "iscsi", 8 },
	{ "audit", 9 },		{ "fib_lookup", 10 },	{ "connector", 11 },
	{ "netfilter", 12 },	{ "ip6_fw", 13 },	{ "dnrtmsg", 14 },
	{ "kobject_uevent", 15 }, { "generic", 16 },	{ "scsitransport", 18 },
	{ "ecryptfs", 19 },	{ "rdma", 20 },		{ "crypto", 21 },
	{ "smc", 22 },		END
};

/* AF_PACKET takes an ethertype in network byte order. */
static const struct name packet_protocols[] = {
	{ "all", 0x0300 },	{ "ip", 0x0008 },	{ "arp", 0x0608 },
	{ "ipv6", 0xdd86 },	END
};

static const struct name smc_protocols[] = {
	{ "smc", 0 },		{ "smc6", 1 },		END
};

static const struct name *protocols_of(int family)
{
	switch (family) {
	case AF_INET:
	case AF_INET6:
		return inet_protocols;
	case AF_NETLINK:
		return netlink_protocols;
	case AF_PACKET:
		return packet_protocols;
	case 43: /* AF_SMC */
		return smc_protocols;
	default:
		return NULL;
	}
}

static const char *name_of(const struct name *table, int value)
{
	for (; table && table->name; table++)
		if (table->value == value)
			return table->name;
	return NULL;
}

/* Accepts "inet", "AF_INET", "PF_INET" (any case) for prefix "AF_". */
static bool name_lookup(const struct name *table, const char *text,
			const char *prefix, int *value)
{
	size_t len = strlen(prefix);

	if (!strncasecmp(text, prefix, len))
		text += len;
	else if (!strcmp(prefix, "AF_") && !strncasecmp(text, "PF_", 3))
		text += 3;
	for (; table && table->name; table++) {
		if (!strcasecmp(table->name, text)) {
			*value = table->value;
			return true;
		}
	}
	return false;
}

const char *llsock_family_name(int family)
{
	/* "local" and "route" are accepted aliases, not the usual names. */
	if (family == AF_UNIX)
		return "unix";
	if (family == AF_NETLINK)
		return "netlink";
	return name_of(families, family);
}

const char *llsock_type_name(int type)
{
	return name_of(types, type);
}

const char *llsock_protocol_name(int family, int protocol)
{
	return name_of(protocols_of(family), protocol);
}

void llsock_set_error(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!err || !size)
		return;
	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
}

static bool parse_number(const char *text, long *value)
{
	char *end;

	if (!*text || isspace((unsigned char)*text))
		return false;
	errno = 0;
	*value = strtol(text, &end, 10);
	return !errno && !*end;
}

struct field {
	const char *what;	/* "family", "type", "protocol" */
	long max;
	bool wildcard;
};

/* v4 (SEMANTICS 2): small ranges, -1 or '*' for any type or protocol. */
static const struct field fields[] = {
	{ "family", LLSOCK_FAMILY_MAX, false },
	{ "type", LLSOCK_TYPE_MAX, true },
	{ "protocol", LLSOCK_PROTOCOL_MAX, true },
};

/* Permission (SEMANTICS 5): any __u32, '*' (or -1) for any protocol only. */
static const struct field permission_fields[] = {
	{ "family", 0xffffffffL, false },
	{ "type", 0xffffffffL, false },
	{ "protocol", 0xffffffffL, true },
};

/*
 * One field: *@out, and *@any for a wildcard (*@out is then LLSOCK_ANY;
 * a permission value of 2^32 - 1 is the same int, but not a wildcard).
 * A wildcard where the flavour has none: @wildcard_why says why.
 */
static int parse_field(const struct field *field, const char *text,
		       const struct name *names, const char *prefix,
		       const char *names_hint, const char *wildcard_why,
		       __s32 *out, bool *any, char *err, size_t err_size)
{
	long value;
	int named;

	*any = false;
	if (!*text) {
		llsock_set_error(err, err_size, "empty %s", field->what);
		return -EINVAL;
	}
	if (!strcmp(text, "*") ||
	    (field->wildcard && parse_number(text, &value) &&
	     value == LLSOCK_ANY)) {
		if (!field->wildcard) {
			llsock_set_error(err, err_size, "%s", wildcard_why);
			return -EINVAL;
		}
		*out = LLSOCK_ANY;
		*any = true;
		return 0;
	}
	if (parse_number(text, &value)) {
		if (value >= 0 && value <= field->max) {
			*out = (__s32)(__u32)value;
			return 0;
		}
		if (field->wildcard)
			llsock_set_error(err, err_size,
				  "%s %s out of range: accepted 0..%ld, or -1 or * for any",
				  field->what, text, field->max);
		else
			llsock_set_error(err, err_size,
				  "%s %s out of range: accepted 0..%ld (no wildcard)",
				  field->what, text, field->max);
		return -EINVAL;
	}
	if (names && name_lookup(names, text, prefix, &named)) {
		*out = named;
		return 0;
	}
	llsock_set_error(err, err_size, "unknown %s name \"%s\"%s%s", field->what,
		  text, names_hint ? ": " : "", names_hint ? names_hint : "");
	return -EINVAL;
}

/* The types a family-wide allow-list expands into: those Linux names. */
static const int named_types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_RAW,
				   SOCK_RDM, SOCK_SEQPACKET, SOCK_DCCP,
				   SOCK_PACKET };

/*
 * The permission flavour's refusal of a type wildcard, with the rules it
 * stands for: "FAMILY.stream.PROTOCOL FAMILY.dgram.PROTOCOL ...".
 */
static void type_wildcard_error(const char *family, const char *protocol,
				char *err, size_t err_size)
{
	char list[LLSOCK_ERR_SIZE / 2];
	size_t used = 0, i;

	list[0] = '\0';
	for (i = 0; i < sizeof(named_types) / sizeof(named_types[0]); i++) {
		int n = snprintf(list + used, sizeof(list) - used, "%s%s.%s.%s",
				 i ? " " : "", family,
				 llsock_type_name(named_types[i]), protocol);

		if (n < 0 || (size_t)n >= sizeof(list) - used)
			break;
		used += n;
	}
	llsock_set_error(err, err_size,
		"%s.*.%s: the permission flavour has no type wildcard; a family-wide allow-list is one rule per type: %s",
		family, protocol, list);
}

/* Splits "family.type.protocol" of @text into @buf: 0 or -EINVAL. */
static int split_rule(const char *text, char *buf, size_t size, char **parts,
		      char *err, size_t err_size)
{
	char *dot;
	int i;

	if (strlen(text) >= size) {
		llsock_set_error(err, err_size, "rule too long");
		return -EINVAL;
	}
	strcpy(buf, text);
	parts[0] = buf;
	for (i = 1; i < 3; i++) {
		dot = strchr(parts[i - 1], '.');
		if (!dot)
			break;
		*dot = '\0';
		parts[i] = dot + 1;
	}
	/* "-1" holds no dot, so a third dot is always one too many. */
	if (i < 3 || strchr(parts[2], '.')) {
		llsock_set_error(err, err_size,
			  "\"%s\" is not family.type.protocol (e.g. inet.stream.tcp)",
			  text);
		return -EINVAL;
	}
	return 0;
}

static const char *protocol_hint(int family, const struct name *names)
{
	switch (family) {
	case AF_INET:
	case AF_INET6:
		return "use a name such as tcp, udp, sctp, icmp, mptcp, or a number";
	case AF_NETLINK:
		return "use a name such as route, generic, audit, sock_diag, or a number";
	case AF_PACKET:
		return "use all, ip, arp, ipv6, or a number (an ethertype in network byte order)";
	default:
		return names ? "or give a number" :
			       "this family has no protocol names: give a number";
	}
}

/*
 * Reads @text as a rule of @flavour: the key, LLSOCK_ANY standing for any
 * type or protocol, and *@any_protocol telling a wildcard from 2^32 - 1.
 */
static int parse_key(const char *text, enum llsock_flavour flavour,
		     __s32 *family, __s32 *type, __s32 *protocol,
		     bool *any_protocol, char *err, size_t err_size)
{
	bool any;
	const struct field *f = flavour == LLSOCK_FLAVOUR_PERMISSION ?
					permission_fields : fields;
	const struct name *protocol_names;
	char buf[128], *parts[3];
	int ret;

	ret = split_rule(text, buf, sizeof(buf), parts, err, err_size);
	if (ret)
		return ret;
	ret = parse_field(&f[0], parts[0], families, "AF_",
			  "try unix, inet, inet6, netlink, packet, vsock, ... or a number",
			  "the family cannot be a wildcard: give one (e.g. inet, unix or 2)",
			  family, &any, err, err_size);
	if (ret)
		return ret;
	if (!f[1].wildcard &&
	    (!strcmp(parts[1], "*") || !strcmp(parts[1], "-1"))) {
		type_wildcard_error(parts[0], parts[2], err, err_size);
		return -EINVAL;
	}
	ret = parse_field(&f[1], parts[1], types, "SOCK_",
			  "try stream, dgram, raw, seqpacket, rdm, packet or a number",
			  NULL, type, &any, err, err_size);
	if (ret)
		return ret;
	protocol_names = protocols_of(*family);
	return parse_field(&f[2], parts[2], protocol_names,
			   *family == AF_INET || *family == AF_INET6 ?
			   "IPPROTO_" : "",
			   protocol_hint(*family, protocol_names), NULL,
			   protocol, any_protocol, err, err_size);
}

int llsock_parse_rule(const char *text, struct llsock_socket_attr *rule,
		      char *err, size_t err_size)
{
	__s32 family, type, protocol;
	bool any;
	int ret;

	ret = parse_key(text, LLSOCK_FLAVOUR_V4, &family, &type, &protocol,
			&any, err, err_size);
	if (ret)
		return ret;
	memset(rule, 0, sizeof(*rule));
	rule->allowed_access = LLSOCK_ACCESS_SOCKET_CREATE;
	rule->family = family;
	rule->type = type;
	rule->protocol = protocol;
	return 0;
}

int llsock_parse_permission_rule(const char *text,
				 struct llsock_permission_socket_attr *rule,
				 char *err, size_t err_size)
{
	__s32 family, type, protocol;
	bool any;
	int ret;

	ret = parse_key(text, LLSOCK_FLAVOUR_PERMISSION, &family, &type,
			&protocol, &any, err, err_size);
	if (ret)
		return ret;
	memset(rule, 0, sizeof(*rule));
	rule->permissions = LLSOCK_PERMISSION_SOCKET_CREATE;
	rule->family = family;
	rule->type = type;
	if (any)
		rule->wildcards = LLSOCK_SOCKET_WILDCARD_PROTOCOL;
	else
		rule->protocol = protocol;
	return 0;
}

int llsock_add_rule_text(struct llsock_ruleset *ruleset, const char *text,
			 char *err, size_t err_size)
{
	struct llsock_permission_socket_attr permission;
	struct llsock_socket_attr v4;
	int ret;

	if (ruleset->flavour == LLSOCK_FLAVOUR_PERMISSION) {
		ret = llsock_parse_permission_rule(text, &permission, err,
						   err_size);
		if (!ret)
			ret = llsock_add_rule(ruleset,
					      LLSOCK_RULE_SOCKET_PERMISSION,
					      &permission, 0);
	} else {
		ret = llsock_parse_rule(text, &v4, err, err_size);
		if (!ret)
			ret = llsock_add_rule(ruleset, LLSOCK_RULE_SOCKET, &v4,
					      0);
	}
	if (ret == -E2BIG)
		llsock_set_error(err, err_size,
				 "cannot add rule %s: more than %zu rules, the most llsock was loaded to hold in force (llsock load --max-rules)",
				 text, ruleset->max_rules);
	else if (ret && ret != -EINVAL)
		llsock_set_error(err, err_size, "cannot add rule %s: %s", text,
				 strerror(-ret));
	return ret;
}

static char *strip(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Parses and adds one rule; @where prefixes any error ("3: "). */
static int add_text_rule(struct llsock_ruleset *ruleset, const char *text,
			 const char *where, char *err, size_t err_size)
{
	char why[LLSOCK_ERR_SIZE];
	int ret;

	ret = llsock_add_rule_text(ruleset, text, why, sizeof(why));
	if (ret)
		llsock_set_error(err, err_size, "%s%s", where, why);
	return ret;
}

int llsock_flavour_parse(const char *name, enum llsock_flavour *flavour)
{
	if (!strcmp(name, "v4"))
		*flavour = LLSOCK_FLAVOUR_V4;
	else if (!strcmp(name, "permission"))
		*flavour = LLSOCK_FLAVOUR_PERMISSION;
	else
		return -EINVAL;
	return 0;
}

/*
 * The next line of a policy that holds something, without its comment and
 * surrounding blanks, in @line: 1, 0 at the end, -EINVAL or -EIO.
 */
static int next_policy_line(FILE *file, char *line, size_t size,
			    unsigned int *lineno, char **text, char *err,
			    size_t err_size)
{
	char *hash;

	while (fgets(line, size, file)) {
		++*lineno;
		if (!strchr(line, '\n') && !feof(file)) {
			llsock_set_error(err, err_size, "line %u: line too long",
					 *lineno);
			return -EINVAL;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		*text = strip(line);
		if (**text)
			return 1;
	}
	if (ferror(file)) {
		llsock_set_error(err, err_size, "read error: %s", strerror(errno));
		return -EIO;
	}
	return 0;
}

/*
 * "flavour NAME": 1 with *@flavour set, 0 when @text is no directive (a
 * rule holds no blank, so cannot start with the word), -EINVAL.
 */
static int parse_directive(char *text, unsigned int lineno,
			   enum llsock_flavour *flavour, char *err,
			   size_t err_size)
{
	static const char word[] = "flavour";
	size_t len = sizeof(word) - 1;
	char *name, *end;

	if (strncmp(text, word, len) ||
	    (text[len] && !isspace((unsigned char)text[len])))
		return 0;
	name = strip(text + len);
	end = name + strcspn(name, " \t");
	if (!*name || *end) {
		llsock_set_error(err, err_size,
				 "line %u: expected \"flavour v4\" or \"flavour permission\", got \"%s\"",
				 lineno, text);
		return -EINVAL;
	}
	if (llsock_flavour_parse(name, flavour)) {
		llsock_set_error(err, err_size,
				 "line %u: unknown flavour \"%s\": v4 or permission",
				 lineno, name);
		return -EINVAL;
	}
	return 1;
}

int llsock_policy_flavour(FILE *file, enum llsock_flavour *flavour,
			  char *err, size_t err_size)
{
	unsigned int lineno = 0;
	char line[512], *text;
	int ret;

	while ((ret = next_policy_line(file, line, sizeof(line), &lineno,
				       &text, err, err_size)) > 0) {
		ret = parse_directive(text, lineno, flavour, err, err_size);
		if (ret < 0)
			return ret;
		if (ret)
			return lineno;
		/* The first rule: a directive after it is no declaration. */
		return 0;
	}
	return ret;
}

int llsock_parse_policy(FILE *file, struct llsock_ruleset *ruleset,
			char *err, size_t err_size)
{
	unsigned int lineno = 0, declared = 0, first_rule = 0;
	enum llsock_flavour flavour;
	char line[512], where[32], *text;
	int count = 0, ret;

	while ((ret = next_policy_line(file, line, sizeof(line), &lineno,
				       &text, err, err_size)) > 0) {
		ret = parse_directive(text, lineno, &flavour, err, err_size);
		if (ret < 0)
			return ret;
		if (ret && first_rule) {
			llsock_set_error(err, err_size,
					 "line %u: the flavour line must come before the first rule (line %u)",
					 lineno, first_rule);
			return -EINVAL;
		}
		if (ret && declared) {
			llsock_set_error(err, err_size,
					 "line %u: the flavour is already given on line %u",
					 lineno, declared);
			return -EINVAL;
		}
		if (ret && flavour != ruleset->flavour) {
			llsock_set_error(err, err_size,
					 "line %u: a policy of the %s flavour cannot go into a %s ruleset",
					 lineno, llsock_flavour_name(flavour),
					 llsock_flavour_name(ruleset->flavour));
			return -EINVAL;
		}
		if (ret) {
			declared = lineno;
			continue;
		}
		if (strpbrk(text, " \t")) {
			llsock_set_error(err, err_size,
				  "line %u: one rule per line, got \"%s\"",
				  lineno, text);
			return -EINVAL;
		}
		if (!first_rule)
			first_rule = lineno;
		snprintf(where, sizeof(where), "line %u: ", lineno);
		ret = add_text_rule(ruleset, text, where, err, err_size);
		if (ret)
			return ret;
		count++;
	}
	return ret < 0 ? ret : count;
}

int llsock_parse_env(const char *value, struct llsock_ruleset *ruleset,
		     char *err, size_t err_size)
{
	char *copy, *item, *save = NULL;
	int count = 0, ret = 0;

	copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	for (item = strtok_r(copy, ":", &save); item;
	     item = strtok_r(NULL, ":", &save)) {
		char where[32];

		snprintf(where, sizeof(where), "entry %d: ", count + 1);
		ret = add_text_rule(ruleset, strip(item), where, err,
				    err_size);
		if (ret)
			break;
		count++;
	}
	free(copy);
	return ret ? ret : count;
}

/* A v4 value (-1 any) or a permission one (a __u32; @any apart). */
static void format_field(char *buf, size_t size, int value, bool any,
			 bool permission, const char *name)
{
	if (any)
		snprintf(buf, size, "*");
	else if (name)
		snprintf(buf, size, "%s", name);
	else if (permission)
		snprintf(buf, size, "%u", (unsigned int)value);
	else
		snprintf(buf, size, "%d", value);
}

char *llsock_format_rule(const struct llsock_rule_info *rule, char *buf,
			 size_t size)
{
	char family[24], type[24], protocol[24];
	const char *family_name = llsock_family_name(rule->family);
	/* Only a v4 rule says "any" in-band; a permission rule's -1 is 2^32 - 1. */
	bool permission = rule->wildcards != 0 || rule->allowed &
			  LLSOCK_PERMISSION_SOCKET_ALL;
	bool v4 = !permission;

	format_field(family, sizeof(family), rule->family, false, permission,
		     family_name);
	format_field(type, sizeof(type), rule->type,
		     v4 && rule->type == LLSOCK_ANY, permission,
		     llsock_type_name(rule->type));
	/*
	 * Protocol 0 means "the default protocol" for most families: print
	 * it as a number so that it is not mistaken for a named one, except
	 * where 0 has a name of its own (netlink route, SMC).
	 */
	format_field(protocol, sizeof(protocol), rule->protocol,
		     v4 ? rule->protocol == LLSOCK_ANY :
			  (rule->wildcards & LLSOCK_SOCKET_WILDCARD_PROTOCOL),
		     permission,
		     rule->protocol == 0 && (rule->family == AF_INET ||
					     rule->family == AF_INET6) ?
		     NULL : llsock_protocol_name(rule->family, rule->protocol));
	snprintf(buf, size, "%s.%s.%s", family, type, protocol);
	return buf;
}
