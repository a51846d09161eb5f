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
	int numeric = is_number(user);
	if (numeric)
		out->uid = (uid_t)strtoul(user, NULL, 10);
	fp = fopen("/etc/passwd", "re");
	while (fp && fgets(line, sizeof line, fp)) {
		if (fields(line, f, 8) < 7)
			continue;
		if (numeric ? (uid_t)strtoul(f[2], NULL, 10) != out->uid || !is_number(f[2]) : strcmp(f[0], user))
			continue;
		found = 1;
		out->uid = (uid_t)strtoul(f[2], NULL, 10);
		out->gid = (gid_t)strtoul(f[3], NULL, 10);
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
		out->gid = (gid_t)strtoul(group, NULL, 10);
	int group_found = !have_group || is_number(group);
	fp = fopen("/etc/group", "re");
	while (fp && fgets(line, sizeof line, fp)) {
		if (fields(line, f, 8) < 4)
			continue;
		if (have_group && !group_found && !strcmp(f[0], group)) {
			out->gid = (gid_t)strtoul(f[2], NULL, 10);
			group_found = 1;
		}
		if (*name && in_list(f[3], name) && out->n_groups < USER_MAX_GROUPS - 1)
			out->groups[out->n_groups++] = (gid_t)strtoul(f[2], NULL, 10);
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
