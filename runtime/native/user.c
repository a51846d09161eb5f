/* user.c: "-u name|uid[:group|gid]" against the container's own /etc/passwd and /etc/group
 * (read after pivot_root), as Docker does: a numeric uid need not exist (gid 0, HOME /);
 * a name must. Supplementary groups are every group that lists the user as a member. */
#include "shim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* the largest uid or gid: (uid_t)-1 means "no change" to the kernel, and a bigger number would
 * wrap (4294967296 is 0, root) */
#define ID_MAX 4294967294ULL

/* a uid or gid as digits; -1 when it is not one or above ID_MAX */
static int parse_id(const char *s, unsigned long long *id)
{
	if (!is_number(s) || strlen(s) > 10)
		return -1;
	*id = strtoull(s, NULL, 10);
	return *id > ID_MAX ? -1 : 0;
}

static int out_of_range(const char *what, const char *value, char *msg, size_t msglen)
{
	errno = EINVAL;
	snprintf(msg, msglen, "invalid %s \"%s\": ids range from 0 to %llu", what, value, ID_MAX);
	return -1;
}

/* splits a colon-separated line in place; returns the field count */
static size_t fields(char *line, char **out, size_t max)
{
	size_t n = 0;
	char *p = line;
	line[strcspn(line, "\n")] = '\0';
	while (n < max) {
		out[n++] = p;
		char *c = strchr(p, ':');
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	return n;
}

static int in_list(const char *list, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = list; *p;) {
		size_t l = strcspn(p, ",");
		if (l == nl && !strncmp(p, name, nl))
			return 1;
		p += l;
		if (*p == ',')
			p++;
	}
	return 0;
}

int user_resolve(const char *spec, struct exec_user *out, char *msg, size_t msglen)
{
	char user[256] = "0", group[256] = "", name[256] = "", line[4096];
	char *f[8];
	int found = 0, have_group = 0;
	FILE *fp;

	memset(out, 0, sizeof *out);
	snprintf(out->home, sizeof out->home, "/");
	if (spec && *spec) {
		const char *colon = strchr(spec, ':');
		size_t ul = colon ? (size_t)(colon - spec) : strlen(spec);
		if (ul == 0 || ul >= sizeof user || (colon && strlen(colon + 1) >= sizeof group)) {
			errno = EINVAL;
			snprintf(msg, msglen, "invalid user \"%s\"", spec);
			return -1;
		}
		memcpy(user, spec, ul);
		user[ul] = '\0';
		if (colon) {
			snprintf(group, sizeof group, "%s", colon + 1);
			have_group = *group != '\0';
		}
	}
	unsigned long long id, gid;
	int numeric = is_number(user);
	if (numeric && parse_id(user, &id) < 0)
		return out_of_range("user", user, msg, msglen);
	if (numeric)
		out->uid = (uid_t)id;
	if (have_group && is_number(group) && parse_id(group, &gid) < 0)
		return out_of_range("group", group, msg, msglen);
	fp = fopen("/etc/passwd", "re");
	while (fp && fgets(line, sizeof line, fp)) {
		if (fields(line, f, 8) < 7)
			continue;
		if (numeric ? parse_id(f[2], &id) < 0 || (uid_t)id != out->uid : strcmp(f[0], user))
			continue;
		if (parse_id(f[2], &id) < 0 || parse_id(f[3], &gid) < 0) {
			fclose(fp);
			return out_of_range("passwd entry for user", f[0], msg, msglen);
		}
		found = 1;
		out->uid = (uid_t)id;
		out->gid = (gid_t)gid;
		snprintf(name, sizeof name, "%s", f[0]);
		snprintf(out->home, sizeof out->home, "%s", f[5]);
		break;
	}
	if (fp)
		fclose(fp);
	if (!found && !numeric) {
		errno = ENOENT;
		snprintf(msg, msglen, "unable to find user %s: no matching entries in passwd file", user);
		return -1;
	}
	if (have_group && is_number(group))
		out->gid = (gid_t)strtoull(group, NULL, 10);
	int group_found = !have_group || is_number(group);
	fp = fopen("/etc/group", "re");
	while (fp && fgets(line, sizeof line, fp)) {
		if (fields(line, f, 8) < 4)
			continue;
		if (parse_id(f[2], &gid) < 0)
			continue; /* a group whose gid would wrap is no group */
		if (have_group && !group_found && !strcmp(f[0], group)) {
			out->gid = (gid_t)gid;
			group_found = 1;
		}
		if (*name && in_list(f[3], name) && out->n_groups < USER_MAX_GROUPS - 1)
			out->groups[out->n_groups++] = (gid_t)gid;
	}
	if (fp)
		fclose(fp);
	if (!group_found) {
		errno = ENOENT;
		snprintf(msg, msglen, "unable to find group %s: no matching entries in group file", group);
		return -1;
	}
	/* the primary group is always among the groups */
	int has_primary = 0;
	for (size_t i = 0; i < out->n_groups; i++)
		has_primary |= out->groups[i] == out->gid;
	if (!has_primary) {
		memmove(out->groups + 1, out->groups, out->n_groups * sizeof(gid_t));
		out->groups[0] = out->gid;
		out->n_groups++;
	}
	return 0;
}
