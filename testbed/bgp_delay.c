/*
 * bgp_delay.c: tb-bgp-delay, the testbed's slow-convergence mode. BIRD 2
 * has no MRAI timer and this kernel has no netem, so BGP messages are held
 * in user space instead: in each named network namespace, an iptables
 * NFQUEUE rule (set up by testbed/tb) hands every outgoing TCP packet to or
 * from port 179 to queue 0; this program, bound to queue 0 of each of those
 * namespaces, lets each packet go SECONDS after it arrived, in order. So
 * every BGP update, withdrawal and keepalive takes SECONDS more per hop.
 * Other traffic (probes, pings) is not touched.
 *
 *   tb-bgp-delay SECONDS NETNS_PATH...
 *
 * Runs until SIGTERM or SIGINT, then lets every held packet go. With
 * --queue-bypass in the rules, packets flow undelayed once it is gone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_NAMESPACES 4096
#define HELD_MAX 65536		/* packets held per namespace at once */
#define QUEUE_NUM 0

/* One held packet: its queue id and when it may go. */
struct held {
	uint32_t id;
	int64_t due_us;
};

/* One namespace's queue: its netlink socket and a FIFO of held packets. */
struct queue {
	int fd;
	const char *name;
	struct held *ring;
	size_t head, n;
};

static volatile sig_atomic_t stop;

/* Note SIGTERM or SIGINT; the loop ends at its next wake-up. */
static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Microseconds on the monotonic clock. */
static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Append an attribute to the message in buf (of size cap). */
static void
put_attr(char *buf, size_t cap, uint16_t type, const void *data, uint16_t len)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct nlattr *a = (struct nlattr *)(buf + NLMSG_ALIGN(nh->nlmsg_len));

	if (NLMSG_ALIGN(nh->nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) > cap)
		abort();	/* the callers' buffers are sized for their messages */
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Start a queue message of type msg in buf. */
static void
start_msg(char *buf, uint16_t msg, uint16_t flags)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct nfgenmsg *g = (struct nfgenmsg *)NLMSG_DATA(nh);

	memset(buf, 0, NLMSG_SPACE(sizeof(*g)));
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*g));
	nh->nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | msg;
	nh->nlmsg_flags = NLM_F_REQUEST | flags;
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	g->res_id = htons(QUEUE_NUM);
}

/* Send a config message and wait for its acknowledgement; 0 or -1. */
static int
config(int fd, uint16_t type, const void *data, uint16_t len)
{
	char buf[256];
	struct nlmsghdr *nh;
	ssize_t n;

	start_msg(buf, NFQNL_MSG_CONFIG, NLM_F_ACK);
	put_attr(buf, sizeof(buf), type, data, len);
	if (send(fd, buf, ((struct nlmsghdr *)buf)->nlmsg_len, 0) < 0)
		return -1;
	if ((n = recv(fd, buf, sizeof(buf), 0)) < (ssize_t)NLMSG_HDRLEN)
		return -1;
	nh = (struct nlmsghdr *)buf;
	if (nh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nh);

		if (e->error != 0) {
			errno = -e->error;
			return -1;
		}
	}
	return 0;
}

