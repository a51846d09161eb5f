/* netsetup.c: a container's network interfaces, made by the shim after it placed the init in its
 * cgroups and before it says go, so the network is ready before the container's process runs.
 *
 * Each "networks" spec entry is "bridge\x1fhostIf\x1fifname\x1faddress\x1fprefix\x1fgateway\x1fmac[\x1fmtu[\x1faddress6\x1fprefix6\x1fgateway6]]"
 * (an absent, empty or 0 mtu keeps the kernel's default; an overlay network's is its VXLAN's; an
 * IPv6 network's interface also gets address6, without DAD as Docker's, and gateway6 its IPv6 default route):
 * a veth pair whose peer is created straight in the container's netns (no move), its host end
 * joined to the bridge and up; then, inside the netns, lo and the peer up, the address, and a
 * default route via the gateway (an entry with an empty gateway gets none). The host end is in
 * hairpin mode, so that a container reaches its own published port through the host. Netlink only: one
 * socket per namespace, no `ip` spawns. A host end left behind by a crash is deleted first. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct net_entry {
	char buf[512];
	const char *bridge, *host_if, *ifname, *address, *gateway, *mac, *address6, *gateway6;
	int prefix, prefix6;
	unsigned mtu;
};

struct nl_msg {
	struct nlmsghdr h;
	char data[1024];
};

static unsigned nl_seq;

static struct rtattr *nl_attr(struct nl_msg *m, int type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)&m->h + NLMSG_ALIGN(m->h.nlmsg_len));
	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	m->h.nlmsg_len = NLMSG_ALIGN(m->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void nl_nest_end(struct nl_msg *m, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)&m->h + m->h.nlmsg_len - (char *)nest);
}

static void nl_init(struct nl_msg *m, int type, int flags, const void *header, size_t len)
{
	memset(m, 0, sizeof *m);
	m->h.nlmsg_len = NLMSG_LENGTH(len);
	m->h.nlmsg_type = (unsigned short)type;
	m->h.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
	m->h.nlmsg_seq = ++nl_seq;
	memcpy(NLMSG_DATA(&m->h), header, len);
}

/* sends one request and reads its ack: 0, or -1 with errno from the kernel */
static int nl_talk(int fd, struct nl_msg *m)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(fd, m, m->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		return -1;
	char reply[4096];
	for (;;) {
		ssize_t n = recv(fd, reply, sizeof reply, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)reply; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != m->h.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			int error = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (error == 0)
				return 0;
			errno = -error;
			return -1;
		}
	}
}