/* Open queue 0 in the namespace at path (entered and left again); fd or -1. */
static int
queue_open(const char *path, int home)
{
	struct nfqnl_msg_config_cmd cmd = { .command = NFQNL_CFG_CMD_BIND };
	struct nfqnl_msg_config_params params = { .copy_range = 0, .copy_mode = NFQNL_COPY_META };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int ns, fd = -1, size = 4 << 20;

	if ((ns = open(path, O_RDONLY | O_CLOEXEC)) < 0 || setns(ns, CLONE_NEWNET) < 0) {
		fprintf(stderr, "tb-bgp-delay: %s: %s\n", path, strerror(errno));
		if (ns >= 0)
			close(ns);
		return -1;
	}
	close(ns);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    config(fd, NFQA_CFG_CMD, &cmd, sizeof(cmd)) < 0 ||
	    config(fd, NFQA_CFG_PARAMS, &params, sizeof(params)) < 0) {
		fprintf(stderr, "tb-bgp-delay: %s: cannot bind NFQUEUE %d: %s\n", path,
		    QUEUE_NUM, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	if (setns(home, CLONE_NEWNET) < 0) {
		fprintf(stderr, "tb-bgp-delay: cannot return to our namespace: %s\n",
		    strerror(errno));
		exit(1);
	}
	return fd;
}

/* Let packet id of queue q go. */
static void
release(struct queue *q, uint32_t id)
{
	struct nfqnl_msg_verdict_hdr v = { htonl(NF_ACCEPT), htonl(id) };
	char buf[128];

	start_msg(buf, NFQNL_MSG_VERDICT, 0);
	put_attr(buf, sizeof(buf), NFQA_VERDICT_HDR, &v, sizeof(v));
	if (send(q->fd, buf, ((struct nlmsghdr *)buf)->nlmsg_len, 0) < 0)
		fprintf(stderr, "tb-bgp-delay: %s: verdict: %s\n", q->name, strerror(errno));
}

/* Hold every packet the kernel queued for q, due delay_us from now. */
static void
take(struct queue *q, int64_t delay_us)
{
	char buf[65536];
	ssize_t n;

	while ((n = recv(q->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *nh;
		int len = (int)n;

		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			struct nlattr *a;
			int alen;

			if (nh->nlmsg_type != ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET))
				continue;
			a = (struct nlattr *)((char *)NLMSG_DATA(nh) + NLMSG_ALIGN(sizeof(struct nfgenmsg)));
			alen = (int)nh->nlmsg_len - NLMSG_LENGTH(sizeof(struct nfgenmsg));
			for (; alen >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= alen;
			    alen -= NLA_ALIGN(a->nla_len),
			    a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
				const struct nfqnl_msg_packet_hdr *ph;

				if ((a->nla_type & NLA_TYPE_MASK) != NFQA_PACKET_HDR)
					continue;
				ph = (const void *)((char *)a + NLA_HDRLEN);
				if (q->n == HELD_MAX) {
					release(q, ntohl(ph->packet_id));	/* full: no delay */
					break;
				}
				q->ring[(q->head + q->n) % HELD_MAX] =
				    (struct held){ ntohl(ph->packet_id), now_us() + delay_us };
				q->n++;
				break;
			}
		}
	}
}

/* Let go every held packet of q that is due by t. */
static void
release_due(struct queue *q, int64_t t)
{
	while (q->n > 0 && q->ring[q->head].due_us <= t) {
		release(q, q->ring[q->head].id);
		q->head = (q->head + 1) % HELD_MAX;
		q->n--;
	}
}

/* Bind every namespace's queue, then hold and release until told to stop. */
int
main(int argc, char **argv)
{
	static struct pollfd pfd[MAX_NAMESPACES];
	static struct queue qs[MAX_NAMESPACES];
	struct sigaction sa = { .sa_handler = on_signal };
	int64_t delay_us, next, t;
	char *end;
	double secs;
	int home, i, nq = argc - 2, timeout;

	if (argc < 3 || nq > MAX_NAMESPACES) {
		fprintf(stderr, "usage: tb-bgp-delay SECONDS NETNS_PATH...\n");
		return 2;
	}
	secs = strtod(argv[1], &end);
	if (*end != '\0' || !(secs >= 0 && secs <= 3600)) {
		fprintf(stderr, "tb-bgp-delay: %s: not a number of seconds in 0..3600\n", argv[1]);
		return 2;
	}
	delay_us = (int64_t)(secs * 1e6);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0) {
		perror("tb-bgp-delay: /proc/self/ns/net");
		return 1;
	}
	for (i = 0; i < nq; i++) {
		qs[i].name = argv[i + 2];
		if ((qs[i].fd = queue_open(argv[i + 2], home)) < 0)
			return 1;
		if ((qs[i].ring = calloc(HELD_MAX, sizeof(struct held))) == NULL) {
			perror("tb-bgp-delay");
			return 1;
		}
		pfd[i].fd = qs[i].fd;
		pfd[i].events = POLLIN;
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		t = now_us();
		next = INT64_MAX;
		for (i = 0; i < nq; i++) {
			release_due(&qs[i], t);
			if (qs[i].n > 0 && qs[i].ring[qs[i].head].due_us < next)
				next = qs[i].ring[qs[i].head].due_us;
		}
		timeout = next == INT64_MAX ? 1000 : (int)((next - t) / 1000 + 1);
		if (timeout > 1000)
			timeout = 1000;
		if (poll(pfd, (nfds_t)nq, timeout) < 0 && errno != EINTR) {
			perror("tb-bgp-delay: poll");
			break;
		}
		for (i = 0; i < nq; i++)
			if (pfd[i].revents & POLLIN)
				take(&qs[i], delay_us);
	}
	for (i = 0; i < nq; i++)
		release_due(&qs[i], INT64_MAX);
	return 0;
}