static int nl_open(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

static int link_delete(int fd, const char *name)
{
	struct ifinfomsg info = { .ifi_family = AF_UNSPEC };
	struct nl_msg m;
	nl_init(&m, RTM_DELLINK, 0, &info, sizeof info);
	nl_attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
	return nl_talk(fd, &m);
}

static int parse_mac(const char *text, unsigned char mac[6])
{
	unsigned v[6];
	if (sscanf(text, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)v[i];
	return 0;
}

/* the veth pair: the host end in this netns under the bridge and up, the peer in the pid's netns */
static int veth_create(int fd, const struct net_entry *e, long pid, unsigned bridge_index)
{
	struct ifinfomsg info = { .ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
	struct nl_msg m;
	nl_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &info, sizeof info);
	nl_attr(&m, IFLA_IFNAME, e->host_if, strlen(e->host_if) + 1);
	nl_attr(&m, IFLA_MASTER, &bridge_index, sizeof bridge_index);
	if (e->mtu)
		nl_attr(&m, IFLA_MTU, &e->mtu, sizeof e->mtu);
	struct rtattr *linkinfo = nl_attr(&m, IFLA_LINKINFO, NULL, 0);
	nl_attr(&m, IFLA_INFO_KIND, "veth", 4);
	struct rtattr *data = nl_attr(&m, IFLA_INFO_DATA, NULL, 0);
	struct rtattr *peer = nl_attr(&m, VETH_INFO_PEER, NULL, 0);
	struct ifinfomsg peer_info = { .ifi_family = AF_UNSPEC };
	memcpy((char *)&m.h + m.h.nlmsg_len, &peer_info, sizeof peer_info);
	m.h.nlmsg_len += NLMSG_ALIGN(sizeof peer_info);
	nl_attr(&m, IFLA_IFNAME, e->ifname, strlen(e->ifname) + 1);
	unsigned ns_pid = (unsigned)pid;
	nl_attr(&m, IFLA_NET_NS_PID, &ns_pid, sizeof ns_pid);
	unsigned char mac[6];
	if (e->mac[0] && parse_mac(e->mac, mac) == 0)
		nl_attr(&m, IFLA_ADDRESS, mac, sizeof mac);
	if (e->mtu)
		nl_attr(&m, IFLA_MTU, &e->mtu, sizeof e->mtu);
	nl_nest_end(&m, peer);
	nl_nest_end(&m, data);
	nl_nest_end(&m, linkinfo);
	return nl_talk(fd, &m);
}

/* hairpin mode on a bridge port: with br_netfilter, a container's packet DNATed to its own
 * published port is bridged back out the port it came in on, which the bridge drops otherwise
 * (Docker sets it too when it runs without its userland proxy) */
static int bridge_port_hairpin(int fd, const char *name)
{
	unsigned index = if_nametoindex(name);
	if (!index)
		return -1;
	struct ifinfomsg info = { .ifi_family = AF_BRIDGE, .ifi_index = (int)index };
	struct nl_msg m;
	nl_init(&m, RTM_SETLINK, 0, &info, sizeof info);
	struct rtattr *protinfo = nl_attr(&m, IFLA_PROTINFO | NLA_F_NESTED, NULL, 0);
	unsigned char on = 1;
	nl_attr(&m, IFLA_BRPORT_MODE, &on, sizeof on);
	nl_nest_end(&m, protinfo);
	return nl_talk(fd, &m);
}

static int link_up(int fd, unsigned index)
{
	struct ifinfomsg info = { .ifi_family = AF_UNSPEC, .ifi_index = (int)index, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
	struct nl_msg m;
	nl_init(&m, RTM_NEWLINK, 0, &info, sizeof info);
	return nl_talk(fd, &m);
}

/* an IPv4 or IPv6 address (IPv6: no duplicate address detection, so it is usable at once) */
static int address_add(int fd, unsigned index, int family, const char *address, int prefix)
{
	unsigned char in[16];
	if (inet_pton(family, address, in) != 1) {
		errno = EINVAL;
		return -1;
	}
	size_t len = family == AF_INET ? 4 : 16;
	struct ifaddrmsg addr = { .ifa_family = (unsigned char)family, .ifa_prefixlen = (unsigned char)prefix, .ifa_index = index,
				  .ifa_flags = family == AF_INET6 ? IFA_F_NODAD : 0 };
	struct nl_msg m;
	nl_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, &addr, sizeof addr);
	nl_attr(&m, IFA_LOCAL, in, len);
	nl_attr(&m, IFA_ADDRESS, in, len);
	return nl_talk(fd, &m);
}

/* the default route of a family via the gateway on the interface */
static int route_default(int fd, int family, const char *gateway, unsigned index)
{
	unsigned char in[16];
	if (inet_pton(family, gateway, in) != 1) {
		errno = EINVAL;
		return -1;
	}
	struct rtmsg route = { .rtm_family = (unsigned char)family, .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
			       .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST };
	struct nl_msg m;
	nl_init(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &route, sizeof route);
	nl_attr(&m, RTA_GATEWAY, in, family == AF_INET ? 4 : 16);
	nl_attr(&m, RTA_OIF, &index, sizeof index);
	return nl_talk(fd, &m);
}

static int parse_entry(const char *text, struct net_entry *e)
{
	if (strlen(text) >= sizeof e->buf)
		return -1;
	strcpy(e->buf, text);
	char *fields[11] = { 0 };
	char *p = e->buf;
	for (int i = 0; i < 11 && p; i++) {
		fields[i] = p;
		char *sep = strchr(p, '\x1f');
		if ((i < 6 || i == 8 || i == 9) && !sep) /* mac and mtu may end an entry; address6 comes with prefix6 and gateway6 */
			return -1;
		if (i == 10 && sep)
			return -1;
		if (sep)
			*sep = '\0';
		p = sep ? sep + 1 : NULL;
	}
	e->bridge = fields[0];
	e->host_if = fields[1];
	e->ifname = fields[2];
	e->address = fields[3];
	e->prefix = atoi(fields[4]);
	e->gateway = fields[5];
	e->mac = fields[6];
	e->mtu = fields[7] ? (unsigned)atoi(fields[7]) : 0;
	e->address6 = fields[8] ? fields[8] : "";
	e->prefix6 = fields[9] ? atoi(fields[9]) : 0;
	e->gateway6 = fields[10] ? fields[10] : "";
	return 0;
}

#define FAIL(...) do { snprintf(msg, msglen, __VA_ARGS__); goto fail; } while (0)

int net_setup(const struct spec *s, long pid, char *msg, size_t msglen)
{
	struct net_entry *entries = calloc(s->n_networks ? s->n_networks : 1, sizeof *entries);
	int fd = -1, own_ns = -1, target_ns = -1, in_target = 0;
	if (!entries)
		FAIL("out of memory");
	fd = nl_open();
	if (fd < 0)
		FAIL("open a netlink socket");
	for (size_t i = 0; i < s->n_networks; i++) {
		struct net_entry *e = &entries[i];
		if (parse_entry(s->networks[i], e) < 0) {
			errno = EINVAL;
			FAIL("bad networks entry %zu", i);
		}
		unsigned bridge = if_nametoindex(e->bridge);
		if (!bridge)
			FAIL("no bridge %s", e->bridge);
		if (link_delete(fd, e->host_if) < 0 && errno != ENODEV)
			FAIL("delete the leftover link %s", e->host_if);
		if (veth_create(fd, e, pid, bridge) < 0)
			FAIL("create veth %s in bridge %s", e->host_if, e->bridge);
		if (bridge_port_hairpin(fd, e->host_if) < 0)
			FAIL("set hairpin mode on %s", e->host_if);
	}
	close(fd);
	fd = -1;
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/ns/net", pid);
	own_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	target_ns = open(path, O_RDONLY | O_CLOEXEC);
	if (own_ns < 0 || target_ns < 0)
		FAIL("open %s", path);
	if (setns(target_ns, CLONE_NEWNET) < 0)
		FAIL("enter the container's netns");
	in_target = 1;
	fd = nl_open();
	if (fd < 0)
		FAIL("open a netlink socket in the container's netns");
	if (link_up(fd, 1) < 0) /* lo is always index 1 in a new netns */
		FAIL("set lo up");
	for (size_t i = 0; i < s->n_networks; i++) {
		struct net_entry *e = &entries[i];
		unsigned index = if_nametoindex(e->ifname);
		if (!index)
			FAIL("no %s in the container", e->ifname);
		if (address_add(fd, index, AF_INET, e->address, e->prefix) < 0)
			FAIL("add %s/%d to %s", e->address, e->prefix, e->ifname);
		if (e->address6[0] && address_add(fd, index, AF_INET6, e->address6, e->prefix6) < 0)
			FAIL("add %s/%d to %s", e->address6, e->prefix6, e->ifname);
		if (link_up(fd, index) < 0)
			FAIL("set %s up", e->ifname);
	}
	for (size_t i = 0; i < s->n_networks; i++) {
		struct net_entry *e = &entries[i];
		unsigned index = if_nametoindex(e->ifname);
		if (e->gateway[0] && route_default(fd, AF_INET, e->gateway, index) < 0)
			FAIL("add the default route via %s", e->gateway);
		if (e->gateway6[0] && route_default(fd, AF_INET6, e->gateway6, index) < 0)
			FAIL("add the IPv6 default route via %s", e->gateway6);
	}
	close(fd);
	if (setns(own_ns, CLONE_NEWNET) < 0)
		FAIL("return to the shim's netns");
	close(own_ns);
	close(target_ns);
	free(entries);
	return 0;
fail: {
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (in_target && own_ns >= 0)
		setns(own_ns, CLONE_NEWNET);
	if (own_ns >= 0)
		close(own_ns);
	if (target_ns >= 0)
		close(target_ns);
	free(entries);
	errno = e;
	return -1;
}
}

/* `berth-shim network PID ENTRY...`: plugs interfaces into a running container's netns
 * (network connect); prints nothing and exits 0, or prints the error and exits 1. */
int network_main(int argc, char **argv)
{
	struct spec s;
	char msg[SYNC_MSG_MAX];
	memset(&s, 0, sizeof s);
	if (argc < 4) {
		fprintf(stderr, "usage: berth-shim network PID ENTRY...\n");
		return 2;
	}
	long pid = strtol(argv[2], NULL, 10);
	s.networks = (const char **)(argv + 3);
	s.n_networks = (size_t)(argc - 3);
	if (pid <= 0 || net_setup(&s, pid, msg, sizeof msg) < 0) {
		fprintf(stderr, "%s: %s\n", pid <= 0 ? "bad pid" : msg, strerror(errno));
		return 1;
	}
	return 0;
}
